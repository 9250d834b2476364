/**
 * The checks of `credsweep doctor`, each read-only: it says ok, or the problem and how to fix it.
 * A check that cannot read what it needs (e.g. the caller may not call the API) is a problem too,
 * naming the action to ask for.
 */
import { randomBytes } from 'node:crypto';
import { DescribeAlarmsForMetricCommand } from '@aws-sdk/client-cloudwatch';
import { GetAccountCommand, GetEmailIdentityCommand } from '@aws-sdk/client-sesv2';
import { DescribeStateMachineCommand } from '@aws-sdk/client-sfn';
import { AwsIam } from '../../handlers/aws/iam.js';
import { approvalIdFor } from '../../handlers/core/approval/links.js';
import { generatePassword, restoredPasswordLength } from '../../handlers/core/change/password.js';
import type { PasswordPolicy } from '../../handlers/core/shared/types.js';
import { aws } from '../aws/errors.js';
import { passwordPolicyViolations } from '../local/password-policy.js';
import { cloudWatchClient, iamClient, sesClient, sfnClient } from './clients.js';
import type { Deployment } from './deployment.js';

export interface CheckResult {
  /** Stable, for scripts: `ses-sender`, `role:Backout`, ... */
  id: string;
  /** What was checked, in words. */
  title: string;
  ok: boolean;
  /** What was found (ok), or the problem. */
  detail: string;
  /** How to fix the problem; for an ok check, null, or how to turn on what it found off (information). */
  fix: string | null;
}

export const ok = (id: string, title: string, detail: string): CheckResult => ({
  id,
  title,
  ok: true,
  detail,
  fix: null,
});

/** Not a problem, but worth knowing: ok, with how to change it. */
export const info = (id: string, title: string, detail: string, how: string): CheckResult => ({
  id,
  title,
  ok: true,
  detail,
  fix: how,
});

export const problem = (id: string, title: string, detail: string, fix: string): CheckResult => ({
  id,
  title,
  ok: false,
  detail,
  fix,
});

/** Runs a check; an error it did not expect (access denied, throttling, network) becomes its problem. */
export async function guarded(
  id: string,
  title: string,
  check: () => Promise<CheckResult | CheckResult[]>,
): Promise<CheckResult[]> {
  try {
    const result = await check();
    return Array.isArray(result) ? result : [result];
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const denied = /^access denied/.test(message);
    return [
      problem(
        id,
        title,
        `could not check: ${message}`,
        denied
          ? 'give the identity running the doctor the action named (docs/deploy.md, "Check the deployment", lists them all), then run it again.'
          : 'fix what the message says and run `credsweep doctor` again.',
      ),
    ];
  }
}

// ---- SES ------------------------------------------------------------------------------------------

const domainOf = (address: string) => address.split('@')[1] ?? address;

/**
 * Whether SES may send from / (in the sandbox) to `address`: its address identity, or its domain
 * identity, is verified for sending. Returns the identity that is, or null.
 */
async function verifiedIdentity(address: string): Promise<string | null> {
  for (const identity of [address, domainOf(address)]) {
    try {
      const out = await aws({ action: 'ses:GetEmailIdentity' }, () =>
        sesClient().send(new GetEmailIdentityCommand({ EmailIdentity: identity })),
      );
      if (out.VerifiedForSendingStatus) return identity;
    } catch (err) {
      if ((err as { awsName?: string }).awsName !== 'NotFoundException') throw err;
    }
  }
  return null;
}

const verifyFix = (address: string) =>
  `verify it: \`aws sesv2 create-email-identity --email-identity ${address}\` and open the link SES mails to it (or verify its domain ${domainOf(address)} with DKIM)`;

/** The sender's identity (address or domain) is verified for sending in the stack's Region. */
export async function checkSesSender(d: Deployment): Promise<CheckResult> {
  const id = 'ses-sender';
  const title = 'the sender identity is verified';
  const sender = d.env.SENDER_EMAIL;
  if (!sender) {
    return problem(
      id,
      title,
      'the functions carry no SENDER_EMAIL: is this the credsweep stack?',
      'deploy the stack with `-c senderEmail=<verified address>` (docs/deploy.md).',
    );
  }
  const identity = await verifiedIdentity(sender);
  return identity
    ? ok(id, title, `${sender} may send (identity ${identity} is verified for sending).`)
    : problem(
        id,
        title,
        `neither ${sender} nor ${domainOf(sender)} is a verified SES identity in ${d.region}: every approval mail would be refused (MessageRejected) and the run backed out.`,
        `${verifyFix(sender)}.`,
      );
}

/**
 * SES GetAccount: sending is enabled; and what the SES sandbox means for the approvers: while in
 * it, SES delivers only to verified identities, so each approver's address (or domain) must be.
 */
