/**
 * RequestApproval (`.waitForTaskToken`): records the approval request with the task token kept
 * server-side, then mails each approver their own link. The workflow waits until the approval API
 * answers the token (or the task times out).
 *
 * Idempotency: the approval id is derived from the execution id (approvalIdFor). When an approval
 * for this execution already exists, the invocation is a retry and mails nothing:
 * - pending, mailed and not expired: no new links and no second mail; if the token differs (a Step
 *   Functions retry gets a new token), the stored token is replaced so the links already mailed
 *   answer the task that is waiting now;
 * - decided: the decision was made for an earlier attempt and the approver was told the window had
 *   closed, so it is not replayed: the task fails with ApprovalAlreadyDecided (nothing is changed);
 * - pending but expired (a stale record under the same execution id): replaced by a new request;
 * - pending but never fully mailed (the attempt died between storing the record and the last mail,
 *   `mailedAt` unset): replaced by a new request with new links, so nobody holds a dead link and
 *   every approver gets one that works.
 */
import * as z from 'zod';
import {
  blobsAdapter,
  mailAdapter,
  memberFindingsAdapter,
  securityHubAdapter,
  storeAdapter,
} from './aws/adapters.js';
import { logger } from './aws/logger.js';
import { awsPorts, type FunctionAws, use } from './aws/ports.js';
import { renderApprovalEmail } from './core/approval/email.js';
import { approvalIdFor, issueLinks } from './core/approval/links.js';
import { approvalProgress } from './core/approval/quorum.js';
import type { SecurityHubStep } from './core/evidence/schema.js';
import { notifyOrganizationFindings } from './core/organization/follow-findings.js';
import { readPlan } from './core/plan/plan.js';
import { notifiedKey, notifyFindings } from './core/security-hub/follow-run.js';
import { CredsweepError, InputError } from './core/shared/errors.js';
import { quorumOf } from './core/shared/request.js';
import { approvalProgressKey, runPrefix } from './core/shared/run-keys.js';
import type { ApprovalRecord, Plan } from './core/shared/types.js';
import type { Ports } from './ports/index.js';

const eventSchema = z.object({
  taskToken: z.string().min(1).max(8192),
  executionId: z.string().min(1).max(2048),
  planKey: z.string().min(1).max(1024),
});

export interface RequestApprovalResult {
  approvalId: string;
  /** How many approvers the request went to. */
  approvers: number;
  /** false when this invocation was a retry that found the request already made (no mail sent). */
  created: boolean;
  /** What became of the proposed users' Security Hub findings (absent on a retry). */
  securityHub?: SecurityHubStep['status'];
}

const alreadyDecided = (approvalId: string) =>
  new CredsweepError(
    'ApprovalAlreadyDecided',
    `Approval ${approvalId} of this execution was decided before this attempt; nothing was changed. Start a new run.`,
  );

/** The validation problems by field name only: the event holds the task token. */
function invalidEvent(error: z.ZodError): InputError {
  const fields = [...new Set(error.issues.map((issue) => issue.path.join('.') || '(event)'))];
  return new InputError(`RequestApproval event is invalid: ${fields.join(', ')} missing or malformed`);
}

