/**
 * What a user's tags say about the lifecycle of its credentials, in one place: the exemption (for
 * good, until a day, expired, or unclear), the break-glass mark and the owner's address. Analyze and
 * the re-check just before a change both read tags through these functions.
 */

/** IAM's tag values are free text: what credsweep makes of the exemption tag of one user. */
export type Exemption =
  /** No exemption tag. */
  | { kind: 'none' }
  /** `true` (any case): exempt until the tag is removed. */
  | { kind: 'exempt'; until: null }
  /** `YYYY-MM-DD` not yet past: exempt through the end of that day, UTC. */
  | { kind: 'exempt'; until: string }
  /** `YYYY-MM-DD` in the past: treated as any other user; the evidence says the exemption expired. */
  | { kind: 'expired'; until: string }
  /** Any other value: never acted on (an unclear intent), listed for the admins. */
  | { kind: 'invalid'; value: string };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight UTC after the day `YYYY-MM-DD`, or null when it is not a calendar day. */
function endOfDay(value: string): Date | null {
  const match = DAY.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const start = new Date(Date.UTC(year, month - 1, day));
  if (start.getUTCFullYear() !== year || start.getUTCMonth() !== month - 1 || start.getUTCDate() !== day) {
    return null;
  }
  return new Date(start.getTime() + 86_400_000);
}

/** Reads the exemption tag's value (`undefined` when the user has no such tag) as of `now`. */
export function exemptionOf(value: string | undefined, now: Date): Exemption {
  if (value === undefined) return { kind: 'none' };
  const trimmed = value.trim();
  if (trimmed.toLowerCase() === 'true') return { kind: 'exempt', until: null };
  const end = endOfDay(trimmed);
  if (end === null) return { kind: 'invalid', value };
  return now.getTime() < end.getTime()
    ? { kind: 'exempt', until: trimmed }
    : { kind: 'expired', until: trimmed };
}

/** Whether the user must not be changed now: exempt (for good or until a day not yet past) or unclear. */
export function holdsOff(exemption: Exemption): boolean {
  return exemption.kind === 'exempt' || exemption.kind === 'invalid';
}

/** `credsweep:break-glass=true` (any case). */
export function isBreakGlass(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

/** A plain address: one @, no spaces, quotes, angle brackets or control characters, a dotted domain. */
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export type Owner = { kind: 'none' } | { kind: 'owner'; email: string } | { kind: 'invalid'; value: string };

/** The owner tag's value as an address to mail, or why it cannot be mailed. */
export function ownerOf(value: string | undefined): Owner {
  if (value === undefined) return { kind: 'none' };
  const email = value.trim();
  return EMAIL.test(email) && email.length <= 254 ? { kind: 'owner', email } : { kind: 'invalid', value };
}
