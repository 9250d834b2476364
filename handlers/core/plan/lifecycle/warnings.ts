/**
 * Owner warnings (docs/lifecycle.md): a credential whose user has an owner is proposed for disabling
 * only once the owner was warned at least `warnDays` earlier, in the same idle period. Each run mails
 * an owner about every credential of theirs that is stale, or stale within `warnDays`, and has no
 * warning for its current idle period yet: once per credential and idle period, not every run.
 */
import type { Ports } from '../../../ports/index.js';
import { clean, escapeHtml } from '../../shared/html.js';
import type { CredentialKind, OwnerWarningRecord, WarningNotice } from '../../shared/types.js';

const MS_PER_DAY = 86_400_000;

/** The store key of a credential's warning: keys by id, passwords by user. */
export function credentialKey(
  userName: string,
  credential: CredentialKind,
  accessKeyId: string | null,
): string {
  return credential === 'console-password' || accessKeyId === null
    ? `password/${userName}`
    : `key/${accessKeyId}`;
}

/** One credential of a user with an owner, stale or stale within warnDays. */
export interface OwnedCredential {
  userName: string;
  credential: CredentialKind;
  accessKeyId: string | null;
  owner: string;
  lastUsed: string | null;
  daysUnused: number;
  /** The instant it is aged from (later of last use and creation). */
  since: string;
  stale: boolean;
}

export type WarningStep =
  /** Warned long enough ago: propose it. */
  | { kind: 'propose'; notice: WarningNotice }
  /** Not proposed in this run; `notice.mailed` says whether this run warns (mails) the owner. */
  | { kind: 'hold'; notice: WarningNotice };

const later = (a: number, b: number) => new Date(Math.max(a, b)).toISOString();

/**
 * The rule for one owned credential. A recorded warning counts when it was given after the credential
 * went idle (a use or a new password since then starts a new idle period, which needs a new warning).
 * The credential may be disabled from the later of: the day it becomes stale, and `warnDays` after
 * the warning.
 */
export function warningStep(
  cred: OwnedCredential,
  recorded: OwnerWarningRecord | null,
  opts: { now: Date; thresholdDays: number; warnDays: number; executionId: string; dryRun: boolean },
): WarningStep {
  const staleAt = Date.parse(cred.since) + opts.thresholdDays * MS_PER_DAY;
  const valid = recorded !== null && Date.parse(recorded.warnedAt) >= Date.parse(cred.since);
  const base = {
    userName: cred.userName,
    credential: cred.credential,
    accessKeyId: cred.accessKeyId,
    owner: cred.owner,
    lastUsed: cred.lastUsed,
    daysUnused: cred.daysUnused,
    stale: cred.stale,
  };
  if (valid) {
    const due = Date.parse(recorded.warnedAt) + opts.warnDays * MS_PER_DAY;
    const notice: WarningNotice = {
      ...base,
      warnedAt: recorded.warnedAt,
      warnedBy: recorded.executionId,
      disableFrom: later(staleAt, due),
      mailed: false,
      proposed: false,
    };
    return cred.stale && opts.now.getTime() >= due
      ? { kind: 'propose', notice: { ...notice, proposed: true } }
      : { kind: 'hold', notice };
  }
  const now = opts.now.getTime();
  return {
    kind: 'hold',
    notice: {
      ...base,
      warnedAt: opts.now.toISOString(),
      warnedBy: opts.executionId,
      disableFrom: later(staleAt, now + opts.warnDays * MS_PER_DAY),
      mailed: !opts.dryRun,
      proposed: false,
    },
  };
}

/** What the store keeps of a warning this run mailed. */
export function warningRecord(accountId: string, notice: WarningNotice): OwnerWarningRecord {
  return {
    accountId,
    credentialKey: credentialKey(notice.userName, notice.credential, notice.accessKeyId),
    userName: notice.userName,
    credential: notice.credential,
    accessKeyId: notice.accessKeyId,
    owner: notice.owner,
    warnedAt: notice.warnedAt,
    executionId: notice.warnedBy,
    disableFrom: notice.disableFrom,
  };
}

