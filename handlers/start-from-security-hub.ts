/**
 * Starts a credsweep run from Security Hub, for the IAM users of:
 * - the findings a person selected with the custom action "Disable w/ credsweep" (EventBridge
 *   "Security Hub Findings - Custom Action", delivered to this function directly);
 * - with `-c securityHubAutoStart=true`, new failing IAM.8 / IAM.22 findings ("Security Hub Findings
 *   - Imported"), which EventBridge puts on an SQS queue that this function reads with a batching
 *   window: every finding of a burst arrives in one invocation, and one invocation starts one run.
 *
 * The run is limited to those users (`users`); the staleness policy and the approval still decide.
 * Findings of the hub account start the account workflow. In an organization deployment whose hub
 * is the Security Hub administrator, findings of member accounts (AwsAccountId other than the hub)
 * arrive too: they start one run of the organization workflow for those accounts (`accounts`) and
 * their users, the hub's own users with them; a deployment without the organization workflow
 * refuses them, naming the accounts, and starts nothing for them.
 * Environment: the common one (handlers/aws/ports.ts; ACCOUNT_ID is the hub account),
 * STATE_MACHINE_ARN and, in an organization deployment, ORGANIZATION_STATE_MACHINE_ARN.
 */
import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { runsAdapter } from './aws/adapters.js';
import { logger } from './aws/logger.js';
import { awsPorts, type FunctionAws, use } from './aws/ports.js';
import type { AsffFinding } from './core/security-hub/asff.js';
import { runsToStart, type StartTrigger, startExecutionName } from './core/security-hub/start-run.js';
import { InputError } from './core/shared/errors.js';
import type { Ports } from './ports/index.js';

const securityHubEvent = z.object({
  source: z.literal('aws.securityhub'),
  'detail-type': z.string(),
  detail: z.object({
    actionName: z.string().optional(),
    findings: z.array(z.looseObject({})).max(10_000),
  }),
});

const sqsEvent = z.object({ Records: z.array(z.object({ messageId: z.string(), body: z.string() })) });

export interface StartResult {
  trigger: StartTrigger;
  findings: number;
  users: number;
  /** The execution started, or null when no finding named a user to start for. */
  executionArn: string | null;
  /** Which workflow it runs: the account's, or the organization's for member accounts' findings. */
  workflow: 'account' | 'organization' | null;
  /** The accounts an organization run was started for. */
  accounts: string[];
  /** Why findings of other accounts started nothing (a deployment that is not an organization's). */
  refused: string | null;
}

/** The findings of a batch of queued EventBridge events; a body that is not one is skipped and named. */
function queuedFindings(records: { messageId: string; body: string }[]): AsffFinding[] {
  const findings: AsffFinding[] = [];
  for (const record of records) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(record.body);
    } catch {
      parsed = null;
    }
    const event = securityHubEvent.safeParse(parsed);
    if (event.success) findings.push(...(event.data.detail.findings as AsffFinding[]));
    else
      logger.warn('Skipped a queued message that is not a Security Hub findings event', {
        messageId: record.messageId,
      });
  }
  return findings;
}

export async function startFromSecurityHub(
  event: unknown,
  ports: Pick<Ports, 'runs' | 'settings' | 'now'>,
): Promise<StartResult> {
  const queued = sqsEvent.safeParse(event);
  const direct = securityHubEvent.safeParse(event);
  let trigger: StartTrigger;
  let findings: AsffFinding[];
  let actionName: string | undefined;
  if (queued.success) {
    trigger = 'auto-start';
    findings = queuedFindings(queued.data.Records);
  } else if (direct.success) {
    trigger = 'custom-action';
    findings = direct.data.detail.findings as AsffFinding[];
    actionName = direct.data.detail.actionName;
  } else {
    throw new InputError('not a Security Hub findings event (EventBridge) nor a batch of them (SQS)');
  }
  const hubAccountId = ports.settings.accountId;
  const { hub, members } = runsToStart(findings, hubAccountId, trigger);
  const startedBy =
    trigger === 'custom-action'
      ? `Security Hub custom action "${actionName ?? 'Disable w/ credsweep'}" on ${findings.length} finding(s)`
      : `Security Hub auto-start: ${findings.length} new failing finding(s)`;
  const name = startExecutionName(trigger, ports.now(), randomBytes(3).toString('hex'));
  const base = { trigger, findings: findings.length, accounts: [] as string[], refused: null };
  if (members.length > 0) {
    // Member accounts' findings (they reach the hub when it is the Security Hub administrator): one
    // organization run for their accounts (and the hub's, when its own findings came with them).
    const accounts = [...(hub.length > 0 ? [hubAccountId] : []), ...members.map((m) => m.accountId)];
    const users = [...new Set([...hub, ...members.flatMap((m) => m.users)])].sort();
    try {
      const executionArn = await ports.runs.startOrganization(name, {
        mode: 'remediate',
        accounts,
        users,
        startedBy: startedBy.slice(0, 256),
      });
      return { ...base, users: users.length, executionArn, workflow: 'organization', accounts };
    } catch (err) {
      if ((err as Error).name !== 'NotAnOrganization') throw err;
      const refused = `${members.length} other account(s) (${members.map((m) => m.accountId).join(', ')}) named in the findings: ${(err as Error).message}; their findings start nothing`;
      if (hub.length === 0) return { ...base, users: 0, executionArn: null, workflow: null, refused };
      const executionArn = await ports.runs.start(name, {
        mode: 'remediate',
        users: hub,
        startedBy: startedBy.slice(0, 256),
      });
      return { ...base, users: hub.length, executionArn, workflow: 'account', refused };
    }
  }
  if (hub.length === 0) return { ...base, users: 0, executionArn: null, workflow: null };
  const executionArn = await ports.runs.start(name, {
    mode: 'remediate',
    users: hub,
    startedBy: startedBy.slice(0, 256),
  });
  return { ...base, users: hub.length, executionArn, workflow: 'account' };
}

/**
 * What this function does to AWS, port method by port method. Its role is granted exactly the
 * permissions the adapters declare for these methods (handlers/aws/permissions.ts), and any other
 * method fails (PortNotAvailable).
 */
export const AWS = {
  runs: use(runsAdapter, 'start', 'startOrganization'),
} satisfies FunctionAws;

export const handler = async (event: unknown): Promise<StartResult> => {
  const result = await startFromSecurityHub(event, awsPorts(AWS));
  logger.info(result.executionArn ? 'Run started from Security Hub' : 'No user to start a run for', {
    ...result,
  });
  return result;
};
