/**
 * `credsweep doctor`: reads a deployed stack and runs every check, in an order where a problem
 * found early explains the ones after it. Loaded on demand by cli/commands/doctor.ts.
 */

import { deployedFunctionIds, functionGrants } from '../../handlers/aws/permissions.js';
import {
  type CheckResult,
  checkAlarm,
  checkApprovalApi,
  checkPasswordPolicy,
  checkSesAccount,
  checkSesSender,
  checkStateMachine,
  guarded,
} from './checks.js';
import { readDeployment } from './deployment.js';
import { checkMemberAssume, checkMemberInstances } from './organization.js';
import { checkCredentialReport, checkRole } from './roles.js';
import { checkSecurityHubActions } from './security-hub.js';

export interface DoctorReport {
  stack: string;
  region: string;
  account: string;
  ok: boolean;
  problems: number;
  checks: CheckResult[];
}

export async function runDoctor(opts: { stack?: string; fetchFn?: typeof fetch }): Promise<DoctorReport> {
  const d = await readDeployment(opts.stack);
  // An organization deployment has the organization workflow and its functions too.
  const organization = d.outputs.OrganizationStateMachineArn !== undefined;
  const checks: CheckResult[] = [
    ...(await guarded('state-machine', 'the state machine exists', () => checkStateMachine(d))),
    ...(await guarded('alarm', 'the failed-runs alarm exists', () => checkAlarm(d))),
    ...(await guarded('ses-sender', 'the sender identity is verified', () => checkSesSender(d))),
    ...(await guarded('ses-account', 'SES sends, and reaches the approvers', () => checkSesAccount(d))),
    ...(await guarded('approval-api', 'the approval API answers a made-up link with 404', () =>
      checkApprovalApi(d, opts.fetchFn),
    )),
    ...(await guarded('credential-report', 'the credential report can be generated and read', () =>
      checkCredentialReport(d),
    )),
    // Each function's role against the single source of permissions, one check per function.
    ...(
      await Promise.all(
        deployedFunctionIds(organization).map((id) =>
          guarded(`role:${id}`, `the ${id} function's role allows what its code calls`, () =>
            checkRole(d, id, functionGrants(id, organization)),
          ),
        ),
      )
    ).flat(),
    ...(await guarded('password-policy', 'the password policy accepts restored console passwords', () =>
      checkPasswordPolicy(),
    )),
    ...(await guarded('security-hub-actions', 'the Security Hub custom action', () =>
      checkSecurityHubActions(d),
    )),
    // An organization: the member role in every account of the target OUs, and reached by the hub.
    ...(organization
      ? [
          ...(await guarded('member-instances', 'every account of the target OUs has the member role', () =>
            checkMemberInstances(d),
          )),
          ...(await guarded(
            'member-assume',
            'the hub assumed the member role in every account (latest organization run)',
            () => checkMemberAssume(d),
          )),
        ]
      : []),
  ];
  const problems = checks.filter((c) => !c.ok).length;
  return { stack: d.stackName, region: d.region, account: d.account, ok: problems === 0, problems, checks };
}
