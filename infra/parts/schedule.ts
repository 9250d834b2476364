/** The optional schedule: an EventBridge Scheduler schedule that starts a run of the account workflow. */
import { Duration } from 'aws-cdk-lib';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/** Starts `stateMachine` with an empty input on `expression` (`rate(...)` or `cron(...)`). */
export function addSchedule(scope: Construct, expression: string, stateMachine: StateMachine): Schedule {
  return new Schedule(scope, 'Schedule', {
    description: `credsweep periodic run (${expression})`,
    schedule: ScheduleExpression.expression(expression),
    target: new StepFunctionsStartExecution(stateMachine, {
      input: ScheduleTargetInput.fromObject({}),
      retryAttempts: 3,
      maxEventAge: Duration.hours(1),
    }),
  });
}
