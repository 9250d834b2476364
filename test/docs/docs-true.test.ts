/**
 * The documentation stays true to the code: every setting the stack reads is in a settings table,
 * every page of docs/ is in the README's documentation table, every key of the seed schemas is on
 * docs/seed-format.md and its examples parse, no page counts the Lambda functions (the count changes
 * with the stack and the deployment kind), and no page points at a file that is not in the repository.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  organizationSeedSchema,
  parseAnySeed,
  parseSeed,
  SeedError,
  seedSchema,
} from '../../cli/local/seed.js';
import { CONFIG_KEYS, schemaKeys } from '../../infra/config.js';
import { thrown } from '../helpers/thrown.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const DOCS = readdirSync(join(ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
const PAGES = ['README.md', ...DOCS, 'examples/own-app/README.md'];

/** The first cell of each table row of a page, without its backticks: `| \`key\` | … |` gives `key`. */
function firstCells(text: string): Set<string> {
  const cells = new Set<string>();
  for (const line of text.split('\n')) {
    const cell = /^\|\s*([^|]+?)\s*\|/.exec(line)?.[1];
    if (!cell) continue;
    for (const code of cell.matchAll(/`([^`]+)`/g)) cells.add(String(code[1]));
  }
  return cells;
}

/** The object keys a zod schema accepts, at every depth (zod 4's `_zod.def`). */
function schemaObjectKeys(schema: unknown, into = new Set<string>()): Set<string> {
  const def = (schema as { _zod: { def: Record<string, unknown> } })._zod.def;
  switch (def.type) {
    case 'object':
      for (const [key, inner] of Object.entries(def.shape as Record<string, unknown>)) {
        into.add(key);
        schemaObjectKeys(inner, into);
      }
      break;
    case 'array':
      schemaObjectKeys(def.element, into);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
      schemaObjectKeys(def.innerType, into);
      break;
    case 'pipe':
      schemaObjectKeys(def.in, into);
      break;
  }
  return into;
}

describe('settings', () => {
  it('the app reads from the CDK context exactly the keys the config schemas validate', () => {
    expect([...schemaKeys()].sort()).toEqual([...CONFIG_KEYS].sort());
  });

  it('every setting key, organization settings included, is in a settings table of README.md or docs/', () => {
    const documented = new Set(
      PAGES.filter((p) => p !== 'examples/own-app/README.md').flatMap((p) => [...firstCells(read(p))]),
    );
    expect(schemaKeys().filter((key) => !documented.has(key))).toEqual([]);
  });
});

describe('the README', () => {
  it('lists every page of docs/ in its documentation table', () => {
    const table = read('README.md').split('## Documentation')[1]?.split('\n## ')[0] ?? '';
    const listed = [...table.matchAll(/^\| \[(docs\/[\w-]+\.md)\]\(\1\) \|/gm)].map((m) => m[1]);
    expect(DOCS.filter((doc) => !listed.includes(doc))).toEqual([]);
  });
});

describe('docs/seed-format.md', () => {
  const page = read('docs/seed-format.md');

  it('names every key the account and organization seed schemas accept, in a table', () => {
    const keys = new Set([...schemaObjectKeys(seedSchema), ...schemaObjectKeys(organizationSeedSchema)]);
    const documented = firstCells(page);
    expect([...keys].filter((key) => !documented.has(key))).toEqual([]);
  });

  it('holds an example of each form, and both parse', () => {
    const examples = [...page.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => String(m[1]));
    const parsed = examples.map((text, i) => parseAnySeed(text, `docs/seed-format.md example ${i + 1}`));
    expect(parsed.map((seed) => ('organization' in seed ? 'organization' : 'account'))).toEqual([
      'account',
      'organization',
    ]);
  });

  it('is where a refused seed points', async () => {
    const err = await thrown(async () => parseSeed('{"accountId": "1"}', 'seed.json'));
    expect(err).toBeInstanceOf(SeedError);
    expect((err as Error).message.split('\n').at(-1)).toContain('docs/seed-format.md');
  });
});

describe('every page', () => {
  it('counts no Lambda functions: the number differs by deployment and drifts', () => {
    const counted = PAGES.flatMap((p) =>
      [
        ...read(p).matchAll(
          /\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|\d+) (?:new |hub |task |organization )?(?:Lambda )?functions\b/gi,
        ),
      ].map((m) => `${p}: ${m[0]}`),
    );
    expect(counted).toEqual([]);
  });

  it('links and names only files that are in the repository', () => {
    const missing: string[] = [];
    for (const p of PAGES) {
      const text = read(p);
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!target || /^[a-z]+:/.test(target) || target.startsWith('#')) continue;
        const path = normalize(join(dirname(p), target.split('#')[0] ?? ''));
        if (!existsSync(join(ROOT, path))) missing.push(`${p}: link ${target}`);
      }
      for (const [path] of text.matchAll(
        /(?<![\w./-])(?:cli|handlers|infra|test|scripts|statemachine|samples|docs|examples|bin)\/[\w./-]*\w/g,
      )) {
        if (!existsSync(join(ROOT, path))) missing.push(`${p}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
