/**
 * Generated sequences of runs in one account and one store (issue 27): approved runs, rejected
 * ones, runs whose task dies right after its first change (before the ledger records it), backouts
 * by hand of any earlier run, credentials turned on again by hand, and a clock that jumps back and
 * forth as `--now` rehearsals make it. After every backout, each credential the backed-out run
 * changed must be on again, unless credsweep recorded a change to it after that run's own; and the
 * backout must touch nothing else.
 *
 * The expectation is computed from a log this test keeps of every IAM call, in the order made, not
 * from the ledger or the last-change items the code under test writes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { releaseAccount } from '../../handlers/core/change/account-guard.js';
import { backoutRun } from '../../handlers/core/change/backout.js';
import { deactivateAccessKeys, disableConsoleAccess } from '../../handlers/core/change/remediate.js';
import { analyzeRun } from '../../handlers/core/plan/analyze-run.js';
import { readPlan } from '../../handlers/core/plan/plan.js';
import type { Ports } from '../../handlers/ports/index.js';
import { type Harness, harness, storeDecision } from '../helpers/local-harness.js';
import { NOW, smallSeed } from '../helpers/seeds.js';

type Step = 'disable-console' | 'deactivate-keys';
type Op =
  | { kind: 'run'; failAt: Step | null }
  | { kind: 'reject' }
  | { kind: 'backout'; which: number }
  | { kind: 'manual'; credential: number }
  | { kind: 'clock'; ms: number };

const CREDENTIALS = [
  'stale.console/console',
  'stale.both/console',
  'stale.both/AKIATESTSTALEBOTH001',
  'ci+deploy@svc/AKIATESTCIDEPLOY0001',
] as const;

interface Event {
  credential: string;
  by: string;
  op: 'off' | 'on';
}

const arn = (name: string) => `arn:aws:states:us-east-1:111122223333:execution:credsweep:${name}`;

/** The sandbox's IAM, logging each change in order and dying right after the first one of `failAfterFirst`. */
function loggedIam(h: Harness, log: Event[], by: string, failAfterFirst: boolean): Ports['iam'] {
  const iam = h.sandbox;
  let changed = false;
  const after = () => {
    if (failAfterFirst && !changed) {
      changed = true;
      throw Object.assign(new Error('the task died after its change'), { name: 'InjectedFailure' });
    }
  };
  return Object.assign(Object.create(iam) as Ports['iam'], {
    deleteLoginProfile: async (user: string) => {
      await iam.deleteLoginProfile(user);
      log.push({ credential: `${user}/console`, by, op: 'off' });
      after();
    },
    createLoginProfile: async (user: string, password: string, reset: boolean) => {
      await iam.createLoginProfile(user, password, reset);
      log.push({ credential: `${user}/console`, by, op: 'on' });
    },
    updateAccessKey: async (user: string, key: string, status: 'Active' | 'Inactive') => {
      await iam.updateAccessKey(user, key, status);
      log.push({ credential: `${user}/${key}`, by, op: status === 'Active' ? 'on' : 'off' });
      if (status === 'Inactive') after();
    },
  });
}

async function isOn(h: Harness, credential: string): Promise<boolean> {
  const [user = '', what = ''] = credential.split('/');
  if (what === 'console') return (await h.sandbox.getLoginProfile(user)) !== null;
  return (await h.sandbox.listAccessKeys(user)).find((k) => k.accessKeyId === what)?.status === 'Active';
}

const states = async (h: Harness) =>
  Object.fromEntries(await Promise.all(CREDENTIALS.map(async (c) => [c, await isOn(h, c)] as const)));

/** What the backout of `run` must leave, from the log alone. */
function expected(log: Event[], run: string, before: Record<string, boolean>) {
  const out = { ...before };
  for (const credential of CREDENTIALS) {
    const own = log.findIndex((e) => e.credential === credential && e.by === run && e.op === 'off');
    if (own < 0) continue;
    const laterByCredsweep = log
      .slice(own + 1)
      .some((e) => e.credential === credential && e.by !== run && e.by !== 'by-hand');
    if (!laterByCredsweep) out[credential] = true;
  }
  return out;
}

class World {
  readonly h = harness(smallSeed(), NOW, { settings: { batchSize: 2 } });
  readonly log: Event[] = [];
  readonly runs: string[] = [];
  private n = 0;

  private name(prefix: string) {
    this.n += 1;
    return `${prefix}-${this.n}`;
  }

  async backout(source: string, by: string) {
    const before = await states(this.h);
    const want = expected(this.log, source, before);
    const ports = { ...this.h.ports, iam: loggedIam(this.h, this.log, by, false) };
    await backoutRun(ports, {
      executionId: arn(by),
      sourceExecutionId: arn(source),
      passwordSecretPrefix: 'credsweep/restored/',
    });
    await releaseAccount(ports, arn(by));
    expect(await states(this.h), `backout ${by} of ${source}`).toEqual(want);
  }

  async apply(op: Op) {
    const { h } = this;
    if (op.kind === 'clock') return h.advance(op.ms);
    if (op.kind === 'manual') {
      const credential = CREDENTIALS[op.credential] ?? CREDENTIALS[0];
      if (await isOn(h, credential)) return;
      const iam = loggedIam(h, this.log, 'by-hand', false);
      const [user = '', what = ''] = credential.split('/');
      if (what === 'console') await iam.createLoginProfile(user, 'Hand-made-1!password', true);
      else await iam.updateAccessKey(user, what, 'Active');
      return;
    }
    if (op.kind === 'backout') {
      const source = this.runs[op.which % Math.max(this.runs.length, 1)];
      if (source) await this.backout(source, this.name('backout'));
      return;
    }
    const run = this.name('run');
    await h.sandbox.generateCredentialReport();
    const analysis = await analyzeRun(h.ports, arn(run), { mode: 'remediate', days: 30 });
    if (op.kind === 'reject' || analysis.total === 0) return;
    const plan = await readPlan(h.ports.blobs, analysis.planKey);
    const approvalId = await storeDecision(
      h.ports,
      arn(run),
      'approved',
      plan.items.map((i) => i.id),
    );
    this.runs.push(run);
    const portsAt = (step: Step) => ({ ...h.ports, iam: loggedIam(h, this.log, run, op.failAt === step) });
    const consolePorts = portsAt('disable-console');
    const keyPorts = portsAt('deactivate-keys');
    try {
      for (const batch of analysis.batches) {
        const task = { executionId: arn(run), approvalId, thresholdDays: 30, batch };
        await disableConsoleAccess(consolePorts, task);
        await deactivateAccessKeys(keyPorts, task);
      }
      await releaseAccount(h.ports, arn(run));
    } catch (err) {
      if ((err as Error).name !== 'InjectedFailure') throw err;
      // As the workflow does: any failure after changes began runs the backout of the run itself.
      await this.backout(run, run);
    }
  }
}

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('run' as const),
      failAt: fc.constantFrom(null, 'disable-console' as const, 'deactivate-keys' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('backout' as const), which: fc.nat(10) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('manual' as const),
      credential: fc.nat(CREDENTIALS.length - 1),
    }),
  },
  // --now rehearsals move the clock back as well as forward.
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('clock' as const),
      ms: fc.integer({ min: -6 * 3_600_000, max: 2 * 86_400_000 }),
    }),
  },
);

describe('backout after any sequence of runs, crashes and changes by hand', () => {
  it('restores what the run changed unless a later recorded change touched it, and nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 2, maxLength: 7 }), async (ops) => {
        const world = new World();
        for (const o of ops) await world.apply(o);
      }),
      { numRuns: 200 },
    );
  }, 240_000);
});
