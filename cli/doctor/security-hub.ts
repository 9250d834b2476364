/**
 * `security-hub-actions` of `credsweep doctor`: an information line when Security Hub is enabled in
 * the account (Security Hub DescribeHub answers) but the stack deploys no custom action
 * (`securityHubActions` false, the default, so that the stack deploys where Security Hub is off).
 * Findings follow runs either way; only starting a run from the Security Hub console needs it.
 */
import { DescribeHubCommand } from '@aws-sdk/client-securityhub';
import { securityHubClient } from '../../handlers/aws/security-hub.js';
import { aws } from '../aws/errors.js';
import { type CheckResult, info, ok } from './checks.js';
import type { Deployment } from './deployment.js';

const ID = 'security-hub-actions';
const TITLE = 'the Security Hub custom action';

/** Security Hub's answer when the account has not enabled it (DescribeHub). */
const NOT_ENABLED = new Set(['InvalidAccessException', 'ResourceNotFoundException']);

export async function checkSecurityHubActions(d: Deployment): Promise<CheckResult> {
  if (d.securityHubActions) {
    return ok(ID, TITLE, '"Disable w/ credsweep" is deployed (securityHubActions=true).');
  }
  try {
    await aws({ action: 'securityhub:DescribeHub' }, () =>
      securityHubClient().send(new DescribeHubCommand({})),
    );
  } catch (err) {
    if (!NOT_ENABLED.has((err as { awsName?: string }).awsName ?? '')) throw err;
    return ok(
      ID,
      TITLE,
      `Security Hub is not enabled in ${d.region}; the stack deploys no custom action (securityHubActions=false).`,
    );
  }
  return info(
    ID,
    TITLE,
    `Security Hub is enabled in ${d.region}, but the stack's Security Hub actions are off (securityHubActions=false): findings still follow runs, but no "Disable w/ credsweep" action starts one from the console.`,
    'to have it, deploy again with `-c securityHubActions=true` (npx cdk deploy); README.md, "Deploy to AWS".',
  );
}
