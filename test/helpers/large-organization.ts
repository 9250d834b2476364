/**
 * Deterministic generator of large sandbox organizations for scale tests and benchmarks: a
 * management account (the hub) and `accounts - 1` members, each a small account of
 * largeAccountSeed. Every 50th member has no member role (unreachable) and every 97th is
 * suspended, as real organizations have some of both. The same options always give the same seed.
 */
import type { OrganizationSeed } from '../../cli/local/seed.js';
import { largeAccountSeed } from './large-account.js';

/** Organizations' default limit is 10 accounts; raised limits reach the thousands. */
export const ORG_MAX_ACCOUNTS = 10_000;

export interface LargeOrganizationOptions {
  /** Number of accounts, the management account included: 1..10,000. */
  accounts: number;
  /** Users per account. */
  usersPerAccount: number;
  /** Fraction (0..1) of active credentials that are stale at a 30-day threshold. */
  staleFraction: number;
  now: Date;
  /** PRNG seed; default 42 (each account adds its index). */
  seed?: number;
}

const OUS = ['ou-a1b2-workload1', 'ou-a1b2-sandbox01', 'ou-a1b2-platform1'] as const;

/** The id of account `i` (0: the management account). */
export const largeOrgAccountId = (i: number) => String(100000000000 + i);

export function largeOrganizationSeed(options: LargeOrganizationOptions): OrganizationSeed {
  const { accounts, usersPerAccount, staleFraction, now } = options;
  if (!Number.isInteger(accounts) || accounts < 1 || accounts > ORG_MAX_ACCOUNTS) {
    throw new RangeError(`accounts must be a whole number within 1..${ORG_MAX_ACCOUNTS}, got ${accounts}`);
  }
  const base = options.seed ?? 42;
  return {
    organization: {
      managementAccountId: largeOrgAccountId(0),
      accounts: Array.from({ length: accounts }, (_, i) => {
        const account = largeAccountSeed({ users: usersPerAccount, staleFraction, now, seed: base + i });
        const member = i > 0;
        return {
          accountId: largeOrgAccountId(i),
          name: i === 0 ? 'management' : `workload-${String(i).padStart(4, '0')}`,
          ou: i === 0 ? 'r-a1b2' : (OUS[i % OUS.length] as string),
          status: member && i % 97 === 0 ? ('SUSPENDED' as const) : ('ACTIVE' as const),
          memberRole: !(member && i % 50 === 0),
          users: account.users,
        };
      }),
    },
  };
}
