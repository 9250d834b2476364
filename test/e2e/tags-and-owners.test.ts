/**
 * Tags as IAM reads them, and owner mail that stays inside the company (issue 23): tag keys match in
 * any case, a break-glass tag with any value but empty or `false` keeps the user untouched, an owner
 * address outside ownerDomains is never mailed, and a run the blast-radius guard stopped mails no one.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Seed } from '../../cli/local/seed.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/demo.js';

const NOW = new Date('2026-11-20T09:00:00.000Z');
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

function staleUser(userName: string, tags: Record<string, string>, n: number): Seed['users'][number] {
  return {
    userName,
    createdAt: ago(400),
    tags,
    loginProfile: { createdAt: ago(400), passwordLastUsed: ago(90), passwordResetRequired: false },
    accessKeys: [
      {
        accessKeyId: `AKIATAGS${String(n).padStart(12, '0')}`,
        status: 'Active',
        createdAt: ago(300),
        lastUsed: ago(120),
      },
    ],
  };
}

const seed: Seed = {
  accountId: '123456789012',
  users: [
    staleUser('bg-yes', { 'credsweep:break-glass': 'yes' }, 1),
    staleUser('bg-upper', { 'CREDSWEEP:BREAK-GLASS': 'true' }, 2),
    staleUser('exempt-mixed', { 'Credsweep:Exempt': 'true' }, 3),
    staleUser('owned-inside', { 'credsweep:owner': 'lead@example.com' }, 4),
    staleUser('owned-outside', { 'credsweep:owner': 'mallory@attacker.example' }, 5),
    staleUser('plain', {}, 6),
  ],
};

function recipients(home: string): string[] {
  const dir = join(home, 'outbox');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { to: string[] }).to);
}

function demo(home: string, ...args: string[]) {
  const file = join(home, 'seed.json');
  writeFileSync(file, JSON.stringify(seed));
  return runCli(['demo', '--seed', file, '--home', home, '--now', NOW.toISOString(), '--json', ...args]);
}

describe('tags read as IAM reads them; owners mailed only inside ownerDomains', () => {
  it('an approved run leaves the break-glass and exempt users untouched, in any case of key or value', async () => {
    const home = tempHome();
    const run = await demo(home, '--auto-approve', '--state-out', join(home, 'after.json'));
    expect(run.code).toBe(0);
    const changedUsers = new Set(
      (JSON.parse(run.stdout).changes as { userName: string }[]).map((c) => c.userName),
    );
    expect(changedUsers).toEqual(new Set(['plain', 'owned-outside']));
    const after = JSON.parse(readFileSync(join(home, 'after.json'), 'utf8')) as Seed;
    for (const name of ['bg-yes', 'bg-upper', 'exempt-mixed']) {
      const user = after.users.find((u) => u.userName === name);
      expect(user?.loginProfile, name).not.toBeNull();
      expect(
        user?.accessKeys.map((k) => k.status),
        name,
      ).toEqual(['Active']);
    }
    // The owner inside the company is warned (and their credentials held); the other is not mailed.
    const to = recipients(home);
    expect(to).toContain('lead@example.com');
    expect(to).not.toContain('mallory@attacker.example');
    // The evidence lists the tags to fix: `yes` for break-glass, the outside owner.
    const html = readFileSync(join(JSON.parse(run.stdout).evidenceDir, 'report.html'), 'utf8');
    expect(html).toContain('Tags an admin should fix');
    expect(html).toContain('kept untouched as break-glass');
    expect(html).toContain('outside ownerDomains');
  }, 120_000);

  it('a run stopped by the blast-radius guard mails no owner and records no warning', async () => {
    const home = tempHome();
    const run = await demo(home, '--auto-approve', '--max-credentials', '1');
    expect(JSON.parse(run.stdout).status).toBe('FAILED');
    expect(recipients(home)).not.toContain('lead@example.com');
    // Run again with room: the owner is warned now, by this run (no warning was recorded before).
    const again = await demo(home, '--auto-approve');
    expect(JSON.parse(again.stdout).status).toBe('SUCCEEDED');
    expect(recipients(home)).toContain('lead@example.com');
  }, 120_000);
});
