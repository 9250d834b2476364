/**
 * What a request to the approval page leads to: pure rules over the stored ApprovalRecord, the link
 * secret, the form and the clock. No I/O: the approval API loads the record, the plan and the
 * signing key, asks these functions, and carries out the answer.
 *
 * Order of the checks (the first that applies wins):
 * 1. no approval, or a link secret that is not one of its approvers' → not-found (404; the same
 *    answer for both, so a probe learns nothing);
 * 2. (POST) a cross-site request (Sec-Fetch-Site) or a missing/wrong form token → forbidden (403);
 * 3. decided by this approver but never handed to the workflow (a failed SendTaskSuccess) →
 *    undelivered (503: GET shows a "try again" form; its POST is `redeliver`, which hands the
 *    recorded decision over again and never takes a new one);
 * 4. already decided → already-decided (409, naming who decided and when);
 * 5. this person's approval is already counted (the quorum is not reached yet) → already-counted
 *    (409, saying how many approvals are still needed and who approved);
 * 6. past expiresAt → expired (410);
 * 7. (POST) a form that does not validate → invalid (400, the form again with the error); a later
 *    approver can approve only what every earlier one approved (handlers/core/approval/quorum.ts);
 * 8. otherwise: GET shows the form, POST yields the DecisionRecord, which the API counts.
 */
import * as z from 'zod';
import type { ApprovalRecord, ApproverLink, DecisionRecord } from '../shared/types.js';
import { firstUnsafeCharacter } from '../shared/visible-text.js';
import { checkFormToken, findApprover } from './links.js';
import { agreedSelection, approvalBy, approvalsOf, mayRedeliver } from './quorum.js';

export const MAX_REASON_LENGTH = 1000;
export const MAX_ITEMS = 10_000;
/** Organizations' largest raised limit. */
export const MAX_ACCOUNTS = 10_000;
/** The form field that keeps a whole account out of the approval (one value per account id). */
export const KEEP_ACCOUNT_FIELD = 'keep-account';
const MAX_ITEM_ID_LENGTH = 400;
const MAX_USER_AGENT_LENGTH = 512;

/** Who sent the request, as API Gateway (or the local server) saw it. */
export interface ClientInfo {
  sourceIp: string;
  userAgent: string;
  /** The browser's Sec-Fetch-Site header, when sent. */
  fetchSite?: string;
}

export type ViewOutcome =
  | { kind: 'not-found' }
  | { kind: 'already-decided'; approval: ApprovalRecord }
  | { kind: 'already-counted'; approval: ApprovalRecord; mine: DecisionRecord }
  | { kind: 'undelivered'; approver: ApproverLink; approval: ApprovalRecord }
  | { kind: 'expired'; expiresAt: string }
  | { kind: 'form'; approver: ApproverLink };

export type PostOutcome =
  | { kind: 'not-found' }
  | { kind: 'forbidden' }
  | { kind: 'already-decided'; approval: ApprovalRecord }
  | { kind: 'already-counted'; approval: ApprovalRecord; mine: DecisionRecord }
  | { kind: 'redeliver'; approver: ApproverLink; approval: ApprovalRecord }
  | { kind: 'expired'; expiresAt: string }
  | {
      kind: 'invalid';
      approver: ApproverLink;
      error: string;
      selected: string[];
      keptOut: string[];
      reason: string;
    }
  | { kind: 'decided'; approver: ApproverLink; decision: DecisionRecord };

export type Outcome = ViewOutcome | PostOutcome;

/** The HTTP status of each outcome. */
export function statusOf(outcome: Outcome): number {
  switch (outcome.kind) {
    case 'not-found':
      return 404;
    case 'forbidden':
      return 403;
    case 'already-decided':
    case 'already-counted':
      return 409;
    case 'undelivered':
    case 'redeliver':
      return 503;
    case 'expired':
      return 410;
    case 'invalid':
      return 400;
    case 'form':
    case 'decided':
      return 200;
  }
}

/** Expired when now is at or past expiresAt; an unreadable expiresAt counts as expired. */
export function isExpired(record: Pick<ApprovalRecord, 'expiresAt'>, now: Date): boolean {
  const expires = Date.parse(record.expiresAt);
  return Number.isNaN(expires) || now.getTime() >= expires;
}

