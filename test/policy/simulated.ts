/**
 * Calls the scenarios make that moto 5.2.1 cannot serve, named exactly as the recorder names them
 * (test/policy/recorder.ts), so that the same policy check evaluates them against the same roles:
 * moto's Security Hub has GetFindings and BatchImportFindings but no `/findings/batchupdate`
 * (moto/securityhub/urls.py), so no scenario over the wire can settle a finding.
 *
 * - RequestApproval sets the proposed users' findings to NOTIFIED, Report settles them at the end
 *   (handlers/core/security-hub/follow-run.ts): BatchUpdateFindings on this account's hub.
 * - OrgReport, in an organization whose hub is not the Security Hub administrator, settles each
 *   member account's findings in that account (handlers/core/organization/follow-findings.ts): it
 *   assumes the member findings role there (sts:AssumeRole, in the organization), then sends
 *   BatchUpdateFindings with that role's credentials on the member's hub; it settles the hub's own
 *   findings on the hub's.
 */
import type { RecordedCall } from './recorded-call.js';
import { securityHubArn } from './recorder.js';

export interface SimulatedCall extends RecordedCall {
  /** What the call stands for. */
  why: string;
}

/** The caller name the policy check gives requests signed with the member findings role. */
export const memberFindingsRoleCaller = (account: string) => `MemberFindingsRole@${account}`;

export interface SimulationScope {
  partition: string;
  region: string;
  /** The hub account. */
  account: string;
  /** An organization deployment: its id and one member account whose findings are settled. */
  organization?: { organizationId: string; member: string; findingsRoleName: string };
}

export function simulatedCalls(scope: SimulationScope): SimulatedCall[] {
  const { partition, region, account } = scope;
  const hub = securityHubArn(partition, region, account);
  const call = (functionId: string, action: string, resource: string, why: string, context = {}) => ({
    functionId,
    action,
    resource,
    context,
    why,
  });
  const calls: SimulatedCall[] = [
    call(
      'RequestApproval',
      'securityhub:BatchUpdateFindings',
      hub,
      'findings of the proposed users set to NOTIFIED',
    ),
    call('Report', 'securityhub:BatchUpdateFindings', hub, 'findings settled at the end of the run'),
  ];
  const org = scope.organization;
  if (org) {
    const memberHub = securityHubArn(partition, region, org.member);
    calls.push(
      call(
        'OrgReport',
        'securityhub:BatchUpdateFindings',
        hub,
        "the hub account's own findings settled at the end of the run",
      ),
      call(
        'OrgReport',
        'sts:AssumeRole',
        `arn:${partition}:iam::${org.member}:role/${org.findingsRoleName}`,
        'the member findings role of an account whose findings the run settles',
        { 'aws:ResourceOrgID': org.organizationId },
      ),
      call(
        memberFindingsRoleCaller(org.member),
        'securityhub:GetFindings',
        memberHub,
        "that account's findings read again before they are settled",
      ),
      call(
        memberFindingsRoleCaller(org.member),
        'securityhub:BatchUpdateFindings',
        memberHub,
        "that account's findings settled",
      ),
    );
  }
  return calls;
}
