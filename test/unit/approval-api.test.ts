import { beforeEach, describe, expect, it } from 'vitest';
import { type ApprovalApiResponse, type ApprovalLog, approvalApi } from '../../handlers/approval-api.js';
import { approvalIdFor, newLinkSecret } from '../../handlers/core/approval/links.js';
import { requestApproval } from '../../handlers/request-approval.js';
import {
  apiEvent,
  csrfIn,
  type EventOptions,
  EXECUTION_ID,
  linksIn,
  type MemoryPorts,
  memoryPorts,
  PLAN_KEY,
  putPlan,
} from '../helpers/memory-ports.js';

const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAeSECRET-TASK-TOKEN';
const APPROVAL_ID = approvalIdFor(EXECUTION_ID);
const BASE = 'https://approve.example.com/prod';

interface Logged {
  level: string;
  message: string;
  attributes: Record<string, unknown>;
}

let ports: MemoryPorts;
let logged: Logged[];
let log: ApprovalLog;
let linkA: string;
let linkB: string;
let itemIds: string[];

beforeEach(async () => {
  ports = memoryPorts();
  itemIds = (await putPlan(ports)).items.map((item) => item.id);
  await requestApproval({ taskToken: TOKEN, executionId: EXECUTION_ID, planKey: PLAN_KEY }, ports);
  [linkA, linkB] = ports.mail.sent.map((mail) => linksIn(mail)[0] ?? '') as [string, string];
  ports.journal.length = 0;
  logged = [];
  const record = (level: string) => (message: string, attributes: Record<string, unknown>) =>
    logged.push({ level, message, attributes });
  log = { info: record('info'), warn: record('warn'), error: record('error') };
});

const call = (method: string, url: string, opts?: EventOptions) =>
  approvalApi(apiEvent(method, url, opts), ports, { log });

async function csrfFor(link: string): Promise<string> {
  const page = await call('GET', link);
  expect(page.statusCode).toBe(200);
  return csrfIn(page.body);
}

async function postForm(link: string, fields: [string, string][], opts: EventOptions = {}) {
  const csrf = await csrfFor(link);
  return call('POST', link, { form: [['csrf', csrf], ...fields], ...opts });
}

const approve = (ids: string[]): [string, string][] => [
  ['action', 'approve'],
  ...ids.map((id): [string, string] => ['item', id]),
];

async function expectNothingDecided() {
  expect((await ports.store.getApproval(APPROVAL_ID))?.status).toBe('pending');
  expect(ports.callbacks.calls).toEqual([]);
  expect(ports.journal.filter((entry) => entry.startsWith('decideApproval'))).toEqual([]);
}

function expectSecurityHeaders(response: ApprovalApiResponse) {
  expect(response.headers).toMatchObject({
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  });
  expect(response.headers['Content-Security-Policy']).toMatch(
    /^default-src 'none'; style-src 'sha256-[^']+'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/,
  );
}

