/** The organization workflow's graph (statemachine/organization.asl.json), walked as a graph. */
import { describe, expect, it } from 'vitest';
import {
  type AslDefinition,
  type AslState,
  localFunctionName,
  localSubstitutions,
  readAslTemplate,
  resolveAsl,
} from '../../cli/local/asl.js';

const org = resolveAsl(
  localSubstitutions('111111111111', { approvalTimeoutSeconds: 259200 }, 'organization'),
  readAslTemplate('organization'),
);
const account = resolveAsl(localSubstitutions('111111111111', { approvalTimeoutSeconds: 259200 }));

function next(state: AslState): string[] {
  return [
    ...(state.Next ? [state.Next] : []),
    ...(state.Default ? [state.Default] : []),
    ...(state.Choices ?? []).map((c) => c.Next),
    ...(state.Catch ?? []).map((c) => c.Next),
  ];
}

/** States reachable from StartAt in one scope; `skip` drops one Choice branch (`state#index`). */
function reachable(def: AslDefinition, skip?: string): Set<string> {
  const seen = new Set<string>();
  const queue = [def.StartAt];
  while (queue.length > 0) {
    const name = queue.shift() ?? '';
    if (seen.has(name)) continue;
    seen.add(name);
    const state = def.States[name];
    if (!state) throw new Error(`transition to missing state ${name}`);
    const choices = (state.Choices ?? []).map((c, i) => (skip === `${name}#${i}` ? null : c.Next));
    queue.push(
      ...[...(state.Next ? [state.Next] : []), ...(state.Default ? [state.Default] : [])],
      ...choices.filter((c): c is string => c !== null),
      ...(state.Catch ?? []).map((c) => c.Next),
    );
  }
  return seen;
}

/** Every Task state in a definition, nested ones included, with the function it invokes. */
function tasks(def: AslDefinition): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, state] of Object.entries(def.States)) {
    const nested = state.ItemProcessor;
    if (nested) for (const [n, f] of tasks(nested)) out.set(n, f);
    if (state.Type === 'Task') {
      const arn = String(
        (state.Parameters as { FunctionName?: string } | undefined)?.FunctionName ?? state.Resource,
      );
      out.set(name, localFunctionName(arn));
    }
  }
  return out;
}

const MUTATING = new Set(['disable-console', 'deactivate-keys', 'delete-keys', 'backout']);

