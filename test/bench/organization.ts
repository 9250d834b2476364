/**
 * Organization runs of 10, 100, 500, 1,000 and 5,000 accounts through the real organization ASL locally:
 * transitions, the largest history of any one execution, the largest payload, cost per run and
 * local wall time (`npm run bench`; the test suite runs 51 accounts, test/e2e/organization-scale).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../cli/local/demo-run.js';
import { largeOrganizationSeed } from '../helpers/large-organization.js';
import { USD_PER_TRANSITION } from './transitions.js';

const NOW = new Date('2026-11-26T12:00:00Z');

export interface OrganizationRow {
  accounts: number;
  unreachable: number;
  suspended: number;
  remediated: number;
  transitions: number;
  maxExecutionEvents: number;
  maxPayloadBytes: number;
  /** The largest combined result of a Map state (a Distributed Map's children's outputs, inline). */
  maxMapResultBytes: number;
  usdPerRun: number;
  wallMs: number;
}

export async function benchOrganization(sizes = [10, 100, 500, 1000, 5000]): Promise<OrganizationRow[]> {
  const rows: OrganizationRow[] = [];
  for (const accounts of sizes) {
    const home = mkdtempSync(join(tmpdir(), 'credsweep-bench-org-'));
    const seed = largeOrganizationSeed({ accounts, usersPerAccount: 5, staleFraction: 0.05, now: NOW });
    const started = Date.now();
    const result = await runDemo({
      seed,
      now: NOW,
      home,
      approval: 'auto-approve',
      maxCredentialsTotal: 100_000,
    });
    const wallMs = Date.now() - started;
    const count = (outcome: string) => (result.accounts ?? []).filter((a) => a.outcome === outcome).length;
    if (result.status !== 'SUCCEEDED' && count('failed') + count('backed-out') > 0) {
      throw new Error(`bench org run of ${accounts} accounts failed: ${JSON.stringify(result.error)}`);
    }
    rows.push({
      accounts,
      unreachable: count('unreachable'),
      suspended: count('suspended'),
      remediated: result.changes.length,
      transitions: result.transitions,
      maxExecutionEvents: result.maxExecutionEvents,
      maxPayloadBytes: result.maxPayloadBytes,
      maxMapResultBytes: result.maxMapResultBytes,
      usdPerRun: result.transitions * USD_PER_TRANSITION,
      wallMs,
    });
  }
  return rows;
}
