/** The period report's words for its codes, shared by report.html and the command's text output. */
import type { ExceptionEntry, OpenEntry } from '../../handlers/core/evidence/standing.js';
import type { RunKind } from './facts.js';

export const KIND_TEXT: Record<RunKind, string> = {
  scheduled: 'scheduled',
  'ad-hoc': 'ad hoc',
  'security-hub': 'from Security Hub',
  backout: 'backout',
};

const WHY_TEXT: Record<OpenEntry['why'], string> = {
  'not-approved': 'not approved: the approver left it out',
  rejected: 'the run was rejected',
  'no-decision': 'nobody decided: the approval window closed',
  'dry-run': 'dry run: proposed only',
  'not-reached': 'the run ended before it reached this credential',
  'change-not-recorded': 'a change was started and its outcome not recorded',
  unresolved: 'could not be matched to a live credential',
  restored: 'disabled, then restored by a backout',
  'held-for-owner': 'held while its owner is warned',
  'break-glass': 'break-glass user: never changed by credsweep',
  exempt: 'exempt by tag: its stale credentials are left alone',
  'account-unreachable': 'account unreachable: its credentials were not read',
  'account-suspended': 'account suspended: not swept',
  'not-analyzed': 'its last run read no credential report',
};

/** Why a credential (user, account) was still open, with the date the why depends on. */
export function whyText(o: Pick<OpenEntry, 'why' | 'until'>): string {
  const base = WHY_TEXT[o.why] ?? o.why;
  if (!o.until) return base;
  if (o.why === 'held-for-owner') return `${base}, until ${o.until}`;
  if (o.why === 'exempt') return `${base}, through ${o.until}`;
  if (o.why === 'restored') return `${base} on ${o.until}`;
  return base;
}

/** The credential (or the user's, or the account's) an open entry is about. */
export function openSubject(o: Pick<OpenEntry, 'userName' | 'credential' | 'accessKeyId'>): string {
  if (o.userName === null) return 'the whole account';
  if (o.credential === null) return 'stale credential(s)';
  return o.accessKeyId ? `${o.credential} ${o.accessKeyId}` : o.credential;
}

/** The exception in a few words: which kind, until when, or what is wrong with it. */
export function exceptionText(x: ExceptionEntry): string {
  switch (x.kind) {
    case 'exempt-list':
      return 'on the exemption list: never assessed';
    case 'exempt-tag':
      return x.until
        ? `exemption tag through ${x.until}${x.expired ? ' (expired: treated as any other user)' : ''}`
        : 'exemption tag (no end date)';
    case 'exempt-tag-invalid':
      return `exemption tag unreadable (${x.value ?? ''}): never acted on until fixed`;
    case 'break-glass':
      return 'break-glass user: never changed';
    case 'owner-grace':
      return `owner ${x.owner ?? ''} warned; may be disabled from ${x.until ?? '?'}`;
  }
}
