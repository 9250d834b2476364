/**
 * The short list of granted actions a function may hold without a recorded call, each with why.
 * Anything else granted but never exercised by the scenarios is a failure of the policy check.
 */
import type { UnexercisedAllowance } from './check.js';

/** What CDK gives every function's role, used by the Lambda service rather than by the code. */
export const BASELINE_UNEXERCISED: UnexercisedAllowance[] = [
  {
    action: 'logs:CreateLogStream',
    functionId: '*',
    why: "Lambda writes the function's own log group with the function's role; the code sends no log request.",
  },
  {
    action: 'logs:PutLogEvents',
    functionId: '*',
    why: "Lambda writes the function's own log group with the function's role; the code sends no log request.",
  },
  {
    action: 'xray:PutTraceSegments',
    functionId: '*',
    why: 'Active tracing: the Lambda service sends the trace segments, not the code.',
  },
  {
    action: 'xray:PutTelemetryRecords',
    functionId: '*',
    why: 'Active tracing: the Lambda service sends the telemetry, not the code.',
  },
];

/**
 * Calls the emulator suite cannot record, because moto 5.2.1 does not serve them (its
 * moto/securityhub/urls.py has GetFindings and BatchImportFindings but no `/findings/batchupdate`).
 * They are not skipped: the emulator suite sends each, named exactly as the recorder names a
 * Security Hub request (resource: the account's hub), through the same IAM policy simulator against
 * the same synthesized roles ("calls moto cannot serve ..." in test/emulator/emulator.test.ts).
 */
export const NOT_SERVED_BY_MOTO: UnexercisedAllowance[] = [
  {
    action: 'securityhub:BatchUpdateFindings',
    functionId: 'RequestApproval',
    why: "moto 5.2.1 has no BatchUpdateFindings; it sets the proposed users' findings to NOTIFIED (handlers/core/security-hub/follow-run.ts).",
  },
  {
    action: 'securityhub:BatchUpdateFindings',
    functionId: 'Report',
    why: 'moto 5.2.1 has no BatchUpdateFindings; it resolves, suppresses or reopens the findings at the end of the run.',
  },
];

/** The scenarios' recordings: the baseline, two calls that only a rare path makes, and the calls moto cannot serve. */
export const SCENARIO_UNEXERCISED: UnexercisedAllowance[] = [
  ...BASELINE_UNEXERCISED,
  {
    action: 's3:ListBucket',
    functionId: '*',
    why: 'S3 consults it on GetObject only when the key is missing, to answer NoSuchKey instead of AccessDenied (handlers/aws/blobs.ts); no request sends it.',
  },
  {
    action: 'secretsmanager:PutSecretValue',
    functionId: 'Backout',
    why: 'Sent only when a backout is run again and its restored-password secret already exists (handlers/aws/secrets.ts).',
  },
  ...NOT_SERVED_BY_MOTO,
  {
    action: 's3:PutObject',
    functionId: 'ApprovalApi',
    why: 'Sent only when an approval is counted before the quorum is reached (approvalsRequired above 1, or a plan that deletes): the progress record runs/<name>/approval.json. The emulator deployment has one approver; test/browser/quorum.browser.test.ts sends it through the local adapters.',
  },
  {
    action: 'ses:SendEmail',
    functionId: 'ApprovalApi',
    why: 'Sent only when an approval is counted before the quorum is reached: the mail telling the other approvers who approved. The emulator deployment has one approver; test/browser/quorum.browser.test.ts sends it through the local adapters.',
  },
  {
    action: 'secretsmanager:PutSecretValue',
    functionId: 'DisableConsole',
    why: "Sent only when a user's console password is reset (consoleAction reset) a second time and its secret already exists (handlers/aws/secrets.ts).",
  },
];

/** The member role's grants the organization scenario does not send (test/emulator/organization.test.ts). */
export const MEMBER_ROLE_UNEXERCISED: UnexercisedAllowance[] = [
  {
    action: 'iam:DeleteAccessKey',
    functionId: 'MemberRole',
    why: "Sent only by the organization workflow's delete stage, for keys credsweep deactivated deleteAfterDays ago (DeleteKeys through the member role); the scenarios' keys were deactivated minutes ago. The single-account suite's lifecycle scenario sends it with DeleteKeys' own role.",
  },
  {
    action: 'iam:UpdateLoginProfile',
    functionId: 'MemberRole',
    why: "Sent only with consoleAction reset (DisableConsole resets the password instead of deleting it; handlers/core/change/remediate.ts); the organization scenarios delete console passwords, and the backout's restore is CreateLoginProfile. The single-account suite's lifecycle scenario sends it with DisableConsole's own role.",
  },
];

/** The organization scenario's recording (test/emulator/organization.test.ts): the account scenarios' list, plus grants of the organization's own functions only a path it does not run needs. */
export const ORG_SCENARIO_UNEXERCISED: UnexercisedAllowance[] = [
  ...SCENARIO_UNEXERCISED,
  {
    action: 's3:GetObject',
    functionId: 'ListAccounts',
    why: "Sent only in the organization workflow's backout mode: ListAccounts reads the earlier run's plan (handlers/core/organization/accounts.ts); the scenarios run no organization backout.",
  },
  {
    action: 'securityhub:BatchUpdateFindings',
    functionId: 'OrgReport',
    why: 'moto 5.2.1 has no BatchUpdateFindings, and the scenarios run without Security Hub findings; OrgReport updates the findings of each account at the end of the run.',
  },
  {
    action: 'sts:AssumeRole',
    functionId: 'OrgReport',
    why: "Sent only to update a member account's Security Hub findings through the member role (Security Hub in organizations); the scenarios have no findings.",
  },
];
