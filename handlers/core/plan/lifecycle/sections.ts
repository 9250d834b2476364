/**
 * What the lifecycle rules found, as plain-text tables that the approval mail, the approval page and
 * the evidence report lay out the same way: break-glass users with their last use (so that someone
 * tests them), owners warned (credentials not proposed yet), dated exemptions, and tags an admin must
 * fix. Every cell is neutralised here (values come from tags and IAM); HTML renderers escape them too.
 */

import { BREAK_GLASS_TAG_KEY } from '../../shared/defaults.js';
import { clean } from '../../shared/html.js';
import type { CredentialKind, PlanItem, PlanLifecycle, Skipped } from '../../shared/types.js';
import { deactivatingRunName } from './deletion.js';

export interface LifecycleSection {
  title: string;
  note: string;
  headers: string[];
  rows: string[][];
}

const day = (iso: string | null) => (iso === null ? 'never' : iso.slice(0, 10));

/** The user, and in an organization run the account it is in. */
const who = (x: { userName: string; accountId?: string }) =>
  clean(x.accountId ? `${x.userName} (account ${x.accountId})` : x.userName);

const LABEL: Record<CredentialKind, string> = {
  'console-password': 'console password',
  'access-key-1': 'access key 1',
  'access-key-2': 'access key 2',
};

const credential = (c: CredentialKind, keyId: string | null) =>
  keyId ? `${LABEL[c]} (${clean(keyId)})` : LABEL[c];

/** The section of passwords set again since their last use (reset-recently). */
export const RESET_RECENTLY_TITLE = 'Not proposed: passwords set again since their last use';

export function lifecycleSections(input: {
  lifecycle?: PlanLifecycle | null;
  skipped: Skipped[];
  exemptTagKey?: string;
}): LifecycleSection[] {
  const life = input.lifecycle;
  const tagKey = clean(input.exemptTagKey ?? 'credsweep:exempt');
  const sections: LifecycleSection[] = [];
  if (life && life.breakGlass.length > 0) {
    sections.push({
      title: 'Break-glass users (never changed by credsweep)',
      note: 'Emergency users are never proposed. Check that someone tests them: their last use is below.',
      headers: ['User', 'Credential', 'Last used'],
      rows: life.breakGlass.flatMap((u) =>
        u.credentials.map((c) => [who(u), credential(c.credential, null), day(c.lastUsed)]),
      ),
    });
  }
  const held = life?.warnings.filter((n) => !n.proposed) ?? [];
  if (held.length > 0) {
    sections.push({
      title: 'Owner warned, not proposed yet',
      note: `Each owner is warned ${life?.warnDays ?? 7} days before a credential of theirs is proposed.`,
      headers: ['User', 'Credential', 'Owner', 'Warned', 'May be disabled from'],
      rows: held.map((n) => [
        who(n),
        credential(n.credential, n.accessKeyId),
        clean(n.owner),
        `${day(n.warnedAt)}${n.mailed ? ' (this run)' : ''}`,
        day(n.disableFrom),
      ]),
    });
  }
  if (life && life.exemptions.length > 0) {
    sections.push({
      title: 'Dated exemptions',
      note: `Users tagged ${tagKey}=YYYY-MM-DD are exempt through that day (UTC), then treated as any other user.`,
      headers: ['User', 'Exempt through', 'Now'],
      rows: life.exemptions.map((x) => [
        who(x),
        clean(x.until),
        x.expired ? 'expired: treated normally' : 'exempt: not proposed',
      ]),
    });
  }
  const invalidExempt = input.skipped.filter((s) => s.reason === 'exempt-tag-invalid');
  const invalidOwner = life?.ownerTagInvalid ?? [];
  const unclearBreakGlass = life?.breakGlassTagUnclear ?? [];
  if (invalidExempt.length + invalidOwner.length + unclearBreakGlass.length > 0) {
    sections.push({
      title: 'Tags an admin should fix',
      note: 'Values credsweep cannot read. An unclear exemption is never acted on; an unreadable owner is not mailed.',
      headers: ['User', 'Tag', 'Value', 'What credsweep did'],
      rows: [
        ...invalidExempt.map((s) => [
          who(s),
          tagKey,
          clean(JSON.stringify(s.value ?? '')),
          'skipped the user (exempt-tag-invalid): use true or YYYY-MM-DD',
        ]),
        ...invalidOwner.map((o) => [
          who(o),
          clean(life?.ownerTagKey ?? 'credsweep:owner'),
          clean(JSON.stringify(o.value)),
          o.why === 'outside-domains'
            ? 'no warning mailed (the address is outside ownerDomains); handled as a user without owner'
            : 'no warning mailed (not an email address); handled as a user without owner',
        ]),
        ...unclearBreakGlass.map((b) => [
          who(b),
          BREAK_GLASS_TAG_KEY,
          clean(JSON.stringify(b.value)),
          'kept untouched as break-glass; write true (or false to end it)',
        ]),
      ],
    });
  }
  const reset = input.skipped.filter((s) => s.reason === 'reset-recently');
  if (reset.length > 0) {
    sections.push({
      title: RESET_RECENTLY_TITLE,
      note: 'Their last sign-in is older than the threshold, but the password was set again since (an admin reset it, or a backout restored it) and is aged from that: not stale yet, so not proposed. Security Hub IAM.8 judges by the last sign-in alone and may call these users failing.',
      headers: ['User', 'Credential', 'Last used', 'Set again', 'Days since'],
      rows: reset.map((s) => [
        who(s),
        LABEL[s.credential ?? 'console-password'],
        day(s.lastUsed ?? null),
        day(s.createdAt ?? null),
        String(s.daysUnused ?? ''),
      ]),
    });
  }
  return sections;
}

/** The approval table's "why" of a plan item, the delete stage and the password reset spelled out. */
export function itemWhy(item: PlanItem, thresholdDays: number): string {
  if (item.action === 'delete-access-key' && item.deletion) {
    const run = deactivatingRunName(item.deletion);
    const inactive = item.deletion.daysInactive;
    return (
      `DELETE, cannot be undone: deactivated by credsweep run ${clean(run)} on ${day(item.deletion.deactivatedAt)}` +
      `${inactive !== undefined ? ` (${inactive} days ago)` : ''}, unused since`
    );
  }
  const unused =
    item.reason === 'never-used' ? 'never used since it was created' : `unused for ${thresholdDays}+ days`;
  return item.action === 'reset-login-profile'
    ? `${unused}; password will be RESET (cannot be undone)`
    : unused;
}

/** Text tables for a plain-text mail. */
export function sectionsAsText(sections: LifecycleSection[]): string[] {
  return sections.flatMap((s) => [
    '',
    s.title,
    s.note,
    ...s.rows.map((r) => `- ${r.map((cell, i) => `${s.headers[i]}: ${cell}`).join('; ')}`),
  ]);
}
