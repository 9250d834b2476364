/**
 * The AWS clients of `credsweep doctor`, each built once: the handlers' IAM and SES clients, the
 * command line's CloudFormation and Step Functions clients, and Lambda and CloudWatch, which only
 * the doctor uses. cli/commands/doctor.ts loads the doctor on demand, so no other command pays
 * for loading these SDK packages.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { DEFAULT_RETRY, memoize } from '../../handlers/aws/retry.js';

export { iamClient } from '../../handlers/aws/iam.js';
export { sesClient } from '../../handlers/aws/mail.js';
export { sfnClient } from '../../handlers/aws/task-callbacks.js';
export { cloudFormationClient } from '../aws/clients.js';

export const lambdaClient = memoize(() => new LambdaClient({ ...DEFAULT_RETRY }));
export const cloudWatchClient = memoize(() => new CloudWatchClient({ ...DEFAULT_RETRY }));
