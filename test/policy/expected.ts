/**
 * The few grants a function may hold without a recorded call, each with why. Anything else granted
 * but never exercised by the scenarios (recorded over the wire, or simulated where moto has no API:
 * test/policy/simulated.ts) is a failure of the policy check, action and resource both.
 */
import type { UnexercisedAllowance } from './check.js';

/**
 * What CDK gives every function's role, used by the Lambda service rather than by the code: the
 * recorder sees the function's own requests only.
 */
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
 * The approval function's calls of a quorum counted part-way (approvalsRequired above 1, or a plan
 * that deletes): the progress record and the mail to the other approvers. The emulator deployment
 * has one approver, so it never sends them; test/browser/quorum.browser.test.ts sends both through
 * the local adapters. Left to do: a two-approver scenario over the wire.
 */
export const QUORUM_UNEXERCISED: UnexercisedAllowance[] = [
  {
    action: 's3:PutObject',
    functionId: 'ApprovalApi',
    why: 'Sent only when an approval is counted before the quorum is reached: runs/<name>/approval.json.',
  },
  {
    action: 'ses:SendEmail',
    functionId: 'ApprovalApi',
    why: 'Sent only when an approval is counted before the quorum is reached: the mail to the other approvers.',
  },
];

/**
 * The SES identities a deployment may send mail through besides the one the emulator's account
 * verified (the sender's address): SES authorizes SendEmail against whichever identity is verified,
 * the address or its domain, and, while the account is in the SES sandbox, each recipient's too
 * (infra/credsweep.ts, `mailIdentities`). moto verifies what it is told and has no sandbox, so only
 * the sender's address identity is ever named by a request.
 */
export function mailAlternatives(context: {
  senderEmail: string;
  approverEmails: string;
}): UnexercisedAllowance[] {
  const approvers = context.approverEmails.split(',').map((a) => a.trim());
  const domain = (address: string) => address.slice(address.indexOf('@') + 1);
  const identities = [
    ...new Set([...approvers, domain(context.senderEmail), ...approvers.map(domain)]),
  ].filter((i) => i !== context.senderEmail);
  return identities.map((identity) => ({
    action: 'ses:SendEmail',
    functionId: '*',
    resource: `arn:*:ses:*:*:identity/${identity}`,
    why: `${identity}: authorized instead of the sender's address when only it is verified, or as a recipient's identity in the SES sandbox; moto has neither.`,
  }));
}
