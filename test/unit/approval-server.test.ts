import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApprovalServer, startApprovalServer } from '../../cli/local/approval-server.js';
import { approvalIdFor } from '../../handlers/core/approval/links.js';
import { requestApproval } from '../../handlers/request-approval.js';
import {
  csrfIn,
  EXECUTION_ID,
  linksIn,
  type MemoryPorts,
  memoryPorts,
  PLAN_KEY,
  putPlan,
} from '../helpers/memory-ports.js';

const APPROVAL_ID = approvalIdFor(EXECUTION_ID);

let ports: MemoryPorts;
let server: ApprovalServer;
let link: string;
let itemIds: string[];

async function start(maxBodyBytes?: number) {
  ports = memoryPorts();
  itemIds = (await putPlan(ports)).items.map((item) => item.id);
  server = await startApprovalServer(ports, maxBodyBytes ? { port: 0, maxBodyBytes } : { port: 0 });
  ports.settings.approvalBaseUrl = server.url;
  await requestApproval({ taskToken: 'TOKEN', executionId: EXECUTION_ID, planKey: PLAN_KEY }, ports);
  link = linksIn(ports.mail.sent[0] ?? { to: [], subject: '', text: '', html: '' })[0] ?? '';
}

beforeEach(async () => {
  await start();
});

afterEach(async () => {
  await server.close();
});

const formBody = (csrf: string, ids: string[]) =>
  new URLSearchParams([
    ['csrf', csrf],
    ['action', 'approve'],
    ...ids.map((id): [string, string] => ['item', id]),
  ]).toString();

describe('startApprovalServer', () => {
  it('listens on 127.0.0.1 and serves the approval page with its headers', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(link.startsWith(`${server.url}/approvals/${APPROVAL_ID}?k=`)).toBe(true);

    const response = await fetch(link);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(await response.text()).toContain('Approve ticked credentials');
  });

  it('decides on POST like API Gateway would: path id, k, form body, source IP and user agent', async () => {
    const csrf = csrfIn(await (await fetch(link)).text());

    const response = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'server-test/1.0' },
      body: formBody(csrf, itemIds.slice(1)),
    });

    expect(response.status).toBe(200);
    const stored = await ports.store.getApproval(APPROVAL_ID);
    expect(stored?.decision).toMatchObject({
      decision: 'approved',
      selection: itemIds.slice(1),
      userAgent: 'server-test/1.0',
      sourceIp: '127.0.0.1',
    });
    expect(ports.callbacks.calls).toHaveLength(1);
  });

  it('answers 404 to other paths', async () => {
    for (const path of ['/', '/favicon.ico', `/approvals/${APPROVAL_ID}`, '/approvals/%E0%A4%A']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    }
  });

  it('answers query and form fields named like Object.prototype members as any other field (404, 400)', async () => {
    const noLink = await fetch(`${server.url}/approvals/${APPROVAL_ID}?toString=1&constructor=2&__proto__=3`);
    const withLink = await fetch(`${link}&constructor=x&hasOwnProperty=y`);
    const csrf = csrfIn(await withLink.text());
    const posted = await fetch(`${link}&toString=z`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams([
        ['csrf', csrf],
        ['toString', 'a'],
        ['constructor', 'b'],
        ['valueOf', 'c'],
        ['action', 'reject'],
      ]).toString(),
    });

    expect(noLink.status).toBe(404);
    expect(withLink.status).toBe(200);
    expect(posted.status).toBe(400);
    expect(await posted.text()).toContain('Give a reason to reject');
    expect((await ports.store.getApproval(APPROVAL_ID))?.status).toBe('pending');
  });

  it('refuses a body over the limit with 413 and decides nothing', async () => {
    await server.close();
    await start(2048);
    const csrf = csrfIn(await (await fetch(link)).text());
    const big = formBody(csrf, [...itemIds, ...Array.from({ length: 200 }, (_, i) => `padding-${i}`)]);

    const declared = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: big,
    });
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(link, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(big.slice(0, 1500));
      req.end(big.slice(1500));
    });

    expect(big.length).toBeGreaterThan(2048);
    expect(declared.status).toBe(413);
    expect(chunked).toBe(413);
    expect((await ports.store.getApproval(APPROVAL_ID))?.status).toBe('pending');
    expect(ports.callbacks.calls).toEqual([]);
  });
});
