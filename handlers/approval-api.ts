/**
 * The approval page over HTTP: API Gateway (REST API, Lambda proxy integration) in AWS, and the
 * local server (cli/local/approval-server.ts) on 127.0.0.1, with the same event shape.
 *
 * GET  /approvals/{id}?k=<link secret>  shows the page; it never decides anything.
 * POST /approvals/{id}?k=<link secret>  decides: the person's decision is counted with a conditional
 *      store write (only while pending, and only over the approvals it was counted against: two
 *      approvers at the same instant are both counted, once each). A rejection, or the approval that
 *      reaches the quorum, is then handed to the workflow (SendTaskSuccess, for approvals and
 *      rejections alike); an approval short of the quorum tells the other approvers by mail. When
 *      SendTaskSuccess fails (AccessDenied, throttling), the decision stays recorded and undelivered:
 *      a 503 "try again" page lets the same approver hand it over again; it is never taken twice.
 * Anything else is 404. The link secret and the task token are never logged or shown.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod';
import { blobsAdapter, callbacksAdapter, mailAdapter, secretsAdapter, storeAdapter } from './aws/adapters.js';
import { logger } from './aws/logger.js';
import { awsPorts, type FunctionAws, use } from './aws/ports.js';
import { accountItems } from './core/approval/account-groups.js';
import {
  type ClientInfo,
  callbackOutput,
  decidePost,
  parseFormBody,
  statusOf,
  viewApproval,
} from './core/approval/decision.js';
import { renderProgressEmail } from './core/approval/email.js';
import { APPROVAL_ID_PATTERN, findApprover, formToken } from './core/approval/links.js';
import {
  type HttpResponse,
  htmlResponse,
  renderAlreadyDecidedPage,
  renderCountedPage,
  renderDecidedPage,
  renderErrorPage,
  renderExpiredPage,
  renderForbiddenPage,
  renderFormPage,
  renderNotFoundPage,
  renderTryAgainPage,
  renderWindowClosedPage,
} from './core/approval/page.js';
import {
  approvalProgress,
  approvalsOf,
  countDecision,
  requiredOf,
  samePerson,
  stillNeeded,
} from './core/approval/quorum.js';
import { readPlan } from './core/plan/plan.js';
import { approvalProgressKey } from './core/shared/run-keys.js';
import type { ApprovalRecord, DecisionRecord, Plan } from './core/shared/types.js';
import type { Ports } from './ports/index.js';

/** The parts of an API Gateway proxy event the approval API reads. */
export type ApprovalApiEvent = Pick<
  APIGatewayProxyEvent,
  'httpMethod' | 'path' | 'pathParameters' | 'queryStringParameters' | 'headers' | 'body' | 'isBase64Encoded'
> &
  Partial<Pick<APIGatewayProxyEvent, 'multiValueQueryStringParameters' | 'multiValueHeaders'>> & {
    requestContext: { identity: { sourceIp: string | null; userAgent?: string | null } };
  };

export type ApprovalApiResponse = HttpResponse;