const day = (iso: string) => iso.slice(0, 10);

const LABELS: Record<CredentialKind, string> = {
  'console-password': 'console password',
  'access-key-1': 'access key',
  'access-key-2': 'access key',
};

function describe(n: WarningNotice): string {
  const what = n.accessKeyId ? `${LABELS[n.credential]} ${n.accessKeyId}` : LABELS[n.credential];
  const used = n.lastUsed ? `last used ${day(n.lastUsed)}` : 'never used';
  return `IAM user ${n.userName}: ${what} (${used}, ${n.daysUnused} days unused) may be disabled from ${day(n.disableFrom)}`;
}

/**
 * The warning mail to one owner about their credentials. Every value from tags and IAM (user names,
 * the owner address) is neutralised in the text and escaped in the HTML.
 */
export function renderOwnerWarning(input: {
  owner: string;
  accountId: string;
  thresholdDays: number;
  exemptTagKey: string;
  notices: WarningNotice[];
}): { subject: string; text: string; html: string } {
  const n = input.notices.length;
  const subject = clean(
    `credsweep: ${n} unused IAM credential${n === 1 ? '' : 's'} of yours in ${input.accountId} may be disabled soon`,
  );
  const items = input.notices.map((notice) => clean(describe(notice)));
  const intro =
    `You are named as the owner (${clean(input.owner)}) of IAM users in AWS account ${clean(input.accountId)}. ` +
    `credsweep disables credentials unused for ${input.thresholdDays} days or more, after a security approver approves it. ` +
    'These are unused and will be proposed for disabling from the date shown:';
  const keep = [
    'To keep a credential: use it before that date (sign in to the console, or make one AWS call with the key); a use starts its count again.',
    `If the user must keep it unused (for example an emergency account), ask your AWS admins to tag the user ${clean(input.exemptTagKey)}=YYYY-MM-DD (exempt through that day) or =true.`,
    'If it is no longer needed, do nothing: an approver decides, and a disabled credential can be restored by the admins.',
  ];
  const text = [
    intro,
    '',
    ...items.map((line) => `- ${line}`),
    '',
    ...keep,
    '',
    'This mail was sent once for this idle period; you will not get it again for these credentials unless they are used and go idle again.',
    '',
  ].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:14px;line-height:1.45;color:#1f2328;max-width:860px;margin:0 auto;padding:16px">
<p>${e(intro)}</p>
<ul>
${items.map((line) => `<li>${e(line)}</li>`).join('\n')}
</ul>
${keep.map((line) => `<p>${e(line)}</p>`).join('\n')}
<p style="font-size:12px;color:#59636e">This mail was sent once for this idle period; you will not get it again for these credentials unless they are used and go idle again.</p>
</body></html>
`;
  return { subject, text, html };
}

/**
 * Mails each owner one message about their credentials warned by this run, then records each warning
 * (mail first: a retried Analyze may mail twice, but never records a warning nobody received).
 */
export async function sendOwnerWarnings(
  ports: Ports,
  input: { notices: WarningNotice[]; thresholdDays: number },
): Promise<number> {
  const byOwner = new Map<string, WarningNotice[]>();
  for (const n of input.notices) byOwner.set(n.owner, [...(byOwner.get(n.owner) ?? []), n]);
  for (const [owner, notices] of byOwner) {
    const mail = renderOwnerWarning({
      owner,
      accountId: ports.settings.accountId,
      thresholdDays: input.thresholdDays,
      exemptTagKey: ports.settings.exemptTagKey,
      notices,
    });
    await ports.mail.send({ to: [owner], ...mail });
    for (const n of notices) await ports.store.putWarning(warningRecord(ports.settings.accountId, n));
  }
  return byOwner.size;
}
