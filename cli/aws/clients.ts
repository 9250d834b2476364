/**
 * The AWS clients of the command line, each built once. Step Functions and S3 are the handlers'
 * memoized clients (handlers/aws/task-callbacks.ts, handlers/aws/blobs.ts); CloudFormation (stack outputs) and STS (who is calling)
 * are only used here. Region and credentials come from the usual chain: AWS_PROFILE / AWS_REGION,
 * ~/.aws/config, SSO, environment variables.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { STSClient } from '@aws-sdk/client-sts';
import { DEFAULT_RETRY, memoize } from '../../handlers/aws/retry.js';

export { s3Client } from '../../handlers/aws/blobs.js';
export { sfnClient } from '../../handlers/aws/task-callbacks.js';

export const cloudFormationClient = memoize(() => new CloudFormationClient({ ...DEFAULT_RETRY }));

export const stsClient = memoize(() => new STSClient({ ...DEFAULT_RETRY }));
