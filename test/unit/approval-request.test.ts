import { beforeEach, describe, expect, it } from 'vitest';
import { approvalApi } from '../../handlers/approval-api.js';
import { approvalIdFor, hashLinkSecret } from '../../handlers/core/approval/links.js';
import { requestApproval } from '../../handlers/request-approval.js';
import {
  apiEvent,
  EXECUTION_ID,
  linksIn,
  type MemoryPorts,
  memoryPorts,
  PLAN_KEY,
  putPlan,
} from '../helpers/memory-ports.js';

const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAeSECRET-TASK-TOKEN+/=';
const EVENT = { taskToken: TOKEN, executionId: EXECUTION_ID, planKey: PLAN_KEY };
const APPROVAL_ID = approvalIdFor(EXECUTION_ID);

let ports: MemoryPorts;

beforeEach(async () => {
  ports = memoryPorts();
  await putPlan(ports);
});

describe('requestApproval', () => {
  it('stores the pending approval with the task token, then mails each approver once', async () => {
    const result = await requestApproval(EVENT, ports);

    expect(result).toEqual({
      approvalId: APPROVAL_ID,
      approvers: 2,
      created: true,
      securityHub: 'unchanged',
    });
    expect(ports.journal).toEqual([
      `putApproval ${APPROVAL_ID}`,
      'mail alice.sec@example.com',
      'mail bob.sec@example.com',
      `markMailed ${APPROVAL_ID}`,
    ]);
    const record = await ports.store.getApproval(APPROVAL_ID);
    expect(record).toMatchObject({
      approvalId: APPROVAL_ID,
      executionId: EXECUTION_ID,
      planKey: PLAN_KEY,
      accountId: '123456789012',
      taskToken: TOKEN,
      status: 'pending',
      createdAt: '2025-06-01T12:00:00.000Z',
      expiresAt: '2025-06-02T12:00:00.000Z',
    });
    expect(record?.approvers.map((a) => a.approver)).toEqual([
      'alice.sec@example.com',
      'bob.sec@example.com',
    ]);
  });

  it('gives each approver a distinct link whose secret only the mail holds (the record keeps its hash)', async () => {
    await requestApproval(EVENT, ports);

    const record = await ports.store.getApproval(APPROVAL_ID);
    const links = ports.mail.sent.map((mail) => {
      const found = linksIn(mail);
      expect(found).toHaveLength(1);
      return found[0] ?? '';
    });
    expect(new Set(links).size).toBe(2);
    for (const [index, link] of links.entries()) {
      expect(ports.mail.sent[index]?.to).toEqual([record?.approvers[index]?.approver]);
      expect(link.startsWith(`https://approve.example.com/prod/approvals/${APPROVAL_ID}?k=`)).toBe(true);
      const secret = new URL(link).searchParams.get('k') ?? '';
      expect(hashLinkSecret(secret)).toBe(record?.approvers[index]?.secretHash);
      expect(JSON.stringify(record)).not.toContain(secret);
    }
  });

  it('never puts the task token in a mail (subject, text or HTML), in any encoding', async () => {
    await requestApproval(EVENT, ports);

    const forms = [
      TOKEN,
      encodeURIComponent(TOKEN),
      Buffer.from(TOKEN).toString('base64'),
      'SECRET-TASK-TOKEN',
    ];
    for (const mail of ports.mail.sent) {
      for (const part of [mail.subject, mail.text, mail.html]) {
        for (const form of forms) expect(part).not.toContain(form);
      }
      expect(mail.subject).toBe('credsweep: approve disabling 4 unused credentials in 123456789012');
    }
  });

  it('on a retry with the same token, mails nothing and keeps the links already sent', async () => {
    await requestApproval(EVENT, ports);
    const before = await ports.store.getApproval(APPROVAL_ID);

    const again = await requestApproval(EVENT, ports);

    expect(again).toEqual({ approvalId: APPROVAL_ID, approvers: 2, created: false });
    expect(ports.mail.sent).toHaveLength(2);
    expect(await ports.store.getApproval(APPROVAL_ID)).toEqual(before);
  });

  it('on a retry with a new token, mails nothing and points the mailed links at the new token', async () => {
    await requestApproval(EVENT, ports);
    const link = linksIn(ports.mail.sent[0] ?? { to: [], subject: '', text: '', html: '' })[0] ?? '';

    await requestApproval({ ...EVENT, taskToken: 'NEW-TOKEN' }, ports);

    expect(ports.mail.sent).toHaveLength(2);
    expect((await ports.store.getApproval(APPROVAL_ID))?.taskToken).toBe('NEW-TOKEN');
    const page = await approvalApi(apiEvent('GET', link), ports);
    expect(page.statusCode).toBe(200);
  });

  it('a retry with a new token keeps an approval counted between its read and its write', async () => {
    await requestApproval(EVENT, ports);
    const store = ports.store;
    const read = store.getApproval.bind(store);
    // An approver's approval is counted just after the retry read the record, before it writes.
    store.getApproval = async (id) => {
      const seen = await read(id);
      store.getApproval = read;
      const decision = {
        decision: 'approved' as const,
        approver: 'alice.sec@example.com',
        decidedAt: '2025-06-01T12:10:00.000Z',
        sourceIp: '203.0.113.7',
        userAgent: 'UA',
        selection: ['alice/console-password'],
      };
      await store.decideApproval(id, { status: 'pending', approvals: [decision] }, 0);
      return seen;
    };

    await requestApproval({ ...EVENT, taskToken: 'NEW-TOKEN' }, ports);

    const after = await store.getApproval(APPROVAL_ID);
    expect(after?.taskToken).toBe('NEW-TOKEN');
    expect(after?.approvals?.map((a) => a.approver)).toEqual(['alice.sec@example.com']);
  });

  it('fails a retry that finds the approval already decided, without mailing or replaying it', async () => {
    await requestApproval(EVENT, ports);
    const record = await ports.store.getApproval(APPROVAL_ID);
    await ports.store.putApproval({
      ...(record ?? ({} as never)),
      status: 'approved',
      decision: {
        decision: 'approved',
        approver: 'alice.sec@example.com',
        decidedAt: '2025-06-01T12:10:00.000Z',
        sourceIp: '203.0.113.7',
        userAgent: 'UA',
        selection: [],
      },
    });

    await expect(requestApproval({ ...EVENT, taskToken: 'NEW-TOKEN' }, ports)).rejects.toMatchObject({
      name: 'ApprovalAlreadyDecided',
    });
    expect(ports.mail.sent).toHaveLength(2);
    expect(ports.callbacks.calls).toEqual([]);
  });

  it('replaces an expired pending request left under the same execution id, with new links', async () => {
    await requestApproval(EVENT, ports);
    const oldLinks = ports.mail.sent.flatMap(linksIn);
    ports.setNow('2025-06-03T00:00:00.000Z');

    const result = await requestApproval(EVENT, ports);

    expect(result.created).toBe(true);
    expect(ports.mail.sent).toHaveLength(4);
    const newLinks = ports.mail.sent.slice(2).flatMap(linksIn);
    expect(newLinks.filter((link) => oldLinks.includes(link))).toEqual([]);
    expect((await ports.store.getApproval(APPROVAL_ID))?.expiresAt).toBe('2025-06-04T00:00:00.000Z');
  });

  it('sends one mail to an approver listed twice', async () => {
    ports.settings.approverEmails = ['alice.sec@example.com', 'alice.sec@example.com'];

    const result = await requestApproval(EVENT, ports);

    expect(result.approvers).toBe(1);
    expect(ports.mail.sent).toHaveLength(1);
  });

  it('refuses to ask nobody', async () => {
    ports.settings.approverEmails = [];

    await expect(requestApproval(EVENT, ports)).rejects.toMatchObject({ name: 'NoApprovers' });
    expect(ports.journal).toEqual([]);
  });

  it('rejects an invalid event naming the fields, never echoing the token', async () => {
    const bad = { taskToken: TOKEN, executionId: 42 };

    const error = await requestApproval(bad, ports).then(
      () => new Error('resolved'),
      (err: unknown) => err as Error,
    );

    expect(error).toMatchObject({ name: 'InputError' });
    expect(error.message).toMatch(/executionId/);
    expect(error.message).toMatch(/planKey/);
    expect(error.message).not.toContain(TOKEN);
    await expect(requestApproval(null, ports)).rejects.toMatchObject({ name: 'InputError' });
    expect(ports.journal).toEqual([]);
  });

  it('lets a mail failure fail the task, after the record was written', async () => {
    const failure = new Error('Email address is not verified');
    failure.name = 'MessageRejected';
    ports.mail.failWith = failure;

    await expect(requestApproval(EVENT, ports)).rejects.toMatchObject({ name: 'MessageRejected' });
    expect(ports.journal).toEqual([`putApproval ${APPROVAL_ID}`]);
  });

  it('on a retry after a failed mail, issues new links and mails every approver, so no link is dead', async () => {
    const failure = new Error('Throttled');
    failure.name = 'TooManyRequestsException';
    ports.mail.failWith = failure;
    await expect(requestApproval(EVENT, ports)).rejects.toMatchObject({ name: 'TooManyRequestsException' });
    const firstHashes = (await ports.store.getApproval(APPROVAL_ID))?.approvers.map((a) => a.secretHash);
    ports.mail.failWith = null;

    const retry = await requestApproval(EVENT, ports);

    expect(retry).toMatchObject({ approvalId: APPROVAL_ID, created: true });
    const stored = await ports.store.getApproval(APPROVAL_ID);
    expect(stored?.mailedAt).toBeDefined();
    expect(stored?.approvers.map((a) => a.secretHash)).not.toEqual(firstHashes);
    expect(ports.mail.sent.map((m) => m.to[0]).sort()).toEqual([...ports.settings.approverEmails].sort());
  });

  it('fails with NoSuchKey when the plan is missing, before writing anything', async () => {
    await expect(requestApproval({ ...EVENT, planKey: 'runs/none/plan.json' }, ports)).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
    expect(ports.journal).toEqual([]);
  });
});
