/**
 * Deterministic generator of large sandbox accounts for scale tests and benchmarks.
 * The same options always give the same seed.
 */
import { mulberry32 } from '../../cli/local/sandbox-account.js';
import type { Seed, SeedAccessKey, SeedUser } from '../../cli/local/seed.js';

/** IAM's limit of users per account. */
export const IAM_MAX_USERS = 5000;

/** Stale credentials are last used (or, never used, created) this many days ago or more. */
export const LARGE_STALE_MIN_DAYS = 31;
/** Fresh credentials are last used (or, never used, created) at most this many days ago. */
export const LARGE_FRESH_MAX_DAYS = 28;

export interface LargeAccountOptions {
  /** Number of users, 0..5000. */
  users: number;
  /** Fraction (0..1) of active credentials (passwords and active keys) that are stale at a 30-day threshold. */
  staleFraction: number;
  now: Date;
  /** PRNG seed; default 42. */
  seed?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const FIRST = [
  'ana',
  'ben',
  'chloe',
  'dmitri',
  'emeka',
  'fatima',
  'gus',
  'hana',
  'ivan',
  'jia',
  'kofi',
  'lena',
];
const LAST = ['silva', 'novak', 'tanaka', 'okafor', 'meyer', 'haddad', 'kim', 'larsen', 'rossi', 'walsh'];
const SERVICES = ['ci', 'etl', 'backup', 'metrics', 'deploy', 'sync', 'export', 'billing'];
const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * A seed of `users` users, about half people (console password, sometimes a key) and half services
 * (one or two keys), some with an inactive old key. Each active credential is stale with probability
 * `staleFraction` (last used, or created and never used, 31 to 400 days ago), otherwise fresh (0 to 28
 * days). Inactive keys are old and never count as stale.
 */
export function largeAccountSeed(options: LargeAccountOptions): Seed {
  const { users, staleFraction, now } = options;
  if (!Number.isInteger(users) || users < 0 || users > IAM_MAX_USERS) {
    throw new RangeError(`users must be a whole number within 0..${IAM_MAX_USERS}, got ${users}`);
  }
  if (!(staleFraction >= 0 && staleFraction <= 1)) {
    throw new RangeError(`staleFraction must be within 0..1, got ${staleFraction}`);
  }
  const random = mulberry32(options.seed ?? 42);
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const ago = (days: number): string =>
    new Date(now.getTime() - days * DAY_MS - int(0, 86_399) * 1000).toISOString();

  let keySerial = 0;
  const nextKeyId = (): string => {
    keySerial += 1;
    let n = keySerial;
    let suffix = '';
    for (let i = 0; i < 16; i += 1) {
      suffix = (KEY_CHARS[n % 32] as string) + suffix;
      n = Math.floor(n / 32);
    }
    return `AKIALARGE${suffix.slice(-11)}`;
  };

  /**
   * Created and last-used ages (days) of an active credential. `ago` adds under a day, so a
   * credential is created at least a whole day after its user and used a day after its creation.
   */
  const usage = (userAgeDays: number): { createdDays: number; usedDays: number | null } => {
    const stale = random() < staleFraction;
    const neverUsed = random() < 0.2;
    if (stale) {
      const days = int(LARGE_STALE_MIN_DAYS, Math.min(400, userAgeDays - 2));
      if (neverUsed) return { createdDays: days, usedDays: null };
      return { createdDays: int(days + 1, userAgeDays - 1), usedDays: days };
    }
    if (neverUsed) return { createdDays: int(0, LARGE_FRESH_MAX_DAYS), usedDays: null };
    const usedDays = int(0, LARGE_FRESH_MAX_DAYS);
    return { createdDays: int(LARGE_STALE_MIN_DAYS, userAgeDays - 1), usedDays };
  };

  const activeKey = (userAgeDays: number): SeedAccessKey => {
    const { createdDays, usedDays } = usage(userAgeDays);
    return {
      accessKeyId: nextKeyId(),
      status: 'Active',
      createdAt: ago(createdDays),
      lastUsed: usedDays === null ? null : ago(usedDays),
    };
  };

  const result: SeedUser[] = [];
  for (let i = 0; i < users; i += 1) {
    const serial = String(i + 1).padStart(4, '0');
    const person = random() < 0.5;
    const userName = person ? `${pick(FIRST)}.${pick(LAST)}.${serial}` : `svc-${pick(SERVICES)}-${serial}`;
    const userAgeDays = int(LARGE_STALE_MIN_DAYS + 5, 1500);
    const userCreatedAt = ago(userAgeDays);
    const accessKeys: SeedAccessKey[] = [];
    let loginProfile: SeedUser['loginProfile'] = null;
    if (person) {
      const { createdDays, usedDays } = usage(userAgeDays);
      loginProfile = {
        createdAt: ago(createdDays),
        passwordLastUsed: usedDays === null ? null : ago(usedDays),
        passwordResetRequired: false,
      };
      if (random() < 0.3) accessKeys.push(activeKey(userAgeDays));
    } else {
      accessKeys.push(activeKey(userAgeDays));
      if (random() < 0.3) accessKeys.push(activeKey(userAgeDays));
    }
    if (accessKeys.length < 2 && random() < 0.15) {
      const createdDays = int(LARGE_STALE_MIN_DAYS + 1, userAgeDays - 1);
      accessKeys.push({
        accessKeyId: nextKeyId(),
        status: 'Inactive',
        createdAt: ago(createdDays),
        lastUsed: random() < 0.5 ? null : ago(int(LARGE_STALE_MIN_DAYS, createdDays - 1)),
      });
    }
    result.push({
      userName,
      createdAt: userCreatedAt,
      tags: { generated: 'large-account' },
      loginProfile,
      accessKeys,
    });
  }
  return { accountId: '210987654321', users: result };
}
