/** Shared setup of the end-to-end tests: a fresh local home, and a demo run on the sample account. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DemoOptions, runDemo } from '../../cli/local/demo-run.js';
import { SAMPLE_EXEMPT_USERS, sampleSeed } from '../../cli/local/sample-account.js';
import type { Seed } from '../../cli/local/seed.js';
import { NOW } from './seeds.js';

export const tempHome = () => mkdtempSync(join(tmpdir(), 'credsweep-e2e-'));

/** The built-in sample account as of NOW. */
export const sample = () => sampleSeed(NOW);

/** The real workflow on the sample account, approved through the page unless overridden. */
export function demo(overrides: Partial<DemoOptions> = {}) {
  return runDemo({
    seed: sample(),
    now: NOW,
    home: tempHome(),
    approval: 'auto-approve',
    exemptUsers: [...SAMPLE_EXEMPT_USERS],
    ...overrides,
  });
}

export function userIn(seed: Seed, name: string) {
  const found = seed.users.find((u) => u.userName === name);
  if (!found) throw new Error(`no user ${name}`);
  return found;
}