/** Where the API reports what it did: names, ids and outcomes only, never secrets. */
export interface ApprovalLog {
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface ApprovalApiOptions {
  log?: ApprovalLog;
}

const silent: ApprovalLog = { info() {}, warn() {}, error() {} };

/** Errors of SendTaskSuccess that mean the task no longer waits (timed out, ended, or unknown). */
const TASK_GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

const MAX_BODY_CHARS = 2 * 1024 * 1024;

const stringMap = z.record(z.string(), z.string().nullish()).nullish();
const listMap = z.record(z.string(), z.array(z.string()).nullish()).nullish();

const eventSchema = z.object({
  httpMethod: z.string().max(16),
  path: z.string().max(2048),
  pathParameters: stringMap,
  queryStringParameters: stringMap,
  multiValueQueryStringParameters: listMap,
  headers: stringMap,
  multiValueHeaders: listMap,
  body: z.string().max(MAX_BODY_CHARS).nullish(),
  isBase64Encoded: z.boolean().nullish(),
  requestContext: z
    .object({
      identity: z.object({ sourceIp: z.string().nullish(), userAgent: z.string().nullish() }).nullish(),
    })
    .nullish(),
});

type ParsedEvent = z.output<typeof eventSchema>;

const ROUTE = /^\/approvals\/([^/]+)$/;

/** The approval id of a request to /approvals/{id}, or null for any other path. */
function routeId(event: ParsedEvent): string | null {
  if (!ROUTE.test(event.path)) return null;
  const fromParams = event.pathParameters?.id;
  if (typeof fromParams === 'string') return fromParams;
  const match = ROUTE.exec(event.path)?.[1];
  if (match === undefined) return null;
  try {
    return decodeURIComponent(match);
  } catch {
    return null;
  }
}

/** The one value of query parameter `k`; undefined when absent or repeated. */
function linkSecret(event: ParsedEvent): string | undefined {
  const all = event.multiValueQueryStringParameters?.k;
  if (all && all.length !== 1) return undefined;
  return event.queryStringParameters?.k ?? undefined;
}

function header(event: ParsedEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && typeof value === 'string') return value;
  }
  for (const [key, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (key.toLowerCase() === wanted && values && values.length > 0) return values.join(', ');
  }
  return undefined;
}

function clientInfo(event: ParsedEvent): ClientInfo {
  const fetchSite = header(event, 'sec-fetch-site');
  return {
    sourceIp: event.requestContext?.identity?.sourceIp ?? 'unknown',
    userAgent: header(event, 'user-agent') ?? event.requestContext?.identity?.userAgent ?? 'unknown',
    ...(fetchSite !== undefined ? { fetchSite } : {}),
  };
}

