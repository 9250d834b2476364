import { beforeEach, describe, expect, it } from 'vitest';
import { approvalApi } from '../../handlers/approval-api.js';
import { approvalIdFor } from '../../handlers/core/approval/links.js';
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

let ports: MemoryPorts;
let alma: string;
let bo: string;
let itemIds: string[];

beforeEach(async () => {
  ports = memoryPorts({ approvalsRequired: 2 });
  itemIds = (await putPlan(ports)).items.map((item) => item.id);
  await requestApproval({ taskToken: TOKEN, executionId: EXECUTION_ID, planKey: PLAN_KEY }, ports);
  [alma, bo] = ports.mail.sent.map((mail) => linksIn(mail)[0] ?? '') as [string, string];
  ports.mail.sent.length = 0;
  ports.journal.length = 0;
});

const call = (method: string, url: string, opts?: EventOptions) =>
  approvalApi(apiEvent(method, url, opts), ports);

async function post(link: string, fields: [string, string][], opts: EventOptions = {}) {
  const page = await call('GET', link);
  expect(page.statusCode).toBe(200);
  return call('POST', link, { form: [['csrf', csrfIn(page.body)], ...fields], ...opts });
}

const approve = (ids: string[]): [string, string][] => [
  ['action', 'approve'],
  ...ids.map((id): [string, string] => ['item', id]),
];

describe('an approval quorum of two', () => {
  it('counts the first approval, changes nothing, and tells the page, the other approver and a second visit', async () => {
    // Prepare
    const csrf = csrfIn((await call('GET', alma)).body);

    // Act
    const first = await call('POST', alma, { form: [['csrf', csrf], ...approve(itemIds.slice(1))] });
    const again = await call('POST', alma, { form: [['csrf', csrf], ...approve(itemIds.slice(1))] });
    const revisit = await call('GET', alma);

    // Assess
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Nothing has changed yet: 1 more approval from another approver is needed');
    expect(first.body).toContain(`alice.sec@example.com approved ${itemIds.length - 1} of ${itemIds.length}`);
    expect(ports.callbacks.calls).toEqual([]);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('You have already approved');
    expect(revisit.statusCode).toBe(409);
    const stored = await ports.store.getApproval(APPROVAL_ID);
    expect(stored?.status).toBe('pending');
    expect(stored?.approvals?.map((a) => a.approver)).toEqual(['alice.sec@example.com']);
    expect(ports.mail.sent.map((m) => m.to)).toEqual([['bob.sec@example.com']]);
    expect(ports.mail.sent[0]?.subject).toContain('1 of 2 approvals');
    expect(ports.mail.sent[0]?.text).toContain(`approving now approves those ${itemIds.length - 1}`);
    // It names who has not decided yet, so the others know whom to chase.
    expect(ports.mail.sent[0]?.text).toContain('Not decided yet: bob.sec@example.com.');
  });

  it('shows the later approver what was approved, and changes exactly what both approved', async () => {
    // Prepare
    await post(alma, approve(itemIds.slice(1)));

    // Act
    const form = await call('GET', bo);
    const widened = await post(bo, approve(itemIds));
    const second = await post(bo, approve(itemIds.slice(1)));

    // Assess
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`approving now approves those ${itemIds.length - 1}`);
    expect(form.body.match(/<input type="checkbox"[^>]* disabled/g)).toHaveLength(1);
    expect(widened.statusCode).toBe(400);
    expect(widened.body).toContain('an earlier approver did not approve');
    expect(second.statusCode).toBe(200);
    expect(ports.callbacks.calls).toEqual([
      {
        kind: 'success',
        taskToken: TOKEN,
        output: expect.objectContaining({
          decision: 'approved',
          approver: 'alice.sec@example.com, bob.sec@example.com',
          approvedCount: itemIds.length - 1,
          notApprovedCount: 1,
        }),
      },
    ]);
    const stored = await ports.store.getApproval(APPROVAL_ID);
    expect(stored?.decision?.selection).toEqual(itemIds.slice(1));
    expect(stored?.deliveredAt).toBeDefined();
  });

  it('counts two approvers posting at the same instant once each, and answers the workflow once', async () => {
    // Prepare
    const [a, b] = await Promise.all([call('GET', alma), call('GET', bo)]);

    // Act
    const [ra, rb] = await Promise.all([
      call('POST', alma, { form: [['csrf', csrfIn(a.body)], ...approve(itemIds)] }),
      call('POST', bo, { form: [['csrf', csrfIn(b.body)], ...approve(itemIds.slice(0, 2))] }),
    ]);

    // Assess
    expect([ra.statusCode, rb.statusCode]).toEqual([200, 200]);
    const stored = await ports.store.getApproval(APPROVAL_ID);
    expect(stored?.approvals?.map((x) => x.approver).sort()).toEqual([
      'alice.sec@example.com',
      'bob.sec@example.com',
    ]);
    expect(stored?.status).toBe('approved');
    expect(stored?.decision?.selection).toEqual(itemIds.slice(0, 2));
    expect(ports.callbacks.calls).toHaveLength(1);
  });

  it('lets the other approver reject after a first approval: the run is rejected', async () => {
    // Prepare
    await post(alma, approve(itemIds));

    // Act
    const rejected = await post(bo, [
      ['action', 'reject'],
      ['reason', 'not during the freeze'],
    ]);

    // Assess
    expect(rejected.statusCode).toBe(200);
    expect(ports.callbacks.calls).toMatchObject([
      { output: { decision: 'rejected', approver: 'bob.sec@example.com' } },
    ]);
    expect((await ports.store.getApproval(APPROVAL_ID))?.status).toBe('rejected');
  });
});

describe('the quorum of a request', () => {
  it('is fixed when the approval is asked and refused when the approvers cannot reach it', async () => {
    // Prepare
    const fresh = memoryPorts({ approvalsRequired: 3 });
    await putPlan(fresh);

    // Act
    const err = await requestApproval(
      { taskToken: TOKEN, executionId: EXECUTION_ID, planKey: PLAN_KEY },
      fresh,
    ).catch((e: Error) => e);

    // Assess
    expect((err as Error).message).toMatch(
      /3 approvals are required .*approvalsRequired.*deleteApprovalsRequired.*approverEmails/,
    );
    expect(fresh.mail.sent).toEqual([]);
    expect((await ports.store.getApproval(APPROVAL_ID))?.approvalsRequired).toBe(2);
  });
});
