/**
 * The CDK app: `npx cdk synth|deploy -c approverEmails=a@x.com -c senderEmail=b@x.com`.
 *
 * The stack is environment-agnostic unless the CLI knows the target account and Region
 * (CDK_DEFAULT_ACCOUNT/CDK_DEFAULT_REGION, set from your AWS profile): synthesis needs no AWS
 * credentials and no network, and the template resolves account and Region at deploy time.
 * Every resource is checked with the cdk-nag AwsSolutions pack during synthesis; an
 * unacknowledged finding fails the synth.
 */
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildLambdas } from '../scripts/build.js';
import { ConfigError, configFromContext, propsOf } from './config.js';
import { CredsweepStack } from './stack.js';

// The functions deploy the bundles in dist/lambda; build them from this source first, so a deploy
// from a clone never ships stale code.
await buildLambdas();

const app = new App();

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
// A setting that the policies or templates cannot hold (e.g. too many exemptUsers) is refused while
// the stack is built: the same one-problem-per-line message as a bad context key.
let stack: CredsweepStack;
try {
  stack = new CredsweepStack(app, 'Credsweep', {
    description:
      'credsweep: finds IAM credentials unused for N days and disables them after email approval (CIS 1.12).',
    settings: propsOf(configFromContext(app.node)),
    ...(account && region ? { env: { account, region } } : {}),
  });
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}
Tags.of(stack).add('app', 'credsweep');

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