function formBody(event: ParsedEvent): string {
  const type = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' || !event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

const notFound = () => htmlResponse(404, renderNotFoundPage());

const errorName = (err: unknown) => (err instanceof Error ? err.name : typeof err);

async function handle(event: ParsedEvent, ports: Ports, log: ApprovalLog): Promise<HttpResponse> {
  const method = event.httpMethod.toUpperCase();
  const approvalId = routeId(event);
  if (
    (method !== 'GET' && method !== 'POST') ||
    approvalId === null ||
    !APPROVAL_ID_PATTERN.test(approvalId)
  ) {
    return notFound();
  }
  const secret = linkSecret(event);
  const record = await ports.store.getApproval(approvalId);
  const approver = findApprover(record, secret);
  if (!record || !approver) {
    log.warn('Approval request refused', { approvalId, method, status: 404 });
    return notFound();
  }
  const now = ports.now();

  if (method === 'GET') {
    const view = viewApproval(record, secret, now);
    switch (view.kind) {
      case 'not-found':
        return notFound();
      case 'already-decided':
        return htmlResponse(statusOf(view), renderAlreadyDecidedPage(view.approval));
      case 'already-counted':
        return htmlResponse(
          statusOf(view),
          renderCountedPage(await readPlan(ports.blobs, record.planKey), view.approval, true),
        );
      case 'undelivered': {
        const token = formToken(await ports.secrets.getSigningKey(), approvalId, view.approver.secretHash);
        const decision = view.approval.decision as DecisionRecord;
        return htmlResponse(statusOf(view), renderTryAgainPage(approvalId, decision, token));
      }
      case 'expired':
        return htmlResponse(statusOf(view), renderExpiredPage(view.expiresAt));
      case 'form': {
        const plan = await readPlan(ports.blobs, record.planKey);
        const csrfToken = formToken(
          await ports.secrets.getSigningKey(),
          approvalId,
          view.approver.secretHash,
        );
        return htmlResponse(200, renderFormPage({ plan, record, approver: view.approver, csrfToken }));
      }
    }
  }

  const signingKey = await ports.secrets.getSigningKey();
  const plan = await readPlan(ports.blobs, record.planKey);
  const csrfToken = formToken(signingKey, approvalId, approver.secretHash);

  const client = clientInfo(event);
  const outcome = decidePost({
    record,
    secret,
    signingKey,
    planItemIds: plan.items.map((item) => item.id),
    accountItems: accountItems(plan),
    form: parseFormBody(formBody(event)),
    client,
    now,
  });
  const refused = {
    approvalId,
    method,
    status: statusOf(outcome),
    outcome: outcome.kind,
    sourceIp: client.sourceIp,
  };
  switch (outcome.kind) {
    case 'not-found':
      return notFound();
    case 'forbidden':
      log.warn('Approval request refused', refused);
      return htmlResponse(403, renderForbiddenPage());
    case 'already-decided':
      log.warn('Approval request refused', refused);
      return htmlResponse(409, renderAlreadyDecidedPage(outcome.approval));
    case 'already-counted':
      log.warn('Approval request refused', refused);
      return htmlResponse(409, renderCountedPage(plan, outcome.approval, true));
    case 'expired':
      log.warn('Approval request refused', refused);
      return htmlResponse(410, renderExpiredPage(outcome.expiresAt));
    case 'invalid':
      return htmlResponse(
        400,
        renderFormPage({
          plan,
          record,
          approver: outcome.approver,
          csrfToken,
          error: outcome.error,
          selected: outcome.selected,
          keptOut: outcome.keptOut,
          reason: outcome.reason,
        }),
      );
    case 'redeliver':
      log.info('Handing a recorded decision to the workflow again', { approvalId, method });
      return deliver(ports, log, plan, outcome.approval, csrfToken);
    case 'decided':
      break;
  }

  // Counted against the record as stored now; a lost race reads the winner's and counts again.
  let current: ApprovalRecord = record;
  for (let attempt = 0; attempt < MAX_COUNT_ATTEMPTS; attempt++) {
    const counted = countDecision(current, outcome.decision);
    if (counted.kind === 'already-decided') {
      log.warn('Approval request refused', { ...refused, status: 409, outcome: 'already-decided' });
      return htmlResponse(409, renderAlreadyDecidedPage(current));
    }
    if (counted.kind === 'already-counted') {
      log.warn('Approval request refused', { ...refused, status: 409, outcome: 'already-counted' });
      return htmlResponse(409, renderCountedPage(plan, current, true));
    }
    const { applied, approval } = await ports.store.decideApproval(
      approvalId,
      counted.update,
      approvalsOf(current).length,
    );
    current = approval;
    if (!applied) continue;
    if (counted.reached) return deliver(ports, log, plan, approval, csrfToken);
    log.info('Approval counted; the quorum is not reached yet', {
      approvalId,
      executionId: approval.executionId,
      approver: outcome.decision.approver,
      approvals: approvalsOf(approval).length,
      approvalsRequired: requiredOf(approval),
      sourceIp: client.sourceIp,
    });
    await recordProgress(ports, log, approval);
    await tellOthers(ports, log, plan, approval);
    return htmlResponse(200, renderCountedPage(plan, approval, false));
  }
  log.error('Approval not counted: the record kept changing', { approvalId });
  return htmlResponse(503, renderErrorPage());
}

/** Conditional writes lost in a row before giving up (each loss means another approver was counted). */
const MAX_COUNT_ATTEMPTS = 25;

/**
 * Hands the decided approval to the workflow. The decision is already recorded: a failure leaves it
 * undelivered, and the 503 page lets the same approver try again (never a new decision).
 */
async function deliver(
  ports: Ports,
  log: ApprovalLog,
  plan: Plan,
  approval: ApprovalRecord,
  csrfToken: string,
): Promise<HttpResponse> {
  const decision = approval.decision;
  if (!decision) throw new Error(`Approval ${approval.approvalId} has no decision to deliver`);
  const output = callbackOutput(approval.approvalId, decision, plan.items.length, approvalsOf(approval));
  const recorded = {
    approvalId: approval.approvalId,
    executionId: approval.executionId,
    decision: decision.decision,
    approver: output.approver,
    approvedCount: output.approvedCount,
    notApprovedCount: output.notApprovedCount,
    keptOutAccountCount: output.keptOutAccountCount ?? 0,
    sourceIp: decision.sourceIp,
  };
  try {
    await ports.callbacks.sendSuccess(approval.taskToken, output);
  } catch (err) {
    const name = errorName(err);
    if (TASK_GONE.has(name)) {
      log.warn('Decision recorded after the workflow stopped waiting', { ...recorded, error: name });
      return htmlResponse(410, renderWindowClosedPage(decision));
    }
    log.error('Decision recorded but not delivered to the workflow; the approver can try again', {
      ...recorded,
      error: name,
    });
    return htmlResponse(503, renderTryAgainPage(approval.approvalId, decision, csrfToken));
  }
  try {
    await ports.store.markDelivered(approval.approvalId, ports.now().toISOString());
  } catch (err) {
    // The workflow has it; a retry would only be told the window closed.
    log.warn('Decision delivered but not marked delivered', { ...recorded, error: errorName(err) });
  }
  log.info('Approval decided', recorded);
  return htmlResponse(200, renderDecidedPage(plan, decision, approval));
}

/** Writes how far the approval is, for `credsweep status`; a failure never undoes the counted approval. */
async function recordProgress(ports: Ports, log: ApprovalLog, approval: ApprovalRecord): Promise<void> {
  try {
    await ports.blobs.put(
      approvalProgressKey(approval.executionId),
      JSON.stringify(approvalProgress(approval)),
      'application/json',
    );
  } catch (err) {
    log.warn('Could not record the approval progress', {
      approvalId: approval.approvalId,
      error: errorName(err),
    });
  }
}

/** Mails the approvers who have not approved yet; a failed mail never undoes the counted approval. */
async function tellOthers(
  ports: Ports,
  log: ApprovalLog,
  plan: Plan,
  approval: ApprovalRecord,
): Promise<void> {
  if (stillNeeded(approval) === 0) return;
  const approved = approvalsOf(approval);
  const others = approval.approvers
    .map((a) => a.approver)
    .filter((a) => !approved.some((d) => samePerson(d.approver, a)));
  for (const to of others) {
    try {
      await ports.mail.send({ to: [to], ...renderProgressEmail({ plan, record: approval, approver: to }) });
    } catch (err) {
      log.warn('Could not tell an approver about the approvals so far', {
        approvalId: approval.approvalId,
        error: errorName(err),
      });
    }
  }
}

/** Answers one request; never throws (an unexpected failure is a 500 page that names no cause). */
export async function approvalApi(
  event: ApprovalApiEvent,
  ports: Ports,
  options: ApprovalApiOptions = {},
): Promise<ApprovalApiResponse> {
  const log = options.log ?? silent;
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) return notFound();
  try {
    return await handle(parsed.data, ports, log);
  } catch (err) {
    log.error('Approval request failed', { error: errorName(err) });
    return htmlResponse(500, renderErrorPage());
  }
}

/**
 * What this function does to AWS, port method by port method. Its role is granted exactly the
 * permissions the adapters declare for these methods (handlers/aws/permissions.ts), and any other
 * method fails (PortNotAvailable).
 */
export const AWS = {
  store: use(storeAdapter, 'getApproval', 'decideApproval', 'markDelivered'),
  // The plan; and how far the approval is, for `credsweep status` (runs/<name>/approval.json).
  blobs: use(blobsAdapter, 'get', 'put'),
  secrets: use(secretsAdapter, 'getSigningKey'),
  callbacks: use(callbacksAdapter, 'sendSuccess'),
  // The approvers still to approve are told who approved what (a quorum of more than one).
  mail: use(mailAdapter, 'send'),
} satisfies FunctionAws;

/** Lambda entry point behind API Gateway. */
export const handler = (event: APIGatewayProxyEvent): Promise<ApprovalApiResponse> =>
  approvalApi(event, awsPorts(AWS), { log: logger });
