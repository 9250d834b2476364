/**
 * Issue 11, defect 5: backout restores console access even where the account's password policy asks
 * for 100 characters of every class. `credsweep demo --seed <policy seed> --auto-approve --fail-at
 * verify --json`, as a user runs it; the stored passwords are read back from the local secrets
 * store and checked with the sandbox's model of IAM's rules.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { passwordPolicyViolations } from '../../cli/local/password-policy.js';
import { parseSeed } from '../../cli/local/seed.js';
import { runCli } from '../helpers/cli.js';
import { sample, tempHome } from '../helpers/demo.js';
import { NOW } from '../helpers/seeds.js';

const POLICY = {
  MinimumPasswordLength: 100,
  RequireSymbols: true,
  RequireNumbers: true,
  RequireUppercaseCharacters: true,
  RequireLowercaseCharacters: true,
};

describe('a 100-character, all-classes password policy', () => {
  it('--fail-at verify ends backed-out with every console password restored, each stored password meeting the policy', async () => {
    // Prepare
    const home = tempHome();
    const seedFile = join(home, 'seed.json');
    const stateOut = join(home, 'after.json');
    writeFileSync(seedFile, JSON.stringify({ ...sample(), passwordPolicy: POLICY }));

    // Act
    const run = await runCli([
      'demo',
      '--seed',
      seedFile,
      '--home',
      home,
      '--now',
      NOW.toISOString(),
      '--auto-approve',
      '--fail-at',
      'verify',
      '--json',
      '--state-out',
      stateOut,
    ]);

    // Assess
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ status: 'FAILED', outcome: 'backed-out' });
    const consoles = result.changes.filter(
      (c: { credential: string }) => c.credential === 'console-password',
    );
    expect(consoles.length).toBeGreaterThan(0);
    const after = parseSeed(readFileSync(stateOut, 'utf8'), stateOut);
    expect(after.passwordPolicy).toEqual(POLICY);
    const evidence = JSON.parse(readFileSync(join(result.evidenceDir, 'evidence.json'), 'utf8'));
    for (const change of consoles) {
      expect(change.after).toBe('login profile restored, reset required');
      const user = after.users.find((u) => u.userName === change.userName);
      expect(user?.loginProfile?.passwordResetRequired, change.userName).toBe(true);
    }
    const secretRefs: string[] = evidence.changes
      .filter((c: { credential: string }) => c.credential === 'console-password')
      .map((c: { restored: { secretRef: string } }) => c.restored.secretRef);
    expect(secretRefs).toHaveLength(consoles.length);
    for (const ref of secretRefs) {
      const password = readFileSync(ref, 'utf8');
      expect(password).toHaveLength(100);
      expect(passwordPolicyViolations(password, POLICY)).toEqual([]);
    }
  });
});
