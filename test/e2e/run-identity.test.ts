/**
 * One name, one run, forever, across both state machines (issue 22): Step Functions frees a name 90
 * days after its execution ended, but the records under it are kept for good. A later run under an
 * earlier run's name is refused before anything is read or written, naming the earlier run, and the
 * earlier run's evidence stays byte for byte as it was.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../cli/local/demo-run.js';
import { sampleSeed } from '../../cli/local/sample-account.js';
import { tempHome } from '../helpers/demo.js';
import { largeOrganizationSeed } from '../helpers/large-organization.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const NAME = 'org-run-2026-11-26';

/** Every file the earlier run wrote under runs/<name>/, with its bytes. */
function filesUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.set(path, readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** As Step Functions forgets an execution 90 days after it ended: the local execution record goes. */
function forgetExecution(home: string, name: string) {
  for (const file of readdirSync(join(home, 'executions'))) {
    if (file.startsWith(name)) rmSync(join(home, 'executions', file));
  }
}

describe('a run under the name of an earlier organization run', () => {
  const home = tempHome();
  const seed = largeOrganizationSeed({ accounts: 3, usersPerAccount: 3, staleFraction: 0.5, now: NOW });
  let before: Map<string, string>;

  beforeAll(async () => {
    const first = await runDemo({ seed, now: NOW, home, approval: 'auto-approve', executionName: NAME });
    expect(first.status).toBe('SUCCEEDED');
    before = filesUnder(join(home, 'runs', NAME));
    expect(before.size).toBeGreaterThan(5);
    forgetExecution(home, NAME);
  }, 120_000);

  it('is refused as an organization run, naming the earlier run, and leaves its evidence as it was', async () => {
    const again = await runDemo({ seed, now: NOW, home, approval: 'auto-approve', executionName: NAME });
    expect(again.status).toBe('FAILED');
    expect(again.error?.Error).toBe('RunNameReused');
    expect(again.error?.Cause).toContain(`an earlier run named ${NAME}`);
    expect(again.changes).toEqual([]);
    expect(filesUnder(join(home, 'runs', NAME))).toEqual(before);
  }, 120_000);

  it('is refused as an account run too', async () => {
    forgetExecution(home, NAME);
    const account = await runDemo({
      seed: sampleSeed(NOW),
      now: NOW,
      home,
      approval: 'auto-approve',
      executionName: NAME,
    });
    expect(account.status).toBe('FAILED');
    expect(account.error?.Error).toBe('RunNameReused');
    expect(filesUnder(join(home, 'runs', NAME))).toEqual(before);
  }, 120_000);
});
