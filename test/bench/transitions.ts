/** State transitions and the largest state payload per run, and what a run costs (Standard workflow). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../cli/local/demo-run.js';
import { largeAccountSeed } from '../helpers/large-account.js';

const NOW = new Date('2026-11-26T12:00:00Z');
/** Standard workflows, us-east-1: $0.025 per 1,000 state transitions. */
export const USD_PER_TRANSITION = 0.025 / 1000;

export interface TransitionRow {
  users: number;
  remediated: number;
  transitions: number;
  maxPayloadBytes: number;
  usdPerRun: number;
}

export async function benchTransitions(): Promise<TransitionRow[]> {
  const rows: TransitionRow[] = [];
  for (const users of [50, 500, 5000]) {
    const home = mkdtempSync(join(tmpdir(), 'credsweep-bench-'));
    const seed = largeAccountSeed({ users, staleFraction: 0.05, now: NOW });
    const result = await runDemo({ seed, now: NOW, home, approval: 'auto-approve', maxCredentials: 5_000 }); // within the 260-batch quota
    if (result.status !== 'SUCCEEDED')
      throw new Error(`bench run at ${users} users failed: ${JSON.stringify(result.error)}`);
    rows.push({
      users,
      remediated: result.changes.length,
      transitions: result.transitions,
      maxPayloadBytes: result.maxPayloadBytes,
      usdPerRun: result.transitions * USD_PER_TRANSITION,
    });
  }
  return rows;
}
