/**
 * Reads a credential report in either form an admin has at hand:
 * - the CSV, as the IAM console's "Download Report" gives it;
 * - the JSON that `aws iam get-credential-report` prints:
 *   `{"Content": "<base64 CSV>", "ReportFormat": "text/csv", "GeneratedTime": "2024-..."}`.
 */
import { parseCredentialReport, parseIsoInstant } from './credential-report.js';
import { ReportFormatError } from './errors.js';
import type { CredentialReport } from './types.js';

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
  if (!body.startsWith('{')) return parseCredentialReport(text);
  return readAwsCliJson(body);
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
    const date = typeof generatedTime === 'string' ? parseIsoInstant(generatedTime) : null;
    if (date === null) {
      throw new ReportFormatError(
        `the JSON's GeneratedTime ${JSON.stringify(generatedTime)} is not an ISO date`,
      );
    }
    generatedAt = date.toISOString();
  }
  const encoded = content.replace(/\s+/g, '');
  if (encoded.length % 4 !== 0 || !BASE64.test(encoded)) {
    throw new ReportFormatError(
      'the JSON\'s "Content" is not base64 (aws-cli prints the CSV base64-encoded)',
    );
  }
  const csv = Buffer.from(encoded, 'base64').toString('utf8');
  try {
    return parseCredentialReport(csv, generatedAt);
  } catch (err) {
    if (err instanceof ReportFormatError) {
      throw new ReportFormatError(
        `in the CSV decoded from "Content": ${err.message}`,
        err.line,
        err.column,
        err.userName,
      );
    }
    throw err;
  }
}