export async function requestApproval(event: unknown, ports: Ports): Promise<RequestApprovalResult> {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) throw invalidEvent(parsed.error);
  const { taskToken, executionId, planKey } = parsed.data;
  const { settings } = ports;
  const approvalId = approvalIdFor(executionId);
  const now = ports.now();

  const existing = await ports.store.getApproval(approvalId);
  if (existing && existing.status !== 'pending') throw alreadyDecided(approvalId);
  if (existing?.mailedAt && Date.parse(existing.expiresAt) > now.getTime()) {
    // Only the token changes: an approval counted since the read above stays counted.
    if (existing.taskToken !== taskToken && !(await ports.store.replaceTaskToken(approvalId, taskToken))) {
      throw alreadyDecided(approvalId);
    }
    return { approvalId, approvers: existing.approvers.length, created: false };
  }

  // One link per person: an address written twice (in any case) is one approver.
  const approvers = settings.approverEmails.filter(
    (a, i, all) => all.findIndex((b) => b.toLowerCase() === a.toLowerCase()) === i,
  );
  if (approvers.length === 0) {
    throw new CredsweepError('NoApprovers', 'No approver email address is configured; nobody could approve.');
  }
  const plan = await readPlan(ports.blobs, planKey);
  const approvalsRequired = quorumOfPlan(plan, settings);
  const links = issueLinks(settings.approvalBaseUrl, approvalId, approvers);
  const record: ApprovalRecord = {
    approvalId,
    executionId,
    planKey,
    accountId: plan.accountId,
    taskToken,
    approvers: links.map(({ link }) => link),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + settings.approvalTimeoutSeconds * 1000).toISOString(),
    status: 'pending',
    approvalsRequired,
    approvals: [],
  };
  await ports.store.putApproval(record);
  await ports.blobs.put(
    approvalProgressKey(executionId),
    JSON.stringify(approvalProgress(record)),
    'application/json',
  );
  const securityHub = await notifySecurityHub(ports, executionId, plan, record.expiresAt);

  for (const { link, url } of links) {
    const mail = renderApprovalEmail({
      plan,
      approver: link.approver,
      link: url,
      expiresAt: record.expiresAt,
      approvalsRequired,
    });
    await ports.mail.send({ to: [link.approver], ...mail });
  }
  await ports.store.markMailed(approvalId, ports.now().toISOString());
  return { approvalId, approvers: links.length, created: true, securityHub };
}

/**
 * The quorum of the plan: what Analyze fixed from the run input (plan.approvalsRequired), never less
 * than the deployment's own rule for this plan (a plan that deletes anything needs
 * deleteApprovalsRequired). A quorum the approvers cannot reach fails here, before anyone is mailed.
 */
function quorumOfPlan(plan: Plan, settings: Ports['settings']): number {
  const deletes = plan.items.some((i) => i.action === 'delete-access-key');
  const required = Math.max(plan.approvalsRequired ?? 1, quorumOf({}, settings, deletes));
  const people = new Set(settings.approverEmails.map((a) => a.toLowerCase())).size;
  if (required > people) {
    throw new CredsweepError(
      'QuorumUnreachable',
      `This run needs ${required} approvals from different people (approvalsRequired, deleteApprovalsRequired) but only ${people} approver${people === 1 ? ' is' : 's are'} configured (approverEmails); nothing was changed.`,
    );
  }
  return required;
}

/**
 * The findings of the proposed users go to NOTIFIED (findings follow the run); in an organization
 * run, in each account that owns them. Recorded for the evidence; never fails the approval request:
 * Security Hub does not decide the run.
 */
async function notifySecurityHub(
  ports: Ports,
  executionId: string,
  plan: Plan,
  expiresAt: string,
): Promise<SecurityHubStep['status']> {
  const put = async (key: string, step: SecurityHubStep) => {
    try {
      await ports.blobs.put(key, JSON.stringify(step), 'application/json');
    } catch (err) {
      logger.warn('Could not record the Security Hub NOTIFIED step', { error: (err as Error).name });
    }
  };
  if (plan.organization) return notifyOrganizationFindings(ports, executionId, plan, expiresAt, put);
  const step = await notifyFindings(ports, runPrefix(executionId).slice('runs/'.length), plan, expiresAt);
  await put(notifiedKey(runPrefix(executionId)), step);
  return step.status;
}

/**
 * What this function does to AWS, port method by port method. Its role is granted exactly the
 * permissions the adapters declare for these methods (handlers/aws/permissions.ts), and any other
 * method fails (PortNotAvailable).
 */
export const AWS = {
  store: use(storeAdapter, 'getApproval', 'putApproval', 'markMailed', 'replaceTaskToken'),
  blobs: use(blobsAdapter, 'get', 'put'),
  mail: use(mailAdapter, 'send'),
  securityHub: use(securityHubAdapter, 'findCredentialFindings', 'updateFindings'),
  // Organization runs: each account's findings (core/security-hub/account-hub.ts).
  accounts: use(memberFindingsAdapter, 'securityHubFor'),
} satisfies FunctionAws;

/** Lambda entry point. Logs ids and counts only: never the event (it holds the task token). */
export const handler = async (event: unknown): Promise<RequestApprovalResult> => {
  const result = await requestApproval(event, awsPorts(AWS));
  logger.info(result.created ? 'Approval requested' : 'Approval already requested; nothing mailed', {
    ...result,
  });
  return result;
};