/** GET: which page to show. Never decides anything. */
export function viewApproval(
  record: ApprovalRecord | null,
  secret: string | undefined,
  now: Date,
): ViewOutcome {
  const approver = findApprover(record, secret);
  if (!record || !approver) return { kind: 'not-found' };
  if (mayRedeliver(record, approver.approver)) return { kind: 'undelivered', approver, approval: record };
  if (record.status !== 'pending') return { kind: 'already-decided', approval: record };
  const mine = approvalBy(record, approver.approver);
  if (mine) return { kind: 'already-counted', approval: record, mine };
  if (isExpired(record, now)) return { kind: 'expired', expiresAt: record.expiresAt };
  return { kind: 'form', approver };
}

/** The fields of an application/x-www-form-urlencoded body, each with all its values. */
export type RawForm = Record<string, string[]>;

export function parseFormBody(body: string): RawForm {
  return groupFields(new URLSearchParams(body));
}

/**
 * Name/value pairs grouped by name. Built from a Map: a field named `toString`, `constructor` or
 * `__proto__` is a field like any other, never a member of Object.prototype.
 */
export function groupFields(pairs: Iterable<[string, string]>): RawForm {
  const fields = new Map<string, string[]>();
  for (const [name, value] of pairs) fields.set(name, [...(fields.get(name) ?? []), value]);
  return Object.fromEntries(fields);
}

/** Exactly one value of a field (undefined for none; several fail the string check). */
const single = <T extends z.ZodType>(schema: T) =>
  z.preprocess((values) => {
    if (!Array.isArray(values)) return values;
    return values.length <= 1 ? values[0] : values;
  }, schema);

/** Line breaks and tabs are how a person writes a reason; anything else unsafe cannot be shown faithfully. */
const REASON_LAYOUT = [0x09, 0x0a];

const formSchema = z.object({
  action: single(z.enum(['approve', 'reject'], { error: 'Choose Approve or Reject.' })),
  item: z
    .array(z.string().min(1).max(MAX_ITEM_ID_LENGTH), { error: 'The list of credentials is not valid.' })
    .max(MAX_ITEMS, { error: 'Too many credentials in the form.' })
    .default([]),
  [KEEP_ACCOUNT_FIELD]: z
    .array(z.string().min(1).max(MAX_ITEM_ID_LENGTH), {
      error: `The form field ${KEEP_ACCOUNT_FIELD} is not valid.`,
    })
    .max(MAX_ACCOUNTS, { error: `Too many accounts in the form field ${KEEP_ACCOUNT_FIELD}.` })
    .default([]),
  reason: single(
    z
      .string({ error: 'The reason is not valid.' })
      .default('')
      .transform((reason) => reason.replace(/\r\n?/g, '\n').trim())
      .pipe(
        z
          .string()
          .max(MAX_REASON_LENGTH, {
            error: `The reason is too long (at most ${MAX_REASON_LENGTH} characters).`,
          })
          .superRefine((reason, ctx) => {
            const found = firstUnsafeCharacter(reason, REASON_LAYOUT);
            if (found) {
              ctx.addIssue({
                code: 'custom',
                message:
                  `The reason contains ${found.description} at position ${found.position}, which cannot be ` +
                  'shown as written; remove it (it is often pasted in invisibly) and send again.',
              });
            }
          }),
      ),
  ),
});

/** What the form asked for, if it says anything usable; for re-rendering it after an error. */
function echo(form: RawForm): { selected: string[]; keptOut: string[]; reason: string } {
  const reason = form.reason?.[0] ?? '';
  return {
    selected: form.item ?? [],
    keptOut: form[KEEP_ACCOUNT_FIELD] ?? [],
    reason: reason.slice(0, MAX_REASON_LENGTH),
  };
}

/** A value from the form, quoted for an error message: short, and only if it looks like an account id. */
const quoted = (value: string) => (/^\d{12}$/.test(value) ? value : 'a value');

export interface PostInput {
  record: ApprovalRecord | null;
  /** The link secret from the URL (`k`). */
  secret: string | undefined;
  signingKey: string;
  /** Ids of the plan's items, in plan order. */
  planItemIds: readonly string[];
  /**
   * Organization runs: each account with credentials proposed, and the ids of its items
   * (accountItems in account-groups.ts); empty for a single account, where no account can be kept out.
   */
  accountItems?: ReadonlyMap<string, readonly string[]>;
  form: RawForm;
  client: ClientInfo;
  now: Date;
}

