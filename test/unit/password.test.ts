/**
 * Restored passwords against IAM's rules: the generator (handlers/core/change/password.ts) is checked by the
 * sandbox's separate implementation of IAM's password policy (cli/local/password-policy.ts), over
 * thousands of generated policies (a seeded PRNG, so a failure can be replayed).
 */
import { describe, expect, it } from 'vitest';
import { passwordPolicyViolations } from '../../cli/local/password-policy.js';
import { mulberry32 } from '../../cli/local/sandbox-account.js';
import {
  generatePassword,
  IAM_PASSWORD_SYMBOLS,
  restoredPasswordLength,
} from '../../handlers/core/change/password.js';
import type { PasswordPolicy } from '../../handlers/core/shared/types.js';

/** A policy as UpdateAccountPasswordPolicy accepts it: each field present or not, within IAM's ranges. */
function randomPolicy(random: () => number): PasswordPolicy {
  const maybe = <T>(value: T): T | undefined => (random() < 0.5 ? value : undefined);
  const policy: PasswordPolicy = {
    MinimumPasswordLength: maybe(6 + Math.floor(random() * 123)),
    RequireSymbols: maybe(random() < 0.5),
    RequireNumbers: maybe(random() < 0.5),
    RequireUppercaseCharacters: maybe(random() < 0.5),
    RequireLowercaseCharacters: maybe(random() < 0.5),
    AllowUsersToChangePassword: maybe(random() < 0.5),
    MaxPasswordAge: maybe(1 + Math.floor(random() * 1095)),
    PasswordReusePrevention: maybe(1 + Math.floor(random() * 24)),
    HardExpiry: maybe(random() < 0.5),
  };
  return Object.fromEntries(Object.entries(policy).filter(([, v]) => v !== undefined)) as PasswordPolicy;
}

describe('restored passwords', () => {
  it('every generated password is accepted by IAM under 2,000 random policies, at the length backout promises', () => {
    const random = mulberry32(20261130);
    for (let i = 0; i < 2000; i++) {
      const policy = randomPolicy(random);
      const password = generatePassword(policy);
      expect(passwordPolicyViolations(password, policy), JSON.stringify(policy)).toEqual([]);
      expect(password).toHaveLength(Math.max(policy.MinimumPasswordLength ?? 0, 24));
    }
  });

  it("meets IAM's default policy when the account has none", () => {
    for (let i = 0; i < 200; i++) {
      const password = generatePassword(null);
      expect(passwordPolicyViolations(password, null)).toEqual([]);
      expect(password).toHaveLength(24);
    }
  });

  it('the strictest policy IAM allows: 128 characters of every class', () => {
    const policy: PasswordPolicy = {
      MinimumPasswordLength: 128,
      RequireSymbols: true,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
    };
    const password = generatePassword(policy);
    expect(password).toHaveLength(128);
    expect(passwordPolicyViolations(password, policy)).toEqual([]);
    expect([...password].every((c) => /[A-Za-z0-9]/.test(c) || IAM_PASSWORD_SYMBOLS.includes(c))).toBe(true);
  });

  it('refuses a minimum IAM itself could never accept, saying what to change', () => {
    expect(() => restoredPasswordLength({ MinimumPasswordLength: 129 })).toThrow(
      expect.objectContaining({
        name: 'PasswordPolicyUnsatisfiable',
        message: expect.stringContaining('set MinimumPasswordLength to 128 or less'),
      }),
    );
  });

  it('passwords differ from one call to the next', () => {
    const seen = new Set(Array.from({ length: 50 }, () => generatePassword(null)));
    expect(seen.size).toBe(50);
  });
});

describe("the sandbox's IAM rules reject what IAM rejects", () => {
  it.each([
    ['too short', 'Aa1!', { MinimumPasswordLength: 6 }, 'Password should have a minimum length of 6'],
    ['no uppercase', 'abcdef1!', { RequireUppercaseCharacters: true }, 'at least one uppercase letter'],
    ['no lowercase', 'ABCDEF1!', { RequireLowercaseCharacters: true }, 'at least one lowercase letter'],
    ['no number', 'Abcdefg!', { RequireNumbers: true }, 'at least one number'],
    ['a symbol IAM does not count', 'Abcdef1~', { RequireSymbols: true }, 'at least one symbol'],
    ['over 128', `Aa1!${'x'.repeat(125)}`, {}, 'maximum length of 128'],
  ])('%s', (_what, password, policy, says) => {
    expect(passwordPolicyViolations(password, policy).join('; ')).toContain(says);
  });
});
