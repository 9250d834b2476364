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

/**
 * A tag's value as IAM reads it: tag keys are case-insensitive (`Credsweep:Exempt` is
 * `credsweep:exempt`; IAM refuses two keys of one user that differ only in case), as the exempt
 * Deny's `aws:ResourceTag` condition matches them. Every rule reads tags through this.
 */
export function tagValue(tags: Record<string, string>, key: string): string | undefined {
  if (key in tags) return tags[key];
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(tags)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/**
 * The break-glass tag: any value but empty or `false` (any case) marks an emergency user, never
 * proposed. Erring this way keeps `yes` or `1` from getting an emergency user disabled.
 */
export function isBreakGlass(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  return v !== '' && v !== 'false';
}

/** A break-glass value other than `true`: honoured, and listed under the tags an admin should fix. */
export function breakGlassUnclear(value: string | undefined): boolean {
  return isBreakGlass(value) && value?.trim().toLowerCase() !== 'true';
}

/** A plain address: one @, no spaces, quotes, angle brackets or control characters, a dotted domain. */
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export type Owner =
  | { kind: 'none' }
  | { kind: 'owner'; email: string }
  | { kind: 'invalid'; value: string; why: 'not-an-address' | 'outside-domains' };

/**
 * The owner tag's value as an address to mail, or why it cannot be mailed. Anyone who can tag a user
 * could otherwise make the security team's sender mail details of the account to any address: only
 * an address in `domains` (ownerDomains; its subdomains too) is an owner.
 */
export function ownerOf(value: string | undefined, domains: readonly string[]): Owner {
  if (value === undefined) return { kind: 'none' };
  const email = value.trim();
  if (!EMAIL.test(email) || email.length > 254) return { kind: 'invalid', value, why: 'not-an-address' };
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  const inside = domains.some((d) => domain === d.toLowerCase() || domain.endsWith(`.${d.toLowerCase()}`));
  return inside ? { kind: 'owner', email } : { kind: 'invalid', value, why: 'outside-domains' };
}

/** The domains of some addresses, each once, lower case (the default ownerDomains). */
export function domainsOf(addresses: readonly string[]): string[] {
  return [...new Set(addresses.map((a) => a.slice(a.lastIndexOf('@') + 1).toLowerCase()).filter(Boolean))];
}
