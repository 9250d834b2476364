import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  APPROVAL_ID_PATTERN,
  approvalIdFor,
  approvalLink,
  checkFormToken,
  findApprover,
  formToken,
  hashLinkSecret,
  issueLinks,
  LINK_SECRET_PATTERN,
  newLinkSecret,
} from '../../handlers/core/approval/links.js';
import type { ApprovalRecord } from '../../handlers/core/shared/types.js';

const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:credsweep:run-1';
const KEY = 'signing-key-for-tests';

function recordWith(approvers: { approver: string; secretHash: string }[]): ApprovalRecord {
  return {
    approvalId: approvalIdFor(EXECUTION),
    executionId: EXECUTION,
    planKey: 'runs/run-1/plan.json',
    accountId: '123456789012',
    taskToken: 'TOKEN-never-shown',
    approvers,
    createdAt: '2025-06-01T12:00:00.000Z',
    expiresAt: '2025-06-02T12:00:00.000Z',
    status: 'pending',
  };
}

describe('approvalIdFor', () => {
  it('is a UUID derived from the execution id, stable across calls', () => {
    const id = approvalIdFor(EXECUTION);

    expect(id).toMatch(APPROVAL_ID_PATTERN);
    expect(approvalIdFor(EXECUTION)).toBe(id);
    expect(approvalIdFor(`${EXECUTION}-2`)).not.toBe(id);
  });
});

describe('link secrets', () => {
  it('are 32 random bytes in base64url, different every time', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => newLinkSecret()));

    expect(secrets.size).toBe(50);
    for (const secret of secrets) {
      expect(secret).toMatch(LINK_SECRET_PATTERN);
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    }
  });

  it('are stored as their SHA-256', () => {
    const secret = newLinkSecret();

    expect(hashLinkSecret(secret)).toBe(createHash('sha256').update(secret).digest('hex'));
  });

  it('make the link base/approvals/id?k=secret without a double slash', () => {
    const id = approvalIdFor(EXECUTION);

    expect(approvalLink('https://x.example.com/prod/', id, 'abc_-')).toBe(
      `https://x.example.com/prod/approvals/${id}?k=abc_-`,
    );
  });

  it('are issued one per approver: distinct links, only hashes to store', () => {
    const id = approvalIdFor(EXECUTION);

    const issued = issueLinks('https://x.example.com/prod', id, ['a@example.com', 'b@example.com']);

    expect(issued.map((i) => i.link.approver)).toEqual(['a@example.com', 'b@example.com']);
    expect(new Set(issued.map((i) => i.url)).size).toBe(2);
    for (const { link, url } of issued) {
      const secret = new URL(url).searchParams.get('k') ?? '';
      expect(hashLinkSecret(secret)).toBe(link.secretHash);
      expect(JSON.stringify(link)).not.toContain(secret);
    }
  });
});

describe('findApprover', () => {
  const issued = issueLinks('https://x.example.com', approvalIdFor(EXECUTION), [
    'a@example.com',
    'b@example.com',
  ]);
  const record = recordWith(issued.map((i) => i.link));
  const secretOf = (index: number) => new URL(issued[index]?.url ?? '').searchParams.get('k') ?? '';

  it('names the approver the link was issued to', () => {
    expect(findApprover(record, secretOf(0))?.approver).toBe('a@example.com');
    expect(findApprover(record, secretOf(1))?.approver).toBe('b@example.com');
  });

  it('finds nobody for a wrong, malformed or missing secret, or no record', () => {
    expect(findApprover(record, newLinkSecret())).toBeNull();
    expect(findApprover(record, `${secretOf(0)}x`)).toBeNull();
    expect(findApprover(record, secretOf(0).toUpperCase())).toBeNull();
    expect(findApprover(record, '')).toBeNull();
    expect(findApprover(record, undefined)).toBeNull();
    expect(findApprover(null, secretOf(0))).toBeNull();
  });

  it('does not accept the stored hash in place of the secret', () => {
    expect(findApprover(record, issued[0]?.link.secretHash)).toBeNull();
  });
});

describe('form tokens', () => {
  const id = approvalIdFor(EXECUTION);
  const hash = hashLinkSecret(newLinkSecret());

  it('verify for the approval and link they were made for', () => {
    expect(checkFormToken(KEY, id, hash, formToken(KEY, id, hash))).toBe(true);
  });

  it('fail for another link, another approval, another key, or a tampered or missing token', () => {
    const token = formToken(KEY, id, hash);

    expect(checkFormToken(KEY, id, hashLinkSecret(newLinkSecret()), token)).toBe(false);
    expect(checkFormToken(KEY, approvalIdFor('other'), hash, token)).toBe(false);
    expect(checkFormToken('another-key', id, hash, token)).toBe(false);
    expect(checkFormToken(KEY, id, hash, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBe(
      false,
    );
    expect(checkFormToken(KEY, id, hash, token.slice(1))).toBe(false);
    expect(checkFormToken(KEY, id, hash, '')).toBe(false);
    expect(checkFormToken(KEY, id, hash, undefined)).toBe(false);
  });

  it('refuse an empty signing key', () => {
    expect(() => formToken('', id, hash)).toThrow(/signing key/);
  });
});
