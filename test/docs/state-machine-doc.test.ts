/** docs/state-machine.md is generated from the ASL; this fails when the committed page is stale. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readAslTemplate } from '../../cli/local/asl.js';
import {
  condition,
  DOC_PATH,
  ORG_DOC_PATH,
  ORG_SOURCE,
  parseTemplate,
  renderStateMachineDoc,
} from '../../scripts/state-machine-doc.js';

const template = readAslTemplate();
const doc = renderStateMachineDoc(template);
const mermaid = /```mermaid\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';

describe('docs/state-machine.md', () => {
  it('is what scripts/state-machine-doc.ts generates from statemachine/remediation.asl.json', () => {
    const committed = readFileSync(DOC_PATH, 'utf8');
    // On failure: run `npm run docs:state-machine` and commit docs/state-machine.md.
    expect(committed, 'docs/state-machine.md is stale: run `npm run docs:state-machine`').toBe(doc);
  });

  it('draws every state and every transition of the definition, the Map iteration included', () => {
    const def = parseTemplate(template);
    const id = (name: string) => name.replace(/\?/g, '_q').replace(/[^A-Za-z0-9_]/g, '_');
    const all = { ...def.States, ...(def.States.ApplyBatches?.ItemProcessor?.States ?? {}) };
    for (const [name, state] of Object.entries(all)) {
      const declared = state.Type === 'Map' ? `subgraph ${id(name)}[` : `  ${id(name)}`;
      expect(mermaid, name).toContain(declared);
      if (state.Next) expect(mermaid).toContain(`${id(name)} --> ${id(state.Next)}`);
      if (state.Default) expect(mermaid).toContain(`${id(name)} -->|default| ${id(state.Default)}`);
      for (const c of state.Catch ?? [])
        expect(mermaid).toMatch(new RegExp(`${id(name)} -\\.->\\|"catch [^"]+"\\| ${id(c.Next)}`));
      for (const c of state.Choices ?? [])
        expect(mermaid).toMatch(new RegExp(`${id(name)} -->\\|"[^"]+"\\| ${id(c.Next)}`));
    }
  });

  it('reads Choice rules as conditions, substitutions as written', () => {
    expect(
      condition({
        And: [
          { Variable: '$.request.mode', IsPresent: true },
          { Variable: '$.request.mode', StringEquals: 'backout' },
        ],
      }),
    ).toBe('$.request.mode is present and $.request.mode == "backout"');
    expect(
      condition({ Variable: '$.report.attempt', NumericGreaterThanEquals: `\${ReportPollMaxAttempts}` }),
    ).toBe(`$.report.attempt >= \${ReportPollMaxAttempts}`);
    expect(condition({ Not: { Variable: '$.x', BooleanEquals: true } })).toBe('not ($.x == true)');
  });
});

describe('docs/organization-workflow.md', () => {
  const orgTemplate = readAslTemplate('organization');
  const orgDoc = renderStateMachineDoc(orgTemplate, ORG_SOURCE);

  it('is what scripts/state-machine-doc.ts generates from statemachine/organization.asl.json', () => {
    const committed = readFileSync(ORG_DOC_PATH, 'utf8');
    expect(committed, 'docs/organization-workflow.md is stale: run `npm run docs:state-machine`').toBe(
      orgDoc,
    );
  });

  it('draws every state at every depth, each Distributed Map and the Map inside one as a subgraph', () => {
    const chart = /```mermaid\n([\s\S]*?)```/.exec(orgDoc)?.[1] ?? '';
    const id = (name: string) => name.replace(/\?/g, '_q').replace(/[^A-Za-z0-9_]/g, '_');
    const visit = (
      states: Record<string, { Type: string; ItemProcessor?: { States: Record<string, never> } }>,
    ) => {
      for (const [name, state] of Object.entries(states)) {
        expect(chart, name).toContain(state.Type === 'Map' ? `subgraph ${id(name)}[` : `${id(name)}`);
        if (state.ItemProcessor) visit(state.ItemProcessor.States);
      }
    };
    visit(parseTemplate(orgTemplate).States as never);
    expect(chart).toContain('ApplyAccounts (Distributed Map): one child execution per account');
    expect(chart).toContain('ApplyBatches (Map): one iteration per batch');
  });
});
