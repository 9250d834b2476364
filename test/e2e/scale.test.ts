/** IAM's limit of 5,000 users, end to end in the local engine: payloads stay small, transitions grow with batches. */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/local/demo-run.js';
import { IAM_MAX_USERS, largeAccountSeed } from '../helpers/large-account.js';
import { NOW } from '../helpers/seeds.js';

const STEP_FUNCTIONS_PAYLOAD_LIMIT = 262_144;

async function run(users: number) {
  const seed = largeAccountSeed({ users, staleFraction: 0.05, now: NOW });
  const home = mkdtempSync(join(tmpdir(), 'credsweep-scale-'));
  const result = await runDemo({ seed, now: NOW, home, approval: 'auto-approve', maxCredentials: 5_000 }); // at most 260 batches per run (docs/deploy.md quotas)
  const batches = readdirSync(join(result.evidenceDir, 'batches')).length;
  return { result, batches };
}

describe('a 5,000-user account', () => {
  it('completes with every state payload under 256 KiB and transitions that grow with batches, not users', async () => {
    const small = await run(500);
    const large = await run(IAM_MAX_USERS);
    expect(large.result).toMatchObject({ status: 'SUCCEEDED', outcome: 'remediated' });
    expect(large.result.changes.length).toBeGreaterThan(200);
    expect(large.result.maxPayloadBytes).toBeLessThan(STEP_FUNCTIONS_PAYLOAD_LIMIT);
    // Three task states per batch (console, keys, the delete stage) on top of a fixed path: 10x the
    // users adds batches, not per-user transitions.
    const fixed = (r: typeof small) => r.result.transitions - 3 * r.batches;
    expect(fixed(large)).toBe(fixed(small));
    expect(large.result.transitions).toBeLessThan(large.result.changes.length);
  });
});
