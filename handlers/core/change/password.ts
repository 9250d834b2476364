/**
 * Console passwords that backout restores, made to satisfy the account's IAM password policy.
 *
 * IAM's rules (IAM User Guide, "Set an account password policy for IAM users"; the PasswordPolicy
 * data type): MinimumPasswordLength is 6 to 128 (IAM never accepts a password longer than 128);
 * the symbols are ! @ # $ % ^ & * ( ) _ + - = [ ] { } | ' ; "uppercase" and "lowercase" mean the
 * ISO basic Latin letters. With no policy set (GetAccountPasswordPolicy answers NoSuchEntity), IAM's
 * default policy applies: 8 to 128 characters and at least three of the four character classes.
 */
import { randomInt } from 'node:crypto';
import { CredsweepError } from '../shared/errors.js';
import type { PasswordPolicy } from '../shared/types.js';

/** The symbols IAM's RequireSymbols counts, exactly as IAM documents them. */
export const IAM_PASSWORD_SYMBOLS = "!@#$%^&*()_+-=[]{}|'";
/** IAM accepts no password longer than this, whatever the policy. */
export const IAM_MAX_PASSWORD_LENGTH = 128;
/** IAM's default policy (no custom policy set): at least this many characters. */
export const IAM_DEFAULT_MIN_PASSWORD_LENGTH = 8;
/** The length backout uses when the policy asks for less. */
export const RESTORED_PASSWORD_LENGTH = 24;

/** Every class IAM knows; letters that read alike (I, l, O, 0, 1) are left out of the generated ones. */
const CLASSES = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', IAM_PASSWORD_SYMBOLS];

/**
 * How long a restored password is under `policy` (null: IAM's default): the policy's minimum or 24,
 * whichever is larger. A minimum above IAM's 128 cannot be met by any password: a clear error.
 */
export function restoredPasswordLength(policy: PasswordPolicy | null): number {
  const minimum = policy?.MinimumPasswordLength ?? IAM_DEFAULT_MIN_PASSWORD_LENGTH;
  if (minimum > IAM_MAX_PASSWORD_LENGTH) {
    throw new CredsweepError(
      'PasswordPolicyUnsatisfiable',
      `the account password policy asks for at least ${minimum} characters, but IAM accepts at most ${IAM_MAX_PASSWORD_LENGTH}: set MinimumPasswordLength to ${IAM_MAX_PASSWORD_LENGTH} or less`,
    );
  }
  return Math.max(minimum, RESTORED_PASSWORD_LENGTH);
}

/**
 * A random console password that `policy` accepts (null: IAM's default policy): long enough, and
 * with at least one character of every class, so any combination of Require* flags is met.
 * Used only when backout restores console access; it goes to the secrets port, never to a log.
 */
export function generatePassword(policy: PasswordPolicy | null): string {
  const length = restoredPasswordLength(policy);
  const all = CLASSES.join('');
  const chars = CLASSES.map((set) => set[randomInt(set.length)] ?? 'x');
  while (chars.length < length) chars.push(all[randomInt(all.length)] ?? 'x');
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] ?? 'x', chars[i] ?? 'x'];
  }
  return chars.join('');
}