export async function checkSesAccount(d: Deployment): Promise<CheckResult[]> {
  const approvers = (d.env.APPROVER_EMAILS ?? '').split(',').filter((a) => a !== '');
  const account = await aws({ action: 'ses:GetAccount' }, () => sesClient().send(new GetAccountCommand({})));
  const results: CheckResult[] = [
    account.SendingEnabled
      ? ok('ses-sending', 'SES sending is enabled', `SES may send mail from this account in ${d.region}.`)
      : problem(
          'ses-sending',
          'SES sending is enabled',
          `SES sending is paused for this account in ${d.region}: no approval mail can go out.`,
          'open the SES console (Account dashboard) for the reason; after fixing it, resume with `aws sesv2 put-account-sending-attributes --sending-enabled`.',
        ),
  ];
  if (account.ProductionAccessEnabled) {
    results.push(
      ok(
        'ses-approvers',
        'the approvers can receive mail',
        `SES production access is on: mail reaches any address, so all ${approvers.length} approvers.`,
      ),
    );
    return results;
  }
  const unverified: string[] = [];
  for (const approver of approvers) if (!(await verifiedIdentity(approver))) unverified.push(approver);
  const one = unverified.length === 1;
  results.push(
    unverified.length === 0
      ? ok(
          'ses-approvers',
          'the approvers can receive mail',
          `SES is in the sandbox in ${d.region} (mail only to verified identities, 200 a day); every approver (${approvers.join(', ')}) is verified.`,
        )
      : problem(
          'ses-approvers',
          'the approvers can receive mail',
          `SES is in the sandbox in ${d.region}: it delivers only to verified identities, and ${unverified.join(', ')} ${one ? 'is' : 'are'} not verified, so ${one ? 'that approver gets' : 'they get'} no approval mail (the run backs out with MessageRejected).`,
          `${unverified.map(verifyFix).join('; ')}; or request SES production access (SES console, Account dashboard, "Request production access").`,
        ),
  );
  return results;
}

// ---- the approval API ------------------------------------------------------------------------------

/**
 * An HTTPS GET of a made-up link: a well-formed approval id that names no approval, and a random
 * link secret. The approval function must look it up (a DynamoDB read) and answer 404; anything
 * else is a problem (a 5xx: the function failed; 403: the URL or the stage is wrong).
 */
