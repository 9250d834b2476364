/**
 * consoleAction `reset` (docs/lifecycle.md) end to end in the local engine: an unused console password
 * is replaced by a generated one that must be changed at the next sign-in, kept in the secrets store
 * for the admins and nowhere else (not in a mail, the execution history, the ledger, the evidence or
 * the output), and a backout says it cannot bring the old one back.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadLocalAccount, runDemo } from '../../cli/local/demo-run.js';
import { listJson } from '../../cli/local/files.js';
import type { Seed } from '../../cli/local/seed.js';
import type { Evidence } from '../../handlers/core/evidence/schema.js';
import type { MailMessage } from '../../handlers/ports/mail.js';
import { tempHome, userIn } from '../helpers/demo.js';

const NOW = new Date('2026-11-02T09:00:00.000Z');
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

const SEED: Seed = {
  accountId: '210987654321',
  passwordPolicy: { MinimumPasswordLength: 24, RequireSymbols: true, RequireNumbers: true },
  users: [
    {
      userName: 'rita',
      createdAt: ago(400),
      loginProfile: { createdAt: ago(400), passwordLastUsed: ago(95), passwordResetRequired: false },
      accessKeys: [],
    },
  ],
};

/** Every file under `dir`, with its path. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('consoleAction reset', () => {
  it('replaces an unused password by a generated one to change at sign-in, kept only in the secrets store', async () => {
    // Prepare: everything the run writes to the terminal, and every state of the execution history.
    const home = tempHome();
    const written: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
    }
    const history: string[] = [];

    // Act
    const run = await runDemo({
      seed: SEED,
      now: NOW,
      home,
      approval: 'auto-approve',
      consoleAction: 'reset',
      onEvent: (event) => history.push(JSON.stringify(event)),
    });

    // Assess: the password was replaced, not removed, and must be changed at the next sign-in.
    expect(run).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    const rita = userIn(run.sandbox.toSeed(), 'rita');
    expect(rita.loginProfile).toMatchObject({ passwordResetRequired: true });
    expect(run.changes).toEqual([
      expect.objectContaining({ userName: 'rita', action: 'reset-login-profile', status: 'changed' }),
    ]);

    // The approval mail said which action would run.
    const mails = listJson<MailMessage>(join(home, 'outbox'));
    const approval = mails.find((m) => m.subject.startsWith('credsweep: approve'));
    expect(approval?.text).toContain('console passwords are RESET to a generated password');

    // One secret holds the new password, meeting the account's policy.
    const secrets = filesUnder(join(home, 'secrets')).filter((f) => !f.path.endsWith('signing-key.secret'));
    expect(secrets).toHaveLength(1);
    const password = secrets[0]?.text ?? '';
    expect(password.length).toBeGreaterThanOrEqual(24);
    expect(password).toMatch(/[0-9]/);
    expect(password).toMatch(/[^A-Za-z0-9]/);

    // Nowhere else: not in a mail, the history, the ledger, the evidence, or the output.
    for (const m of mails) expect(JSON.stringify(m)).not.toContain(password);
    expect(history.join('\n')).not.toContain(password);
    expect(written.join('')).not.toContain(password);
    for (const f of filesUnder(join(home, 'store'))) expect(f.text, f.path).not.toContain(password);
    for (const f of filesUnder(run.evidenceDir)) expect(f.text, f.path).not.toContain(password);

    // The evidence names where the password is kept, and what Verify read.
    const evidence = JSON.parse(readFileSync(join(run.evidenceDir, 'evidence.json'), 'utf8')) as Evidence;
    expect(evidence.changes).toEqual([
      expect.objectContaining({
        action: 'reset-login-profile',
        verification: expect.objectContaining({
          ok: true,
          actual: 'login profile present, reset required true',
        }),
      }),
    ]);

    // A backout cannot bring the old password back, and says so.
    const backout = await runDemo({
      seed: loadLocalAccount(home),
      now: new Date(NOW.getTime() + 3_600_000),
      home,
      approval: 'none',
      backoutOf: run.executionName,
    });
    const backoutEvidence = JSON.parse(
      readFileSync(join(backout.evidenceDir, 'evidence.json'), 'utf8'),
    ) as Evidence;
    expect(backoutEvidence.backout?.cannotRestore).toEqual([
      expect.objectContaining({
        userName: 'rita',
        credential: 'console-password',
        why: expect.stringMatching(/cannot be brought back/),
      }),
    ]);
    const summary = listJson<MailMessage>(join(home, 'outbox')).at(-1);
    expect(summary?.text).toMatch(/cannot restore 1 change/);
    expect(userIn(backout.sandbox.toSeed(), 'rita').loginProfile).toMatchObject({
      passwordResetRequired: true,
    });
  }, 180_000);

  it('ages a reset password from the reset: the next run does not reset it again', async () => {
    // Prepare: reset on day 0.
    const home = tempHome();
    await runDemo({ seed: SEED, now: NOW, home, approval: 'auto-approve', consoleAction: 'reset' });

    // Act: a week later, with the same setting.
    const later = await runDemo({
      seed: loadLocalAccount(home),
      now: new Date(NOW.getTime() + 7 * 86_400_000),
      home,
      approval: 'auto-approve',
      consoleAction: 'reset',
    });

    // Assess
    expect(later).toMatchObject({ status: 'SUCCEEDED', outcome: 'nothing-to-do', changes: [] });
    const evidence = JSON.parse(readFileSync(join(later.evidenceDir, 'evidence.json'), 'utf8')) as Evidence;
    expect(evidence.skipped).toContainEqual(
      expect.objectContaining({ userName: 'rita', reason: 'reset-recently' }),
    );
  }, 180_000);
});
