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

/**
 * The topic every run that did not end as it should is published to (mailed to `alarmEmail` if set):
 * for each state machine, executions that failed (every rejected, timed-out, backed-out or failed run
 * ends in a Fail state), timed out (the state machine's own timeout) or were aborted (stopped by
 * hand). Alarm ids of the account workflow keep the names they always had.
 */
export function addAlarms(
  scope: Construct,
  alarmEmail: string | null,
  machines: { account: StateMachine; organization?: StateMachine | undefined },
): Topic {
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

  const period = { period: Duration.minutes(5), statistic: 'Sum' };
  const kinds = [
    {
      id: 'FailedRunsAlarm',
      what: 'failed: rejected, approval timed out, backed out, or an error',
      metric: (m: StateMachine) => m.metricFailed(period),
    },
    {
      id: 'TimedOutRunsAlarm',
      what: 'timed out (the state machine timeout): it may have stopped half-way',
      metric: (m: StateMachine) => m.metricTimedOut(period),
    },
    {
      id: 'AbortedRunsAlarm',
      what: 'was stopped by hand: it may have stopped half-way',
      metric: (m: StateMachine) => m.metricAborted(period),
    },
  ];
  const alarms: Alarm[] = [];
  for (const [prefix, machine, label] of [
    ['', machines.account, 'A credsweep run'],
    ...(machines.organization
      ? [['Organization', machines.organization, 'A credsweep organization run'] as const]
      : []),
  ] as const) {
    for (const kind of kinds) {
      const alarm = new Alarm(scope, `${prefix}${kind.id}`, {
        alarmDescription: `${label} ${kind.what}. See the execution history and the evidence in S3 (credsweep status/show).`,
        metric: kind.metric(machine),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new SnsAction(alarmTopic));
      alarms.push(alarm);
    }
  }
  alarmTopic.addToResourcePolicy(
    new PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [alarmTopic.topicArn],
      conditions: {
        ArnEquals: { 'aws:SourceArn': alarms.map((a) => a.alarmArn) },
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      },
    }),
  );
  return alarmTopic;
}
