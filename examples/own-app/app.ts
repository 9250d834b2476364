/**
 * A team's own CDK app that embeds credsweep through the package (`credsweep/cdk`), as
 * docs/install.md describes: its own stack and name, its own outputs, cdk-nag's AwsSolutions pack
 * on the whole app. test/package/own-app.test.ts synthesizes it.
 *
 *   npx tsx examples/own-app/app.ts    (writes cdk.out, or CDK_OUTDIR)
 */
import { App, CfnOutput, Stack, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Credsweep } from 'credsweep/cdk';

const app = new App();
const stack = new Stack(app, 'SecurityBaseline', {
  description: 'The security team baseline: credsweep among other controls.',
});

const credsweep = new Credsweep(stack, 'StaleCredentials', {
  approverEmails: ['security@example.com', 'oncall@example.com'],
  senderEmail: 'credsweep@example.com',
  thresholdDays: 45,
  schedule: 'cron(0 6 ? * MON *)',
  exemptUsers: ['break-glass'],
  alarmEmail: 'security@example.com',
});

// The credsweep command finds a deployment by these two outputs (--stack SecurityBaseline), or
// takes --state-machine and --bucket.
new CfnOutput(stack, 'StateMachineArn', { value: credsweep.stateMachine.stateMachineArn });
new CfnOutput(stack, 'BucketName', { value: credsweep.bucket.bucketName });

Tags.of(stack).add('team', 'security');
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