export async function checkApprovalApi(d: Deployment, fetchFn: typeof fetch = fetch): Promise<CheckResult> {
  const id = 'approval-api';
  const title = 'the approval API answers a made-up link with 404';
  const base = d.outputs.ApprovalApiUrl?.replace(/\/+$/, '');
  if (!base) {
    return problem(
      id,
      title,
      `stack ${d.stackName} has no ApprovalApiUrl output.`,
      'deploy the current stack (npx cdk deploy): its outputs name the approval API.',
    );
  }
  const approvalId = approvalIdFor(`credsweep-doctor-${randomBytes(8).toString('hex')}`);
  const url = `${base}/approvals/${approvalId}?k=${randomBytes(32).toString('base64url')}`;
  const shown = `${base}/approvals/${approvalId}?k=…`;
  let status: number;
  try {
    const response = await fetchFn(url, { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
    status = response.status;
    await response.body?.cancel();
  } catch (err) {
    return problem(
      id,
      title,
      `GET ${shown} failed: ${(err as Error).message}${(err as Error).cause ? ` (${String((err as { cause: unknown }).cause)})` : ''}.`,
      'check the network path to API Gateway and the stack output ApprovalApiUrl; approvers must reach this URL from where they read mail.',
    );
  }
  if (status === 404)
    return ok(id, title, `GET ${shown} answered 404, as a link that names no approval must.`);
  const fix =
    status >= 500
      ? 'the approval function failed: read its log group (stack resource ApprovalApiFunction…) for the error, often a missing permission or setting.'
      : status === 403
        ? 'API Gateway refused the path: check ApprovalApiUrl (stage v1) and that the stack deployed its approval API.'
        : status === 429
          ? 'the stage is throttling: wait and run again; raise the stage throttle if approvers see this too.'
          : 'a made-up link must be 404 and nothing else: check that the API routes /approvals/{id} to the approval function.';
  return problem(id, title, `GET ${shown} answered ${status}, not 404.`, fix);
}

// ---- the account password policy -----------------------------------------------------------------

const describePolicy = (p: PasswordPolicy) => {
  const classes = [
    p.RequireUppercaseCharacters && 'uppercase',
    p.RequireLowercaseCharacters && 'lowercase',
    p.RequireNumbers && 'numbers',
    p.RequireSymbols && 'symbols',
  ].filter(Boolean);
  return `minimum ${p.MinimumPasswordLength ?? 6} characters${classes.length > 0 ? `, requires ${classes.join(', ')}` : ''}`;
};

/** The account password policy accepts the passwords backout would restore console access with. */
export async function checkPasswordPolicy(): Promise<CheckResult> {
  const id = 'password-policy';
  const title = 'the password policy accepts restored console passwords';
  const policy = await aws({ action: 'iam:GetAccountPasswordPolicy' }, () =>
    new AwsIam(iamClient()).getAccountPasswordPolicy(),
  );
  const what = policy
    ? `the account policy (${describePolicy(policy)})`
    : "IAM's default policy (no custom policy is set)";
  let password: string;
  try {
    password = generatePassword(policy);
  } catch (err) {
    return problem(
      id,
      title,
      `${what}: ${(err as Error).message}.`,
      'lower MinimumPasswordLength to 128 or less: `aws iam update-account-password-policy` (give every setting you keep).',
    );
  }
  const violations = passwordPolicyViolations(password, policy);
  if (violations.length > 0) {
    return problem(
      id,
      title,
      `${what} refuses the passwords backout generates: ${violations.join('; ')}.`,
      'report this as a credsweep bug (handlers/core/change/password.ts); until fixed, a backout cannot restore console access.',
    );
  }
  return ok(
    id,
    title,
    `${what}: backout restores ${restoredPasswordLength(policy)}-character passwords with uppercase, lowercase, numbers and symbols, which it accepts.`,
  );
}

// ---- the workflow and its alarm ---------------------------------------------------------------------

export async function checkStateMachine(d: Deployment): Promise<CheckResult> {
  const id = 'state-machine';
  const title = 'the state machine exists';
  try {
    const out = await aws({ action: 'states:DescribeStateMachine', stateMachineArn: d.stateMachineArn }, () =>
      sfnClient().send(new DescribeStateMachineCommand({ stateMachineArn: d.stateMachineArn })),
    );
    if (out.status && out.status !== 'ACTIVE') {
      return problem(
        id,
        title,
        `${d.stateMachineArn} is ${out.status}.`,
        'deploy the stack again (npx cdk deploy) so that it has an active state machine.',
      );
    }
    return ok(id, title, `${out.name ?? d.stateMachineArn} is ACTIVE.`);
  } catch (err) {
    if ((err as { awsName?: string }).awsName === 'StateMachineDoesNotExist') {
      return problem(
        id,
        title,
        `${d.stateMachineArn} (the stack's StateMachineArn output) does not exist.`,
        'deploy the stack again (npx cdk deploy); check AWS_REGION and --stack.',
      );
    }
    throw err;
  }
}

/**
 * The failed-runs alarm: CloudWatch DescribeAlarmsForMetric for the state machine's ExecutionsFailed
 * (found by what it watches, not by name, so a renamed or hand-made alarm counts too).
 */
export async function checkAlarm(d: Deployment): Promise<CheckResult> {
  const id = 'alarm';
  const title = 'the failed-runs alarm exists';
  const out = await aws({ action: 'cloudwatch:DescribeAlarmsForMetric' }, () =>
    cloudWatchClient().send(
      new DescribeAlarmsForMetricCommand({
        Namespace: 'AWS/States',
        MetricName: 'ExecutionsFailed',
        Dimensions: [{ Name: 'StateMachineArn', Value: d.stateMachineArn }],
      }),
    ),
  );
  const alarms = out.MetricAlarms ?? [];
  if (alarms.length === 0) {
    return problem(
      id,
      title,
      `no CloudWatch alarm watches ExecutionsFailed of ${d.stateMachineArn}: a failed or backed-out run would go unnoticed.`,
      'deploy the current stack (npx cdk deploy): it creates the FailedRunsAlarm.',
    );
  }
  const notifying = alarms.filter((a) => a.ActionsEnabled !== false && (a.AlarmActions ?? []).length > 0);
  if (notifying.length === 0) {
    const names = alarms.map((a) => a.AlarmName ?? '?');
    return problem(
      id,
      title,
      `${names.join(', ')} ${names.length === 1 ? 'watches' : 'watch'} ExecutionsFailed but notif${names.length === 1 ? 'ies' : 'y'} nobody (actions disabled or empty).`,
      `enable the actions: \`aws cloudwatch enable-alarm-actions --alarm-names ${names.join(' ')}\`, or deploy the stack again; subscribe to its topic with -c alarmEmail=... .`,
    );
  }
  const alarm = notifying[0];
  const now = notifying.some((a) => a.StateValue === 'ALARM')
    ? ' It is in ALARM now: a run failed recently (`credsweep history`).'
    : '';
  return ok(
    id,
    title,
    `${alarm?.AlarmName} watches ExecutionsFailed and notifies ${alarm?.AlarmActions?.join(', ')}.${now}`,
  );
}