describe('GET /approvals/{id}?k=…', () => {
  it('answers query and form fields named like Object.prototype members as any other field (404, 400)', async () => {
    const noLink = await call('GET', `${BASE}/approvals/${APPROVAL_ID}?toString=1&constructor=2`);
    const csrf = await csrfFor(`${linkA}&constructor=x`);
    const posted = await call('POST', `${linkA}&toString=y`, {
      form: [
        ['csrf', csrf],
        ['toString', 'a'],
        ['constructor', 'b'],
        ['__proto__', 'c'],
        ['action', 'reject'],
      ],
    });

    expect(noLink.statusCode).toBe(404);
    expect(posted.statusCode).toBe(400);
    expect(posted.body).toContain('Give a reason to reject');
    await expectNothingDecided();
  });

  it('shows the plan with a ticked box per credential and the security headers', async () => {
    const page = await call('GET', linkA);

    expect(page.statusCode).toBe(200);
    expectSecurityHeaders(page);
    expect(page.body.match(/<input type="checkbox"[^>]* checked/g)).toHaveLength(itemIds.length);
    expect(page.body).toContain('alice.sec@example.com');
    expect(page.body).not.toContain(TOKEN);
  });

  it('never decides anything, whatever the query says (five times)', async () => {
    const tries = [
      linkA,
      linkA,
      `${linkA}&action=approve&item=${encodeURIComponent(itemIds[0] ?? '')}`,
      `${linkB}&action=reject&reason=scanner`,
      `${linkA}&csrf=${await csrfFor(linkA)}&action=approve`,
    ];

    for (const url of tries) expect((await call('GET', url)).statusCode).toBe(200);

    await expectNothingDecided();
    expect(ports.store.decideCalls).toBe(0);
  });

  it('answers a forged secret, an unknown id, a missing or repeated k and a bad id with the same 404', async () => {
    const unknownId = approvalIdFor('arn:aws:states:eu-west-1:123456789012:execution:credsweep:other');
    const responses = await Promise.all([
      call('GET', `${BASE}/approvals/${APPROVAL_ID}?k=${newLinkSecret()}`),
      call('GET', `${BASE}/approvals/${unknownId}?k=${new URL(linkA).searchParams.get('k')}`),
      call('GET', `${BASE}/approvals/${APPROVAL_ID}`),
      call('GET', `${linkA}&k=${newLinkSecret()}`),
      call('GET', `${BASE}/approvals/not-a-uuid?k=${newLinkSecret()}`),
      call('POST', `${BASE}/approvals/${APPROVAL_ID}?k=${newLinkSecret()}`, { form: approve(itemIds) }),
    ]);

    const first = responses[0];
    for (const response of responses) {
      expect(response.statusCode).toBe(404);
      expect(response.body).toBe(first?.body);
      expect(response.headers).toEqual(first?.headers);
    }
    expect(first?.body).not.toContain(APPROVAL_ID);
    await expectNothingDecided();
  });

  it('answers 404 to any other path or method', async () => {
    const link = new URL(linkA);
    const others: [string, string][] = [
      ['PUT', linkA],
      ['DELETE', linkA],
      ['HEAD', linkA],
      ['OPTIONS', linkA],
      ['GET', `${BASE}/approvals${link.search}`],
      ['GET', `${BASE}/approvals/${APPROVAL_ID}/approve${link.search}`],
      ['GET', `${BASE}/${link.search}`],
    ];

    for (const [method, url] of others) {
      const response = await call(method, url);
      expect(response.statusCode).toBe(404);
      expectSecurityHeaders(response);
    }
    const malformed = await approvalApi({ httpMethod: 'GET' } as never, ports);
    expect(malformed.statusCode).toBe(404);
    await expectNothingDecided();
  });

  it('says the link expired (410) after the window', async () => {
    ports.setNow('2025-06-02T12:00:00.000Z');

    const page = await call('GET', linkA);

    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('2025-06-02 12:00 UTC');
  });
});

