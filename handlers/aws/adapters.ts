/**
 * The AWS adapters as a function's `AWS` declaration names them (`use(iamAdapter, 'getUser')`),
 * each loaded on its first call (handlers/aws/ports.ts builds the port around it).
 *
 * Why lazily: the local engine runs the same handler entries with local ports, and the CLI's
 * local commands (`demo`, `start --local`, `backout --local`) then never load an AWS SDK client;
 * a Lambda function loads the clients of the ports it calls, when it first calls them. esbuild
 * keeps only the imports a bundle uses, so a function's bundle still carries only its own clients.
 */
import type { Adapter } from './ports.js';

export const iamAdapter: Adapter<import('../ports/iam.js').IamPort> = {
  load: async () => (await import('./iam.js')).awsIamPort,
};
export const storeAdapter: Adapter<import('../ports/store.js').StorePort> = {
  load: async () => (await import('./store.js')).dynamoStorePort,
};
export const blobsAdapter: Adapter<import('../ports/blobs.js').BlobPort> = {
  load: async () => (await import('./blobs.js')).s3BlobsPort,
};
export const mailAdapter: Adapter<import('../ports/mail.js').MailPort> = {
  load: async () => (await import('./mail.js')).sesMailPort,
};
export const secretsAdapter: Adapter<import('../ports/secrets.js').SecretsPort> = {
  load: async () => (await import('./secrets.js')).awsSecretsPort,
};
export const callbacksAdapter: Adapter<import('../ports/task-callbacks.js').TaskCallbackPort> = {
  load: async () => (await import('./task-callbacks.js')).sfnCallbacksPort,
};
export const securityHubAdapter: Adapter<import('../ports/security-hub.js').SecurityHubPort> = {
  load: async () => (await import('./security-hub.js')).awsSecurityHubPort,
};
export const runsAdapter: Adapter<import('../ports/runs.js').RunStarterPort> = {
  load: async () => (await import('./runs.js')).awsRunsPort,
};
export const organizationsAdapter: Adapter<import('../ports/organizations.js').OrganizationsPort> = {
  load: async () => (await import('./organizations.js')).awsOrganizationsPort,
};
/** Member accounts' IAM through the member role (the functions that read or change IAM there). */
export const memberIamAdapter: Adapter<import('../ports/organizations.js').AccountAccessPort> = {
  load: async () => (await import('./member-iam.js')).memberIamAccess,
};
/** Member accounts' Security Hub through the member findings role (the functions that follow findings). */
export const memberFindingsAdapter: Adapter<import('../ports/organizations.js').AccountAccessPort> = {
  load: async () => (await import('./member-findings.js')).memberFindingsAccess,
};
