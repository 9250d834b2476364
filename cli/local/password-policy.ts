/**
 * IAM's check of a new console password against the account password policy, as the sandbox's
 * CreateLoginProfile applies it. Written from IAM's documentation, apart from the generator in
 * handlers/core/change/password.ts, so that each checks the other:
 * - a custom policy: at least MinimumPasswordLength characters; one of each class a Require* flag
 *   names (uppercase and lowercase are A-Z and a-z; numbers 0-9; symbols ! @ # $ % ^ & * ( ) _ + - = [ ] { } | ');
 * - no custom policy (IAM's default): 8 or more characters and at least three of those four classes;
 * - always: at most 128 characters.
 * The messages follow IAM's PasswordPolicyViolation messages ("Password should have at least one
 * uppercase letter"); several violations are joined with "; ".
 */
import type { PasswordPolicy } from '../../handlers/core/shared/types.js';

const MAX_LENGTH = 128;
const DEFAULT_MIN_LENGTH = 8;

const CLASSES = [
  { flag: 'RequireUppercaseCharacters', test: /[A-Z]/, says: 'at least one uppercase letter' },
  { flag: 'RequireLowercaseCharacters', test: /[a-z]/, says: 'at least one lowercase letter' },
  { flag: 'RequireNumbers', test: /[0-9]/, says: 'at least one number' },
  { flag: 'RequireSymbols', test: /[!@#$%^&*()_+\-=[\]{}|']/, says: 'at least one symbol' },
] as const;

/** What IAM would refuse in `password` under `policy` (null: no custom policy); empty when accepted. */
export function passwordPolicyViolations(password: string, policy: PasswordPolicy | null): string[] {
  const problems: string[] = [];
  const minimum = policy ? (policy.MinimumPasswordLength ?? 6) : DEFAULT_MIN_LENGTH;
  if (password.length < minimum) problems.push(`Password should have a minimum length of ${minimum}`);
  if (password.length > MAX_LENGTH) problems.push(`Password should have a maximum length of ${MAX_LENGTH}`);
  if (policy) {
    for (const c of CLASSES) {
      if (policy[c.flag] && !c.test.test(password)) problems.push(`Password should have ${c.says}`);
    }
  } else if (CLASSES.filter((c) => c.test.test(password)).length < 3) {
    problems.push(
      'Password should have at least three of: uppercase letters, lowercase letters, numbers and symbols',
    );
  }
  return problems;
}
