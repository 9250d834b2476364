/** The alarm on failed runs: an encrypted SNS topic (mailed if asked) and the alarm that publishes to it. */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/** The topic failed runs of `stateMachine` are published to, mailed to `alarmEmail` if set. */
export function addAlarms(scope: Construct, alarmEmail: string | null, stateMachine: StateMachine): Topic {
  const alarmKey = new Key(scope, 'AlarmTopicKey', {
    description: 'credsweep: encrypts the failed-run alarm topic',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // CloudWatch publishes alarm notifications to the encrypted topic; it needs the key for that.
  alarmKey.addToResourcePolicy(
    new PolicyStatement({
      sid: 'CloudWatchAlarmsUseKey',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
  const alarmTopic = new Topic(scope, 'AlarmTopic', {
    displayName: 'credsweep failed runs',
    masterKey: alarmKey,
    enforceSSL: true,
  });
  if (alarmEmail) alarmTopic.addSubscription(new EmailSubscription(alarmEmail));

  // The workflow ends every rejected, timed-out, backed-out or failed run in a Fail state, so
  // ExecutionsFailed counts each run that did not remediate as approved.
  const failedRuns = new Alarm(scope, 'FailedRunsAlarm', {
    alarmDescription:
      'A credsweep run failed: rejected, approval timed out, backed out, or an error. See the execution history and the evidence in S3.',
    metric: stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  failedRuns.addAlarmAction(new SnsAction(alarmTopic));
  alarmTopic.addToResourcePolicy(
    new PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [alarmTopic.topicArn],
      conditions: {
        ArnEquals: { 'aws:SourceArn': failedRuns.alarmArn },
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      },
    }),
  );
  return alarmTopic;
}
