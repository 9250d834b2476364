import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { FunctionId } from '../handlers/aws/permissions.js';
import { parseConfig } from './config.js';
import { ApprovalApi } from './constructs/approval-api.js';
import type { CredsweepFunction } from './constructs/credsweep-function.js';
import { SecurityHubStart } from './constructs/security-hub-start.js';
import { addAlarms } from './parts/alarms.js';
import { addData } from './parts/data.js';
import { addFunctions } from './parts/functions.js';
import { addGrants } from './parts/grants.js';
import { addMemberRoles, addOrganizationWorkflow } from './parts/organization.js';
import { addSchedule } from './parts/schedule.js';
import { addWorkflow, addWorkflowLogs } from './parts/workflow.js';
import type { CredsweepProps } from './props.js';

/**
 * credsweep as one construct: the remediation state machine and its functions, the approval API,
 * the table (approvals and ledger), the bucket (plans and evidence), the link-signing secret, an
 * optional schedule, and an alarm on failed runs. Put it in any stack of your CDK app
 * (`import { Credsweep } from 'credsweep/cdk'`); the props are validated as the repository's own
 * app validates its CDK context (infra/config.ts), and a bad one throws a ConfigError naming it.
 *
 * Each part is made by its own file of infra/parts/ (data, functions, workflow, organization,
 * grants, schedule, alarms), every resource a direct child of this construct, so that logical ids
 * do not depend on which file makes them.
 */
export class Credsweep extends Construct {
  /** The remediation workflow; start runs here (`credsweep start --state-machine <arn>`). */
  readonly stateMachine: StateMachine;
  /** Plans, batches and evidence (`credsweep evidence --bucket <name>`); retained on delete. */
  readonly bucket: Bucket;
  /** Approvals and the write-ahead ledger; retained on delete. */
  readonly table: Table;
  /** The approval links' API. */
  readonly approvalApi: ApprovalApi;
  /** Failed-run alarms are published here. */
  readonly alarmTopic: Topic;
  /**
   * Runs started from Security Hub: the custom action "Disable w/ credsweep" (securityHubActions) and
   * the auto-start (securityHubAutoStart); undefined when neither is on.
   */
  readonly startFromSecurityHub: SecurityHubStart | undefined;
  /** The organization workflow (`-c organization=true` only). */
  readonly organizationStateMachine: StateMachine | undefined;
  readonly functions: Partial<Record<FunctionId, CredsweepFunction>>;

  constructor(scope: Construct, id: string, props: CredsweepProps) {
    super(scope, id);
    const config = parseConfig(props);
    const org = config.organization;
    const deployment = {
      organization: org !== null,
      securityHubAdministrator: org?.securityHubAdministrator ?? false,
    };
    const logRetention = config.logRetentionDays as RetentionDays;

    const data = addData(this, config);
    this.table = data.table;
    this.bucket = data.bucket;

    this.approvalApi = new ApprovalApi(this, 'Approval', { logRetention });
    const functions = addFunctions(this, config, {
      data,
      approvalApi: this.approvalApi,
      deployment,
      logRetention,
    });
    this.functions = functions.byId;
    this.approvalApi.routeTo(functions.get('ApprovalApi').fn);

    const workflowLogs = addWorkflowLogs(this, logRetention);
    this.stateMachine = addWorkflow(this, config, functions, workflowLogs);
    this.organizationStateMachine = org
      ? addOrganizationWorkflow(this, config, functions, workflowLogs)
      : undefined;

    // Start from Security Hub (opt-in): the function names the state machines, so it is made after them.
    this.startFromSecurityHub =
      config.securityHubActions || config.securityHubAutoStart
        ? new SecurityHubStart(this, 'SecurityHub', {
            fn: functions.add('SecurityHubStart', {
              STATE_MACHINE_ARN: this.stateMachine.stateMachineArn,
              ...(this.organizationStateMachine
                ? { ORGANIZATION_STATE_MACHINE_ARN: this.organizationStateMachine.stateMachineArn }
                : {}),
            }),
            autoStart: config.securityHubAutoStart,
            actions: config.securityHubActions,
            organization: org !== null,
          })
        : undefined;

    addGrants(this, config, {
      data,
      functions,
      stateMachine: this.stateMachine,
      organizationStateMachine: this.organizationStateMachine,
      deployment,
    });
    if (org) addMemberRoles(this, config, org, functions);
    if (config.schedule) addSchedule(this, config.schedule, this.stateMachine);
    this.alarmTopic = addAlarms(this, config.alarmEmail, {
      account: this.stateMachine,
      organization: this.organizationStateMachine,
    });
  }
}