describe('the organization workflow (statemachine/organization.asl.json)', () => {
  it('every transition of every scope lands on a state, and state names are unique across scopes', () => {
    const names: string[] = [];
    const walk = (def: AslDefinition) => {
      expect([...reachable(def)].sort()).toEqual(Object.keys(def.States).sort());
      for (const [name, state] of Object.entries(def.States)) {
        names.push(name);
        for (const to of next(state)) expect(def.States[to], `${name} -> ${to}`).toBeDefined();
        if (state.ItemProcessor) walk(state.ItemProcessor);
      }
    };
    walk(org);
    expect(new Set(names).size).toBe(names.length);
  });

  it('fans out per account on Distributed Maps over small references, tolerating failed accounts', () => {
    for (const name of ['AnalyzeAccounts', 'ApplyAccounts', 'BackoutAccounts']) {
      const map = org.States[name];
      expect(map?.Type).toBe('Map');
      expect(map?.ItemProcessor?.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
      expect(map?.ToleratedFailurePercentage).toBe(100);
      // The items are account ids; results are not gathered into the parent's state.
      expect(map?.ResultPath).toBeNull();
      expect(((map?.ItemSelector ?? {}) as Record<string, string>)['accountId.$']).toBe('$$.Map.Item.Value');
    }
  });

  it('changes an account only after the one approval: the apply fan-out hangs off the approved branch', () => {
    const decision = org.States['Decision?'];
    const approved = decision?.Choices?.findIndex((c) => c.Next === 'ApplyAccounts') ?? -1;
    expect(decision?.Choices?.[approved]).toMatchObject({
      Variable: '$.approval.decision',
      StringEquals: 'approved',
    });
    expect(reachable(org, `Decision?#${approved}`)).not.toContain('ApplyAccounts');
    // The analysis fan-out invokes no mutating function.
    const analysis = tasks(org.States.AnalyzeAccounts?.ItemProcessor as AslDefinition);
    expect([...analysis.values()].filter((f) => MUTATING.has(f))).toEqual([]);
    // A requested backout reaches the backout fan-out only in mode "backout".
    const mode = org.States['Mode?'];
    expect(mode?.Choices?.[0]).toMatchObject({ Next: 'BackoutAccounts' });
  });

  it('runs the account workflow’s own task functions for each account, plus four organization tasks', () => {
    const perAccount = new Set(tasks(org).values());
    const accountFunctions = new Set(tasks(account).values());
    const orgOnly = [...perAccount].filter((f) => !accountFunctions.has(f)).sort();
    expect(orgOnly).toEqual(['account-plan', 'list-accounts', 'org-plan', 'org-report']);
    // Every function of the account workflow is reused (same code), none is copied under another name:
    // the delete stage included (docs/lifecycle.md).
    expect([...accountFunctions].filter((f) => !perAccount.has(f))).toEqual([]);
    // Each account's batches run the account workflow's batch steps, in the same order.
    const batchSteps = (def: AslDefinition | undefined) => [
      ...tasks(def ?? { StartAt: '', States: {} }).values(),
    ];
    expect(batchSteps(findNested('ApplyBatches')?.ItemProcessor)).toEqual(
      batchSteps(account.States.ApplyBatches?.ItemProcessor),
    );
    expect(batchSteps(findNested('ApplyBatches')?.ItemProcessor)).toEqual([
      'disable-console',
      'deactivate-keys',
      'delete-keys',
    ]);
    // Each per-account task is told its account.
    for (const [state, fn] of tasks(org)) {
      if (orgOnly.includes(fn) || fn === 'request-approval') continue;
      const params = org.States[state]?.Parameters ?? findNested(state)?.Parameters;
      const itemSelector = findParentSelector(state);
      expect(params?.['accountId.$'] ?? itemSelector?.['accountId.$'], state).toBeDefined();
    }
  });

  it('ends a run with a failed account, a rejection, a timeout or a stop as a failed execution', () => {
    const outcome = org.States['Outcome?'];
    const targets = (outcome?.Choices ?? []).map((c) => org.States[c.Next]?.Type);
    expect(targets).toEqual(['Fail', 'Fail', 'Fail', 'Fail']);
    expect(org.States[outcome?.Default ?? '']?.Type).toBe('Succeed');
  });
});

function findNested(name: string, def: AslDefinition = org): AslState | undefined {
  for (const state of Object.values(def.States)) {
    const inner = state.ItemProcessor;
    if (!inner) continue;
    const found = inner.States[name] ?? findNested(name, inner);
    if (found) return found;
  }
  return undefined;
}

/** The ItemSelector of the Map whose ItemProcessor holds `name` directly. */
function findParentSelector(name: string, def: AslDefinition = org): Record<string, unknown> | undefined {
  for (const state of Object.values(def.States)) {
    const inner = state.ItemProcessor;
    if (!inner) continue;
    if (inner.States[name]) return state.ItemSelector as Record<string, unknown>;
    const found = findParentSelector(name, inner);
    if (found) return found;
  }
  return undefined;
}

describe('the organization workflow at 5,000 accounts (AWS limits)', () => {
  const distributed = Object.entries(org.States).filter(
    ([, s]) =>
      (s.ItemProcessor as { ProcessorConfig?: { Mode?: string } } | undefined)?.ProcessorConfig?.Mode ===
      'DISTRIBUTED',
  );

  it('has three Distributed Maps', () => {
    expect(distributed.map(([name]) => name).sort()).toEqual([
      'AnalyzeAccounts',
      'ApplyAccounts',
      'BackoutAccounts',
    ]);
  });

  it.each(distributed.map(([name]) => name))(
    '%s: every child ends with an empty output or writes its results to S3',
    (name) => {
      const map = org.States[name] as AslState;
      if (map.ResultWriter) return;
      const ends = Object.entries((map.ItemProcessor as AslDefinition).States).filter(
        ([, s]) => s.Type === 'Succeed' || s.End === true,
      );
      expect(ends.length).toBeGreaterThan(0);
      for (const [end, state] of ends) expect(state.OutputPath, `${name}/${end}`).toBeNull();
    },
  );

  it.each(distributed.map(([name]) => name))('%s: a failed Map run still reaches ReportOrg', (name) => {
    const map = org.States[name] as AslState;
    const catcher = (map.Catch ?? []).find((c) => c.ErrorEquals.includes('States.ALL'));
    expect(catcher).toBeDefined();
    // Follow the catch's Pass/Next chain until a Task: it is ReportOrg.
    let at = catcher?.Next ?? '';
    for (let hops = 0; hops < 5 && org.States[at]?.Type === 'Pass'; hops++) at = org.States[at]?.Next ?? '';
    expect(at).toBe('ReportOrg');
  });
});
