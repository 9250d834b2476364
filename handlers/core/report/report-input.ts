/**
 * Reads a credential report in the forms an admin has at hand:
 * - the CSV, as the IAM console's "Download Report" gives it;
 * - the JSON that `aws iam get-credential-report` prints:
 *   `{"Content": "<base64 CSV>", "ReportFormat": "text/csv", "GeneratedTime": "2024-..."}`;
 * - the base64 alone (`aws iam get-credential-report --query Content --output text`);
 * - JSON whose Content is the CSV itself (CloudMapper, boto3 dumps decode it);
 * - any of these in UTF-16 with a byte order mark (PowerShell's `>` writes that).
 */

import { ReportFormatError } from '../shared/errors.js';
import type { CredentialReport } from '../shared/types.js';
import { parseCredentialReport, parseIsoInstant } from './credential-report.js';

const EXPECTED =
  'expected the credential report CSV (as "Download Report" gives it) or the JSON printed by ' +
  '`aws iam get-credential-report` ({"Content": "<base64 CSV>", "ReportFormat": "text/csv", "GeneratedTime": "..."})';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * @throws ReportFormatError when the text is neither form, or the CSV inside is malformed
 */
export function readReportInput(text: string): CredentialReport {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (body === '') throw new ReportFormatError(`the report is empty: ${EXPECTED}`);
  if (body.startsWith('{')) return readAwsCliJson(body);
  const decoded = base64Csv(body);
  return decoded === null ? parseCredentialReport(text) : parseDecoded(decoded, null, 'base64');
}

/**
 * The text of a report file from its bytes: UTF-8 (with or without a byte order mark), or UTF-16
 * LE/BE with one.
 */
export function decodeReportBytes(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes);
}

/** The CSV inside base64 text, when that is what the text is (it decodes to a header line); else null. */
function base64Csv(text: string): string | null {
  const encoded = text.replace(/\s+/g, '');
  if (encoded.length === 0 || encoded.length % 4 !== 0 || !BASE64.test(encoded)) return null;
  const csv = Buffer.from(encoded, 'base64').toString('utf8');
  return /^\uFEFF?"?user"?,/i.test(csv) ? csv : null;
}

function parseDecoded(csv: string, generatedAt: string | null, from: string): CredentialReport {
  try {
    return parseCredentialReport(csv, generatedAt);
  } catch (err) {
    if (err instanceof ReportFormatError) {
      throw new ReportFormatError(
        `in the CSV decoded from ${from}: ${err.message}`,
        err.line,
        err.column,
        err.userName,
      );
    }
    throw err;
  }
}

function readAwsCliJson(body: string): CredentialReport {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new ReportFormatError(`the report looks like JSON but does not parse (${detail}): ${EXPECTED}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ReportFormatError(`the JSON is not an object: ${EXPECTED}`);
  }
  const {
    Content: content,
    ReportFormat: format,
    GeneratedTime: generatedTime,
  } = value as Record<string, unknown>;
  if (typeof content !== 'string') {
    throw new ReportFormatError(`the JSON has no "Content" string: ${EXPECTED}`);
  }
  if (format !== undefined && format !== 'text/csv') {
    throw new ReportFormatError(`the JSON's ReportFormat is ${JSON.stringify(format)}, not "text/csv"`);
  }
  let generatedAt: string | null = null;
  if (generatedTime !== undefined) {
    const date = typeof generatedTime === 'string' ? parseGeneratedTime(generatedTime) : null;
    if (date === null) {
      throw new ReportFormatError(
        `the JSON's GeneratedTime ${JSON.stringify(generatedTime)} is not an ISO 8601 date and time`,
      );
    }
    generatedAt = date.toISOString();
  }
  // Tools that decode the report for you (CloudMapper, a boto3 dump) keep the CSV itself.
  if (/^\s*\uFEFF?"?user"?,/i.test(content)) return parseCredentialReport(content, generatedAt);
  const csv = base64Csv(content);
  if (csv === null) {
    throw new ReportFormatError(
      'the JSON\'s "Content" is neither base64 (as aws-cli prints it) nor the CSV itself',
    );
  }
  return parseDecoded(csv, generatedAt, '"Content"');
}

const LOOSE_ISO =
  /^(\d{4})-?(\d{2})-?(\d{2})[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * GeneratedTime as the tools that handle the report write it: `2026-11-26T14:03:00Z` (aws-cli),
 * `2026-11-26 14:03:00+00:00` (Python's str of a datetime), the basic form `20261126T140300Z`,
 * minutes only, any fraction of a second. Without an offset it is UTC, as every IAM time is.
 */
export function parseGeneratedTime(text: string): Date | null {
  const m = LOOSE_ISO.exec(text.trim());
  if (!m) return null;
  const offset = (m[8] ?? 'Z').toUpperCase();
  const normal = offset === 'Z' ? 'Z' : `${offset.slice(0, 3)}:${offset.slice(3).replace(':', '') || '00'}`;
  const fraction = m[7] === undefined ? '' : `.${m[7]}`;
  return parseIsoInstant(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${fraction}${normal}`);
}
