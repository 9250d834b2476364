import { blobsAdapter, iamAdapter, mailAdapter, memberIamAdapter, storeAdapter } from './aws/adapters.js';
import { awsPorts, type FunctionAws, readsAbsentKeys, use } from './aws/ports.js';
import { inAccount } from './core/organization/account-scope.js';
import { analyzeRun } from './core/plan/analyze-run.js';
import { analyzeEvent } from './core/run/events.js';
import { parseWith } from './core/shared/validate.js';
import type { Ports } from './ports/index.js';

/**
 * Report -> findings -> lifecycle rules -> stored plan and batch references (small payload at any
 * account size). Mails owners their warnings (docs/lifecycle.md): a mail, not a change to the account.
 */
export async function analyze(event: unknown, ports: Ports) {
  const { executionId, request, accountId } = parseWith(analyzeEvent, event, 'Analyze event');
  const scope = await inAccount(ports, executionId, accountId);
  return analyzeRun(scope.ports, scope.runId, request, accountId);
}

/**
 * What this function does to AWS, port method by port method. Its role is granted exactly the
 * permissions the adapters declare for these methods (handlers/aws/permissions.ts), and any other
 * method fails (PortNotAvailable).
 */
export const AWS = {
  iam: use(iamAdapter, 'getCredentialReport', 'getUser', 'listAccessKeys', 'getAccessKeyLastUsed'),
  // Owners' warnings (read, mailed, recorded) and the delete stage's ledger look-up by key id.
  store: use(storeAdapter, 'getWarning', 'putWarning', 'listKeyLedger', 'listLedger'),
  blobs: readsAbsentKeys(use(blobsAdapter, 'get', 'put')),
  accounts: use(memberIamAdapter, 'iamFor'),
  mail: use(mailAdapter, 'send'),
} satisfies FunctionAws;

export const handler = (event: unknown) => analyze(event, awsPorts(AWS));
