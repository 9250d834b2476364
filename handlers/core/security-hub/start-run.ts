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

/** An execution name Step Functions accepts (1-80 of letters, digits, - and _), saying where it came from. */
export function startExecutionName(trigger: StartTrigger, now: Date, suffix: string): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `securityhub-${trigger}-${stamp}-${suffix}`.slice(0, 80);
}
