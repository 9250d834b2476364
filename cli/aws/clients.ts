/**
 * The AWS clients only the command line uses, each built once: CloudFormation (stack outputs) and
 * STS (who is calling). Step Functions and S3 are the handlers' memoized clients
 * (handlers/aws/task-callbacks.ts, handlers/aws/blobs.ts), imported where they are called
 * (cli/aws/executions.ts), so a command loads the client of its first request first. Region and credentials come from the usual chain: AWS_PROFILE / AWS_REGION,
 * ~/.aws/config, SSO, environment variables.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { STSClient } from '@aws-sdk/client-sts';
import { DEFAULT_RETRY, memoize } from '../../handlers/aws/retry.js';

// The SDK warns on every Node 20 process that SDK versions published after January 2027 will need
// Node 22. This package pins its SDK versions and supports Node 20 locally (package.json `engines`), so on every
// command the warning is noise; it is checked when a client is built (below, lazily), so this is
// early enough. Set the variable to "false" to see it again.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const cloudFormationClient = memoize(() => new CloudFormationClient({ ...DEFAULT_RETRY }));

export const stsClient = memoize(() => new STSClient({ ...DEFAULT_RETRY }));
