/**
 * The rows of the approval's credential table, shared by the email and the page (plain, unescaped
 * text: each renderer escapes for its medium), and the date formats both use.
 */
import { itemWhy } from '../plan/lifecycle/sections.js';
import { clean } from '../shared/html.js';
import type { CredentialKind, Plan, PlanItem } from '../shared/types.js';

/** `2025-06-01 14:30 UTC`, or the cleaned input when it is not a date. */
export function formatUtc(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return clean(iso);
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `2025-06-01`, `never` for null, or the cleaned input when it is not a date. */
export function formatDay(iso: string | null): string {
  if (iso === null) return 'never';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? clean(iso) : new Date(ms).toISOString().slice(0, 10);
}

const CREDENTIAL_LABELS: Record<CredentialKind, string> = {
  'console-password': 'console password',
  'access-key-1': 'access key 1',
  'access-key-2': 'access key 2',
};

export function credentialLabel(item: Pick<PlanItem, 'credential' | 'accessKeyId'>): string {
  const label = CREDENTIAL_LABELS[item.credential] ?? clean(item.credential);
  return item.accessKeyId ? `${label} (${clean(item.accessKeyId)})` : label;
}

export function reasonLabel(item: Pick<PlanItem, 'reason'>, thresholdDays: number): string {
  return item.reason === 'never-used'
    ? 'never used since it was created'
    : `unused for ${thresholdDays}+ days`;
}

/** One row of the table shown in the email and on the page; plain (unescaped) text. */
export interface CredentialRow {
  id: string;
  user: string;
  credential: string;
  lastUsed: string;
  daysUnused: string;
  why: string;
}

export function credentialRows(plan: Pick<Plan, 'items' | 'thresholdDays'>): CredentialRow[] {
  return plan.items.map((item) => ({
    id: item.id,
    user: clean(item.userName),
    credential: credentialLabel(item),
    lastUsed: formatDay(item.lastUsed),
    daysUnused: String(item.daysUnused),
    why: itemWhy(item, plan.thresholdDays),
  }));
}
