/**
 * Starting a run from Security Hub: the users of the selected findings (the custom action "Disable
 * w/ credsweep"), or of new failing findings (the optional auto-start, a burst gathered into one
 * run). The run is an ordinary one limited to those users: the credential report and the staleness
 * policy still decide what is proposed, and an approver still decides what changes.
 */
import type { AsffFinding } from './asff.js';
import { fromAsff } from './asff.js';
import { userNameOfArn } from './controls.js';
import { NOTE_AUTHOR_PREFIX } from './notes.js';

export type StartTrigger = 'custom-action' | 'auto-start';

const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * The user names, sorted and without repeats, of the findings that may start a run. The custom
 * action takes every credential finding a person selected; the auto-start only new failing ones
 * credsweep has not written a note on (a finding it reopened after a rejection does not ask again
 * on its own: the custom action does).
 */
export function usersToStart(findings: AsffFinding[], accountId: string, trigger: StartTrigger): string[] {
  const users = new Set<string>();
  for (const raw of findings) {
    const f = fromAsff(raw, accountId);
    if (!f) continue;
    if (trigger === 'auto-start') {
      if (f.complianceStatus !== 'FAILED' || f.workflowStatus !== 'NEW') continue;
      if (f.note?.updatedBy.startsWith(NOTE_AUTHOR_PREFIX)) continue;
    }
    const name = userNameOfArn(f.userArn);
    if (name && IAM_USER_NAME.test(name)) users.add(name);
  }
  return [...users].sort();
}

/** What a batch of findings starts: the hub's own users, and the member accounts' users (organizations). */
export interface RunsToStart {
  /** Users of findings in the hub account. */
  hub: string[];
  /** Users of findings in other accounts, by account id, in account order. */
  members: { accountId: string; users: string[] }[];
}

/**
 * The users to start for, by the account whose findings name them (AwsAccountId): the hub's own,
 * and each other account's (which only an organization deployment can act on).
 */
export function runsToStart(
  findings: AsffFinding[],
  hubAccountId: string,
  trigger: StartTrigger,
): RunsToStart {
  const accounts = [...new Set(findings.map((f) => f.AwsAccountId ?? ''))]
    .filter((a) => /^\d{12}$/.test(a) && a !== hubAccountId)
    .sort();
  return {
    hub: usersToStart(findings, hubAccountId, trigger),
    members: accounts
      .map((accountId) => ({ accountId, users: usersToStart(findings, accountId, trigger) }))
      .filter((m) => m.users.length > 0),
  };
}

/** An execution name Step Functions accepts (1-80 of letters, digits, - and _), saying where it came from. */
export function startExecutionName(trigger: StartTrigger, now: Date, suffix: string): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `securityhub-${trigger}-${stamp}-${suffix}`.slice(0, 80);
}