/** POST: refuse, or produce the DecisionRecord to store. */
export function decidePost(input: PostInput): PostOutcome {
  const { record, form, now } = input;
  const approver = findApprover(record, input.secret);
  if (!record || !approver) return { kind: 'not-found' };

  const site = input.client.fetchSite?.toLowerCase();
  if (site === 'cross-site' || site === 'same-site') return { kind: 'forbidden' };
  const csrf = form.csrf?.length === 1 ? form.csrf[0] : undefined;
  if (!checkFormToken(input.signingKey, record.approvalId, approver.secretHash, csrf)) {
    return { kind: 'forbidden' };
  }

  if (mayRedeliver(record, approver.approver)) return { kind: 'redeliver', approver, approval: record };
  if (record.status !== 'pending') return { kind: 'already-decided', approval: record };
  const mine = approvalBy(record, approver.approver);
  if (mine) return { kind: 'already-counted', approval: record, mine };
  if (isExpired(record, now)) return { kind: 'expired', expiresAt: record.expiresAt };

  const invalid = (error: string): PostOutcome => ({ kind: 'invalid', approver, error, ...echo(form) });
  const parsed = formSchema.safeParse(form);
  if (!parsed.success) return invalid(parsed.error.issues[0]?.message ?? 'The form is not valid.');
  const { action, item, reason } = parsed.data;
  const keepAccount = parsed.data[KEEP_ACCOUNT_FIELD];

  const inPlan = new Set(input.planItemIds);
  if (item.some((id) => !inPlan.has(id))) {
    return invalid('The form names credentials that are not in this plan. Open the link again and retry.');
  }
  const accounts = input.accountItems ?? new Map<string, readonly string[]>();
  const stranger = keepAccount.find((id) => !accounts.has(id));
  if (stranger !== undefined) {
    return invalid(
      `The form field ${KEEP_ACCOUNT_FIELD} names ${quoted(stranger)}, which is not an account with credentials in this plan. Open the link again and retry.`,
    );
  }
  const keep = new Set(keepAccount);
  const keptOut = [...accounts.keys()].filter((id) => keep.has(id));
  const keptItems = new Set(keptOut.flatMap((id) => accounts.get(id) ?? []));
  const agreed = agreedSelection(approvalsOf(record));
  if (action === 'approve' && agreed !== null) {
    const open = new Set(agreed);
    if (item.some((id) => !open.has(id))) {
      return invalid(
        'The form names credentials an earlier approver did not approve; only what every approver approves is changed. Untick them, or reject with a reason.',
      );
    }
  }
  const ticked = new Set(item);
  const selection = input.planItemIds.filter((id) => ticked.has(id) && !keptItems.has(id));

  if (action === 'reject' && reason.length === 0) {
    return invalid('Give a reason to reject: it is recorded with the run.');
  }
  if (action === 'approve' && selection.length === 0) {
    return invalid(
      keptOut.length > 0 && ticked.size > 0
        ? 'Every ticked credential is in an account kept out: nothing would be approved. Untick a Keep out box, or reject with a reason.'
        : 'Tick at least one credential to approve, or reject with a reason.',
    );
  }

  const decision: DecisionRecord = {
    decision: action === 'approve' ? 'approved' : 'rejected',
    approver: approver.approver,
    decidedAt: now.toISOString(),
    sourceIp: input.client.sourceIp,
    userAgent: input.client.userAgent.slice(0, MAX_USER_AGENT_LENGTH),
    selection: action === 'approve' ? selection : [],
    ...(action === 'approve' && keptOut.length > 0 ? { keptOutAccounts: keptOut } : {}),
    ...(reason.length > 0 ? { reason } : {}),
  };
  return { kind: 'decided', approver, decision };
}

/** The result the waiting workflow receives (`$.approval`); it routes on `decision`. */
export interface ApprovalCallbackOutput {
  decision: DecisionRecord['decision'];
  approvalId: string;
  /** Who decided: the rejecting approver, or every counted approver, comma-separated. */
  approver: string;
  decidedAt: string;
  approvedCount: number;
  notApprovedCount: number;
  /** Organization runs: how many accounts were kept out whole; absent when none (a field added later). */
  keptOutAccountCount?: number;
}

/** The callback of a decided approval: `approvals` are the counted ones (the quorum). */
export function callbackOutput(
  approvalId: string,
  decision: DecisionRecord,
  planItemCount: number,
  approvals: readonly DecisionRecord[] = [],
): ApprovalCallbackOutput {
  const approvedCount = decision.decision === 'approved' ? decision.selection.length : 0;
  const approvers =
    decision.decision === 'approved' && approvals.length > 0
      ? approvals.map((a) => a.approver).join(', ')
      : decision.approver;
  return {
    decision: decision.decision,
    approvalId,
    approver: approvers,
    decidedAt: decision.decidedAt,
    approvedCount,
    notApprovedCount: planItemCount - approvedCount,
    ...(decision.keptOutAccounts?.length ? { keptOutAccountCount: decision.keptOutAccounts.length } : {}),
  };
}
