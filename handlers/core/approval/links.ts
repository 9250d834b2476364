/**
 * Approval links and form tokens.
 *
 * Each approver gets their own link `${approvalBaseUrl}/approvals/${approvalId}?k=${secret}`, where
 * the secret is 32 random bytes (base64url). Only its SHA-256 is stored (ApproverLink.secretHash),
 * so a copy of the store does not hold a working link. The Step Functions task token never appears
 * in a link: it stays in the stored ApprovalRecord, server-side.
 *
 * The approval form carries an anti-CSRF token bound to the approval and to the link it was opened
 * with: HMAC-SHA256(signing key, approvalId, secretHash), compared in constant time.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApprovalRecord, ApproverLink } from '../shared/types.js';

/** A link secret: 32 bytes, base64url without padding. */
export const LINK_SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** An approval id: a lowercase RFC 9562 UUID. */
export const APPROVAL_ID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const SECRET_HASH_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The approval id of an execution: a UUID (version 8, name-based) derived from SHA-256 of the
 * execution id. Deterministic so that a retried RequestApproval invocation finds the approval it
 * already created. It is not a secret: every request must also present a link secret.
 */
export function approvalIdFor(executionId: string): string {
  const digest = createHash('sha256').update(`credsweep/approval-id/v1\n${executionId}`, 'utf8').digest();
  const bytes = Buffer.from(digest.subarray(0, 16));
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x80, 6);
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A fresh link secret: 32 random bytes, base64url. */
export function newLinkSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 of a link secret, hex: what the ApprovalRecord stores. */
export function hashLinkSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The URL mailed to one approver. */
export function approvalLink(approvalBaseUrl: string, approvalId: string, secret: string): string {
  const base = approvalBaseUrl.replace(/\/+$/, '');
  return `${base}/approvals/${encodeURIComponent(approvalId)}?k=${encodeURIComponent(secret)}`;
}

/** A link issued to one approver: what is stored (`link`) and what is mailed (`url`). */
export interface IssuedLink {
  link: ApproverLink;
  url: string;
}

/** One link per approver, each with its own secret. The secrets live only in the returned URLs. */
export function issueLinks(
  approvalBaseUrl: string,
  approvalId: string,
  approvers: readonly string[],
): IssuedLink[] {
  return approvers.map((approver) => {
    const secret = newLinkSecret();
    return {
      link: { approver, secretHash: hashLinkSecret(secret) },
      url: approvalLink(approvalBaseUrl, approvalId, secret),
    };
  });
}

function equalHex(a: string, b: string): boolean {
  if (!SECRET_HASH_PATTERN.test(a) || !SECRET_HASH_PATTERN.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

/**
 * The approver whose link secret this is, or null (no record, no secret, malformed or wrong secret).
 * Every approver's hash is compared, in constant time, whatever matches first.
 */
export function findApprover(record: ApprovalRecord | null, secret: string | undefined): ApproverLink | null {
  if (!record || secret === undefined || !LINK_SECRET_PATTERN.test(secret)) return null;
  const presented = hashLinkSecret(secret);
  let found: ApproverLink | null = null;
  for (const approver of record.approvers) {
    if (equalHex(presented, approver.secretHash) && found === null) found = approver;
  }
  return found;
}

/** The anti-CSRF token of the approval form opened with the link whose secret hashes to `secretHash`. */
export function formToken(signingKey: string, approvalId: string, secretHash: string): string {
  if (signingKey.length === 0) throw new Error('The approval signing key is empty');
  return createHmac('sha256', signingKey)
    .update(`credsweep/approval-form/v1\n${approvalId}\n${secretHash}`, 'utf8')
    .digest('base64url');
}

/** Whether `candidate` is the form token of this approval and link; constant time. */
export function checkFormToken(
  signingKey: string,
  approvalId: string,
  secretHash: string,
  candidate: string | undefined,
): boolean {
  if (candidate === undefined) return false;
  const expected = Buffer.from(formToken(signingKey, approvalId, secretHash), 'utf8');
  const given = Buffer.from(candidate, 'utf8');
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}
