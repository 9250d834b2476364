/**
 * DynamoDB's item size limit, enforced by the local store as DynamoDB enforces it, so that a record
 * too large for AWS fails here first. Sizes follow "DynamoDB item sizes and formats"
 * (CapacityUnitCalculations): a string or an attribute name is its UTF-8 bytes; a number about one
 * byte per two digits plus one; null and booleans one byte; a list or map 3 bytes plus 1 per element,
 * plus its elements (and, for a map, their names). An item may hold at most 400 KB.
 */
import { CredsweepError } from '../../handlers/core/shared/errors.js';
import { DYNAMODB_ITEM_QUOTA_BYTES } from '../../handlers/core/shared/quotas.js';

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

function valueBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace(/\D/g, '').length / 2) + 1;
  if (Array.isArray(value)) return 3 + value.reduce((n: number, v) => n + 1 + valueBytes(v), 0);
  return 3 + Object.entries(value).reduce((n, [k, v]) => n + 1 + utf8(k) + valueBytes(v), 0);
}

/** An item's size as DynamoDB counts it: its attributes' names and values. */
export function itemBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce((n, [k, v]) => n + utf8(k) + valueBytes(v), 0);
}

/** Throws DynamoDB's own ValidationException when the item is larger than one item may be. */
export function assertItemFits(item: Record<string, unknown>): void {
  const size = itemBytes(item);
  if (size > DYNAMODB_ITEM_QUOTA_BYTES) {
    throw new CredsweepError(
      'ValidationException',
      `Item size has exceeded the maximum allowed size (${size} bytes; DynamoDB holds ${DYNAMODB_ITEM_QUOTA_BYTES})`,
    );
  }
}
