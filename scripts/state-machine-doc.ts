/**
 * Generates docs/state-machine.md from statemachine/remediation.asl.json, and
 * docs/organization-workflow.md from statemachine/organization.asl.json: a Mermaid flowchart of
 * every state and transition (Next, Choice rules, Default, Catch, each Map's iteration, nested
 * Maps inside Distributed Maps) and a table of each state's resource, timeout, retries and
 * catches. `npm run docs:state-machine` writes both; test/docs/state-machine-doc.test.ts fails when
 * a committed file is not what this generates.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AslDefinition, type AslState, readAslTemplate } from '../cli/local/asl.js';

export const DOC_PATH = fileURLToPath(new URL('../docs/state-machine.md', import.meta.url));
export const ORG_DOC_PATH = fileURLToPath(new URL('../docs/organization-workflow.md', import.meta.url));

/** Which definition a page is generated from, and its heading. */
export interface DocSource {
  file: string;
  heading: string;
}

export const ACCOUNT_SOURCE: DocSource = {
  file: 'remediation.asl.json',
  heading: 'The state machine',
};

export const ORG_SOURCE: DocSource = {
  file: 'organization.asl.json',
  heading: 'The organization workflow',
};

/** Parses the template with every `${Name}` kept as the text `${Name}` (as a string where it was a number). */
export function parseTemplate(template: string): AslDefinition {
  // Only a placeholder that stands as a value (after `"key":`, `[` or `,`) is a bare number; one
  // inside a string (`"arn:${Partition}:states:..."`) is already quoted.
  const quoted = template.replace(/(?<=(?:":|\[|,)\s*)\$\{(\w+)\}/g, (_, name: string) => `"\${${name}}"`);
  return JSON.parse(quoted) as AslDefinition;
}

interface ChoiceRule {
  Variable?: string;
  Next?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  [operator: string]: unknown;
}

const OPERATORS: Record<string, string> = {
  StringEquals: '==',
  NumericEquals: '==',
  BooleanEquals: '==',
  TimestampEquals: '==',
  NumericGreaterThan: '>',
  NumericGreaterThanEquals: '>=',
  NumericLessThan: '<',
  NumericLessThanEquals: '<=',
  StringGreaterThan: '>',
  StringLessThan: '<',
  StringMatches: 'matches',
};

export function condition(rule: ChoiceRule): string {
  if (rule.And) return rule.And.map(condition).join(' and ');
  if (rule.Or) return `(${rule.Or.map(condition).join(' or ')})`;
  if (rule.Not) return `not (${condition(rule.Not)})`;
  const op = Object.keys(rule).find((k) => k !== 'Variable' && k !== 'Next');
  if (!op) return rule.Variable ?? '?';
  const value = rule[op];
  if (op === 'IsPresent') return `${rule.Variable} ${value ? 'is present' : 'is absent'}`;
  if (op === 'IsNull') return `${rule.Variable} ${value ? 'is null' : 'is not null'}`;
  // A substitution reads as written in the template: ${Name}, not "${Name}".
  const shown = typeof value === 'string' && /^\$\{\w+\}$/.test(value) ? value : JSON.stringify(value);
  return `${rule.Variable} ${OPERATORS[op] ?? op} ${shown}`;
}

/** Mermaid node ids: letters, digits and `_` only. */
const nodeId = (name: string) => name.replace(/\?/g, '_q').replace(/[^A-Za-z0-9_]/g, '_');

/** Text inside a quoted Mermaid label. */
const label = (text: string) =>
  text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/\|/g, '#124;');

function node(name: string, state: AslState): string {
  const id = nodeId(name);
  const text =
    state.Type === 'Task' && String(state.Resource ?? '').includes('waitForTaskToken')
      ? `${label(name)}<br/>waits for a decision`
      : label(name);
  switch (state.Type) {
    case 'Choice':
      return `${id}{"${text}"}:::choice`;
    case 'Pass':
      return `${id}("${text}"):::pass`;
    case 'Wait':
      return `${id}{{"${text}"}}:::wait`;
    case 'Succeed':
      return `${id}(["${text}"]):::succeed`;
    case 'Fail':
      return `${id}(["${text}"]):::fail`;
    default:
      return `${id}["${text}"]:::task`;
  }
}

function edges(name: string, state: AslState): string[] {
  const from = nodeId(name);
  const out: string[] = [];
  if (state.Next) out.push(`${from} --> ${nodeId(state.Next)}`);
  for (const rule of (state.Choices ?? []) as ChoiceRule[]) {
    if (rule.Next) out.push(`${from} -->|"${label(condition(rule))}"| ${nodeId(rule.Next)}`);
  }
  if (state.Default) out.push(`${from} -->|default| ${nodeId(state.Default)}`);
  for (const c of state.Catch ?? []) {
    out.push(`${from} -.->|"catch ${label(c.ErrorEquals.join(', '))}"| ${nodeId(c.Next)}`);
  }
  return out;
}

/** The nodes of `def`'s states at `indent`, each Map as a subgraph of its own states (nested Maps too). */
function nodes(def: AslDefinition, indent: string, links: string[]): string[] {
  const lines: string[] = [];
  for (const [name, state] of Object.entries(def.States)) {
    const inner = state.ItemProcessor ?? state.Iterator;
    if (state.Type === 'Map' && inner) {
      const concurrency = state.MaxConcurrency !== undefined ? `, ${state.MaxConcurrency} at a time` : '';
      const distributed =
        (inner as { ProcessorConfig?: { Mode?: string } }).ProcessorConfig?.Mode === 'DISTRIBUTED';
      const title = distributed
        ? `${name} (Distributed Map): one child execution per account${concurrency}`
        : `${name} (Map): one iteration per batch${concurrency}`;
      lines.push(`${indent}subgraph ${nodeId(name)}["${label(title)}"]`);
      lines.push(`${indent}  direction TB`);
      lines.push(...nodes(inner, `${indent}  `, links));
      lines.push(`${indent}end`);
    } else {
      lines.push(`${indent}${node(name, state)}`);
    }
    links.push(...edges(name, state));
  }
  return lines;
}

function flowchart(def: AslDefinition): string[] {
  const lines = ['flowchart TD', `  start((" ")) --> ${nodeId(def.StartAt)}`];
  const links: string[] = [];
  lines.push(...nodes(def, '  ', links));
  lines.push(...links.map((l) => `  ${l}`));
  lines.push(
    '  classDef task fill:#e8f0fe,stroke:#1a56db,color:#111',
    '  classDef choice fill:#fff8e1,stroke:#b7791f,color:#111',
    '  classDef pass fill:#f3f4f6,stroke:#6b7280,color:#111',
    '  classDef wait fill:#f3f4f6,stroke:#6b7280,color:#111',
    '  classDef succeed fill:#e6f4ea,stroke:#137333,color:#111',
    '  classDef fail fill:#fce8e6,stroke:#b3261e,color:#111',
  );
  return lines;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function retryText(state: AslState): string {
  return (state.Retry ?? [])
    .map((r) => {
      const rule = r as {
        ErrorEquals: string[];
        IntervalSeconds?: unknown;
        MaxAttempts?: unknown;
        BackoffRate?: unknown;
        MaxDelaySeconds?: unknown;
        JitterStrategy?: unknown;
      };
      const cap = rule.MaxDelaySeconds !== undefined ? `, at most ${rule.MaxDelaySeconds} s apart` : '';
      return (
        `${rule.ErrorEquals.join(', ')}: ${rule.MaxAttempts ?? 3} retries from ${rule.IntervalSeconds ?? 1} s, ` +
        `backoff ${rule.BackoffRate ?? 2}${cap}${rule.JitterStrategy === 'FULL' ? ', full jitter' : ''}`
      );
    })
    .join('; ');
}

function rows(def: AslDefinition, prefix = ''): string[] {
  const out: string[] = [];
  for (const [name, state] of Object.entries(def.States)) {
    const resource =
      typeof state.Resource === 'string'
        ? String(state.Resource).includes('waitForTaskToken')
          ? `${String((state.Parameters as { FunctionName?: unknown } | undefined)?.FunctionName ?? '')} (callback: waitForTaskToken)`
          : state.Resource
        : '';
    const catches = (state.Catch ?? []).map((c) => `${c.ErrorEquals.join(', ')} → ${c.Next}`).join('; ');
    const next =
      state.Type === 'Fail'
        ? `fails the execution${state.Error ? ` (${String(state.Error)})` : state.ErrorPath ? ` (error from ${String(state.ErrorPath)})` : ''}`
        : state.Type === 'Succeed'
          ? 'ends the execution'
          : (state.Next ?? (state.End ? 'end of iteration' : 'by rule'));
    const limit =
      state.Type === 'Wait'
        ? `waits ${String(state.Seconds ?? state.SecondsPath ?? '')} s`
        : String(state.TimeoutSeconds ?? '');
    out.push(
      `| ${cell(`${prefix}${name}`)} | ${state.Type} | ${cell(String(resource))} | ${cell(limit)} | ${cell(retryText(state))} | ${cell(catches)} | ${cell(String(next))} | ${cell(String(state.Comment ?? ''))} |`,
    );
    const inner = state.ItemProcessor ?? state.Iterator;
    if (inner) out.push(...rows(inner, `${name} › `));
  }
  return out;
}

export function renderStateMachineDoc(
  template: string = readAslTemplate(),
  source: DocSource = ACCOUNT_SOURCE,
): string {
  const def = parseTemplate(template);
  const placeholders = [...new Set([...template.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))].sort();
  return [
    `<!-- Generated by scripts/state-machine-doc.ts from statemachine/${source.file}. Do not edit: run \`npm run docs:state-machine\`. -->`,
    `# ${source.heading}`,
    '',
    `${String(def.Comment ?? '')}`,
    '',
    `This page is generated from [\`statemachine/${source.file}\`](../statemachine/${source.file}), the one`,
    'definition that CDK deploys, the local engine runs and the tests walk. Solid arrows are transitions',
    `(\`Next\`, Choice rules, \`default\`); dashed arrows are \`Catch\` routes. Values written \`\${Name}\` are`,
    'DefinitionSubstitutions filled in at deploy time (see [deploy.md](deploy.md)).',
    '',
    '```mermaid',
    ...flowchart(def),
    '```',
    '',
    '## States',
    '',
    '| State | Type | Resource | Time limit (s) | Retry | Catch | Next | Comment |',
    '|---|---|---|---|---|---|---|---|',
    ...rows(def),
    '',
    '## Substitutions',
    '',
    ...placeholders.map((p) => `- \`\${${p}}\``),
    '',
  ].join('\n');
}

const invokedDirectly =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  writeFileSync(DOC_PATH, renderStateMachineDoc());
  console.log(`wrote ${DOC_PATH}`);
  writeFileSync(ORG_DOC_PATH, renderStateMachineDoc(readAslTemplate('organization'), ORG_SOURCE));
  console.log(`wrote ${ORG_DOC_PATH}`);
}
