/**
 * A password restored by a backout (or reset by an admin) after a last sign-in long ago: the next
 * run ages it from the reset, so it is not proposed again the next day, and it says so, with both
 * dates, in the evidence (issue 12). Security Hub's IAM.8 judges by the last use alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLocalAccount } from '../../cli/local/home-sandbox.js';
import type { Seed } from '../../cli/local/seed.js';
import type { Evidence } from '../../handlers/core/evidence/schema.js';
import { runCli } from '../helpers/cli.js';
import { tempHome } from '../helpers/demo.js';

const sandbox = (home: string) => loadLocalAccount(home) as Seed;

describe('a run after a backout restored console passwords', () => {
  let home: string;
  let lastUsedBefore: Map<string, string | null>;
  let evidence: Evidence;
  let dir: string;

  beforeAll(async () => {
    home = tempHome();
    const demo = await runCli(['demo', '--auto-approve', '--json', '--home', home]);
    expect(demo.code).toBe(0);
    const runA = JSON.parse(demo.stdout).executionName as string;
    // The demo deleted these login profiles; IAM keeps each user's last sign-in all the same.
    lastUsedBefore = new Map(
      sandbox(home)
        .users.filter((u) => u.loginProfile === null && u.passwordLastUsed)
        .map((u) => [u.userName, u.passwordLastUsed ?? null]),
    );
    expect(lastUsedBefore.size).toBeGreaterThan(0);
    const backout = await runCli(['backout', runA, '--local', '--home', home]);
    expect(backout.code).toBe(0);
    const next = await runCli([
      'start',
      '--local',
      '--home',
      home,
      '--auto-approve',
      '--name',
      'run-next',
      '--json',
    ]);
    expect(next.code).toBe(0);
    dir = join(home, 'runs', 'run-next');
    evidence = JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8')) as Evidence;
  });

  it('does not propose the restored passwords again', () => {
    const proposed = evidence.changes
      .concat(evidence.unchanged)
      .filter((c) => c.credential === 'console-password');
    expect(proposed.map((c) => c.userName).filter((u) => lastUsedBefore.has(u))).toEqual([]);
  });

  it('lists each as reset-recently with its last sign-in and the reset', () => {
    const reset = evidence.skipped.filter((s) => s.reason === 'reset-recently');
    expect(reset.map((s) => s.userName).sort()).toEqual([...lastUsedBefore.keys()].sort());
    for (const s of reset) {
      expect(s.credential).toBe('console-password');
      // The report has whole seconds.
      expect(s.lastUsed?.slice(0, 19)).toBe(lastUsedBefore.get(s.userName)?.slice(0, 19));
      expect(Date.parse(s.createdAt ?? '')).toBeGreaterThan(Date.parse(s.lastUsed ?? ''));
    }
    expect(evidence.counts.resetRecently).toBe(reset.length);
  });

  it('shows both dates in report.html, and findings.csv carries the date each credential was set', () => {
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('set again after its last use: aged from the reset, not stale (last used');
    const [header, first] = readFileSync(join(dir, 'findings.csv'), 'utf8').split('\r\n');
    const columns = header?.split(',') ?? [];
    expect(columns).toContain('created_at');
    expect(first?.split(',')[columns.indexOf('created_at')]).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});
