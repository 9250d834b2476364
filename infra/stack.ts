import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Credsweep } from './credsweep.js';
import type { CredsweepProps } from './props.js';

export interface CredsweepStackProps extends StackProps {
  /** The deployment's settings (from CDK context in infra/app.ts). */
  readonly settings: CredsweepProps;
}

/**
 * The repository's own deployment: one stack holding the Credsweep construct, and the outputs
 * the `credsweep` command reads (`--stack`, default `Credsweep`). The construct's id is `Default`,
 * which CDK leaves out of logical ids, so every resource keeps the logical id it had when the
 * stack held the resources itself (a deployed stack updates in place).
 */
export class CredsweepStack extends Stack {
  readonly credsweep: Credsweep;

  constructor(scope: Construct, id: string, props: CredsweepStackProps) {
    super(scope, id, props);
    const credsweep = new Credsweep(this, 'Default', props.settings);
    this.credsweep = credsweep;

    new CfnOutput(this, 'StateMachineArn', { value: credsweep.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ApprovalApiUrl', { value: credsweep.approvalApi.baseUrl });
    new CfnOutput(this, 'BucketName', { value: credsweep.bucket.bucketName });
    new CfnOutput(this, 'TableName', { value: credsweep.table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: credsweep.alarmTopic.topicArn });
    if (credsweep.organizationStateMachine) {
      new CfnOutput(this, 'OrganizationStateMachineArn', {
        value: credsweep.organizationStateMachine.stateMachineArn,
      });
    }
    // `credsweep audit` takes the cadence of its gaps from it (cli/aws/target.ts).
    if (props.settings.schedule && props.settings.schedule !== 'off') {
      new CfnOutput(this, 'Schedule', { value: props.settings.schedule });
    }
  }
}