describe('POST /approvals/{id}?k=…', () => {
  it('approves all: stores the decision, then answers the task token with it', async () => {
    const response = await postForm(linkA, approve(itemIds), {
      headers: { 'USER-AGENT': 'Mozilla/5.0 (X11) Chrome/140', 'Sec-Fetch-Site': 'same-origin' },
      sourceIp: '198.51.100.23',
    });

    expect(response.statusCode).toBe(200);
    expectSecurityHeaders(response);
    expect(response.body).toContain('Approved: 4 credentials will be disabled.');
    const stored = await ports.store.getApproval(APPROVAL_ID);
    expect(stored?.status).toBe('approved');
    expect(stored?.decision).toEqual({
      decision: 'approved',
      approver: 'alice.sec@example.com',
      decidedAt: '2025-06-01T12:00:00.000Z',
      sourceIp: '198.51.100.23',
      userAgent: 'Mozilla/5.0 (X11) Chrome/140',
      selection: itemIds,
    });
    expect(ports.journal).toEqual([`decideApproval ${APPROVAL_ID}`, `markDelivered ${APPROVAL_ID}`]);
    expect(ports.callbacks.calls).toEqual([
      {
        kind: 'success',
        taskToken: TOKEN,
        output: {
          decision: 'approved',
          approvalId: APPROVAL_ID,
          approver: 'alice.sec@example.com',
          decidedAt: '2025-06-01T12:00:00.000Z',
          approvedCount: 4,
          notApprovedCount: 0,
        },
      },
    ]);
  });

  it('approves a subset: the selection is the ticked ids, the rest counted as not approved', async () => {
    const ticked = [itemIds[0], itemIds[2]] as string[];

    const response = await postForm(linkB, approve(ticked));

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(
      'Approved: 2 credentials will be disabled; 2 not approved, left as they are.',
    );
    const stored = await ports.store.getApproval(APPROVAL_ID);
    expect(stored?.decision?.selection).toEqual(ticked);
    expect(stored?.decision?.approver).toBe('bob.sec@example.com');
    expect(ports.callbacks.calls[0]?.output).toMatchObject({ approvedCount: 2, notApprovedCount: 2 });
  });

  it('rejects with a reason: nothing selected, the workflow told "rejected"', async () => {
    const response = await postForm(linkA, [
      ['action', 'reject'],
      ['reason', 'carol is on parental leave'],
    ]);

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Rejected: nothing will be changed.');
    const stored = await ports.store.getApproval(APPROVAL_ID);
    expect(stored?.decision).toMatchObject({
      decision: 'rejected',
      selection: [],
      reason: 'carol is on parental leave',
    });
    expect(ports.callbacks.calls[0]?.output).toMatchObject({
      decision: 'rejected',
      approvedCount: 0,
      notApprovedCount: 4,
    });
  });

  it('refuses a reject without a reason (400, the form again) and changes nothing', async () => {
    const response = await postForm(linkA, [['action', 'reject']]);

    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Give a reason to reject');
    expect(response.body).toContain('name="csrf"');
    await expectNothingDecided();
  });

  it('refuses approving nothing, or ids that are not in the plan (400)', async () => {
    expect((await postForm(linkA, [['action', 'approve']])).statusCode).toBe(400);
    expect((await postForm(linkA, approve([...itemIds, 'mallory/AKIAEVIL']))).statusCode).toBe(400);
    await expectNothingDecided();
  });

  it('refuses a second decision (409) naming the first approver and time; the workflow is told once', async () => {
    const [csrfA, csrfB] = [await csrfFor(linkA), await csrfFor(linkB)];
    await call('POST', linkA, { form: [['csrf', csrfA], ...approve(itemIds)] });
    ports.setNow('2025-06-01T12:05:00.000Z');

    const again = await call('POST', linkA, {
      form: [
        ['csrf', csrfA],
        ['action', 'reject'],
        ['reason', 'changed my mind'],
      ],
    });
    const other = await call('POST', linkB, { form: [['csrf', csrfB], ...approve(itemIds)] });
    const view = await call('GET', linkB);

    for (const response of [again, other, view]) {
      expect(response.statusCode).toBe(409);
      expect(response.body).toContain('already approved by alice.sec@example.com at 2025-06-01 12:00 UTC');
    }
    expect(ports.callbacks.calls).toHaveLength(1);
    expect((await ports.store.getApproval(APPROVAL_ID))?.decision?.decision).toBe('approved');
  });

  it('loses a race cleanly: when the conditional write finds a decision, 409 and no callback', async () => {
    const csrf = await csrfFor(linkB);
    const record = await ports.store.getApproval(APPROVAL_ID);
    const decided = {
      decision: 'rejected' as const,
      approver: 'alice.sec@example.com',
      decidedAt: '2025-06-01T11:59:59.000Z',
      sourceIp: 'x',
      userAgent: 'y',
      selection: [],
      reason: 'first',
    };
    const getApproval = ports.store.getApproval.bind(ports.store);
    ports.store.getApproval = async (id) => {
      const found = await getApproval(id);
      await ports.store.decideApproval(
        APPROVAL_ID,
        { status: 'rejected', approvals: [], decision: decided },
        0,
      );
      ports.store.getApproval = getApproval;
      return found;
    };
    expect(record?.status).toBe('pending');

    const response = await call('POST', linkB, { form: [['csrf', csrf], ...approve(itemIds)] });

    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('already rejected by alice.sec@example.com');
    expect(ports.callbacks.calls).toEqual([]);
  });

  it('refuses after expiry (410) and changes nothing', async () => {
    const csrf = await csrfFor(linkA);
    ports.setNow('2025-06-02T12:00:01.000Z');

    const response = await call('POST', linkA, { form: [['csrf', csrf], ...approve(itemIds)] });

    expect(response.statusCode).toBe(410);
    expect(response.body).toContain('This link has expired');
    await expectNothingDecided();
  });

  it('refuses a cross-site form (403): no token, a wrong one, another link’s, or marked cross-site', async () => {
    const csrfB = await csrfFor(linkB);
    const attempts = [
      call('POST', linkA, { form: approve(itemIds) }),
      call('POST', linkA, { form: [['csrf', 'A'.repeat(43)], ...approve(itemIds)] }),
      call('POST', linkA, { form: [['csrf', csrfB], ...approve(itemIds)] }),
      postForm(linkA, approve(itemIds), { headers: { 'Sec-Fetch-Site': 'cross-site' } }),
      postForm(linkA, approve(itemIds), { headers: { 'Content-Type': 'text/plain' } }),
    ];

    for (const response of await Promise.all(attempts)) {
      expect(response.statusCode).toBe(403);
      expectSecurityHeaders(response);
    }
    await expectNothingDecided();
  });

  it('accepts a base64-encoded body, as API Gateway may send it', async () => {
    const csrf = await csrfFor(linkA);
    const event = apiEvent('POST', linkA, { form: [['csrf', csrf], ...approve(itemIds)] });

    const response = await approvalApi(
      { ...event, body: Buffer.from(event.body ?? '').toString('base64'), isBase64Encoded: true },
      ports,
    );

    expect(response.statusCode).toBe(200);
  });

  it('says the window has closed (410) when the task no longer waits', async () => {
    for (const name of ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']) {
      ports = memoryPorts();
      await putPlan(ports);
      await requestApproval({ taskToken: TOKEN, executionId: EXECUTION_ID, planKey: PLAN_KEY }, ports);
      const link = linksIn(ports.mail.sent[0] ?? { to: [], subject: '', text: '', html: '' })[0] ?? '';
      ports.callbacks.failWith = name;

      const response = await postForm(link, approve(itemIds));

      expect(response.statusCode).toBe(410);
      expect(response.body).toContain('The approval window has closed');
      expect(response.body).toContain('Nothing will be changed by this decision');
    }
  });

  it('keeps a decision that could not be delivered: 503 "try again", and the same approver hands it over once', async () => {
    // Prepare: SendTaskSuccess fails (AccessDenied), then works again
    ports.callbacks.failWith = 'AccessDeniedException';

    // Act
    const failed = await postForm(linkA, approve(itemIds));
    const again = await call('GET', linkA);
    const otherLink = await call('GET', linkB);
    ports.callbacks.failWith = null;
    const retried = await call('POST', linkA, {
      form: [
        ['csrf', csrfIn(again.body)],
        ['action', 'retry'],
      ],
    });
    const replay = await call('POST', linkA, {
      form: [
        ['csrf', csrfIn(again.body)],
        ['action', 'retry'],
      ],
    });

    // Assess
    expect(failed.statusCode).toBe(503);
    expect(failed.body).toContain('Decision recorded: try again');
    expect(failed.body).toContain('nothing is decided twice');
    expect(again.statusCode).toBe(503);
    expect(otherLink.statusCode).toBe(409);
    expect(retried.statusCode).toBe(200);
    expect(retried.body).toContain('Approved: 4 credentials will be disabled.');
    expect(replay.statusCode).toBe(409);
    expect(ports.callbacks.calls).toHaveLength(1);
    expect(ports.journal.filter((j) => j.startsWith('decideApproval'))).toHaveLength(1);
    expect((await ports.store.getApproval(APPROVAL_ID))?.deliveredAt).toBeDefined();
    expect(logged.find((entry) => entry.level === 'error')?.attributes).toMatchObject({
      error: 'AccessDeniedException',
    });
  });

  it('answers an unexpected failure with a 500 page that names no cause', async () => {
    ports.store.getApproval = async () => {
      throw new Error(`table credsweep-approvals is gone (${TOKEN})`);
    };

    const response = await call('GET', linkA);

    expect(response.statusCode).toBe(500);
    expectSecurityHeaders(response);
    expect(/<main>([\s\S]*)<\/main>/.exec(response.body)?.[1]).not.toMatch(/table|gone|TOKEN/);
    expect(response.body).not.toContain(TOKEN);
  });

  it('never puts the task token or a link secret in a page or a log line', async () => {
    const secrets = [TOKEN, ...[linkA, linkB].map((link) => new URL(link).searchParams.get('k') ?? '')];
    const csrfA = await csrfFor(linkA);
    const bodies: string[] = [];
    bodies.push((await call('GET', linkA)).body);
    bodies.push((await call('GET', `${BASE}/approvals/${APPROVAL_ID}?k=${newLinkSecret()}`)).body);
    bodies.push((await call('POST', linkA, { form: approve(itemIds) })).body);
    bodies.push((await postForm(linkA, [['action', 'reject']])).body);
    bodies.push((await postForm(linkB, approve(itemIds))).body);
    bodies.push((await call('POST', linkA, { form: [['csrf', csrfA], ...approve(itemIds)] })).body);

    expect(logged.map((entry) => entry.message)).toContain('Approval decided');
    const text = JSON.stringify(logged) + bodies.join('\n');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
