/**
 * Generates the parts of docs/deploy.md that must never drift from the code: the permissions of
 * every function with the call that needs each (from handlers/aws/permissions.ts, the single source
 * the stack grants from), and the quota arithmetic behind maxCredentials and batchSize
 * (scripts/quota-arithmetic.ts). `npm run docs:deploy` rewrites them between their markers;
 * test/docs/deploy-doc.test.ts fails when the committed page is not what this generates.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FUNCTION_IDS,
  FUNCTIONS,
  functionGrants,
  memberGrants,
  memberRoleUsers,
  RESOURCE_KINDS,
} from '../handlers/aws/permissions.js';
import { DEFAULT_MEMBER_ROLE_NAME, memberFindingsRoleName } from '../handlers/core/shared/defaults.js';
import { renderOrgApplyQuota, renderOrgQuotas, renderQuotas } from './quota-arithmetic.js';

const MEMBER_FINDINGS_ROLE = memberFindingsRoleName(DEFAULT_MEMBER_ROLE_NAME);

export const DEPLOY_DOC_PATH = fileURLToPath(new URL('../docs/deploy.md', import.meta.url));
/** docs/organizations.md repeats the per-account arithmetic of an organization run (also generated). */
export const ORGANIZATIONS_DOC_PATH = fileURLToPath(new URL('../docs/organizations.md', import.meta.url));

/** A generated section: everything between its two marker lines is replaced. */
export interface Section {
  name: string;
  render: () => string;
}

const begin = (name: string) => `<!-- generated:${name} (npm run docs:deploy) -->`;
const end = (name: string) => `<!-- /generated:${name} -->`;

/**
 * One row per (function, action, resource kind), with every port method that needs it. The
 * organization functions, and the grants of the organization ports (`organizations.*`,
 * `accounts.*`), exist only in an organization deployment: their rows say so.
 */
export function renderPermissions(): string {
  const rows = ['| function | action | on | needed by |', '|---|---|---|---|'];
  for (const id of FUNCTION_IDS) {
    const merged = new Map<string, { action: string; resource: string; calls: string[] }>();
    const inAccount = new Set(functionGrants(id, false).map((g) => `${g.action} ${g.call}`));
    const orgOnly = 'organization' in FUNCTIONS[id];
    for (const grant of functionGrants(id, true)) {
      const key = `${grant.action} ${grant.resource}`;
      const row = merged.get(key) ?? { action: grant.action, resource: grant.resource, calls: [] };
      const organization = orgOnly || !inAccount.has(`${grant.action} ${grant.call}`);
      row.calls.push(`\`${grant.call}\`${organization ? ' (organization)' : ''}`);
      merged.set(key, row);
    }
    for (const row of merged.values()) {
      const kind = row.resource as keyof typeof RESOURCE_KINDS;
      rows.push(
        `| ${id} (\`handlers/${FUNCTIONS[id].entry}\`) | \`${row.action}\` | ${RESOURCE_KINDS[kind]} | ${row.calls.join(', ')} |`,
      );
    }
  }
  return rows.join('\n');
}

/**
 * The member roles' actions (organization deployments): the `iam` calls of the functions that reach
 * member accounts (the member role), the `securityHub` calls of those that follow findings there
 * (the member findings role).
 */
export function renderMemberRole(): string {
  const rows = ['| role | action | on | needed by |', '|---|---|---|---|'];
  const calls = new Map<string, Set<string>>();
  const note = (method: 'iamFor' | 'securityHubFor', port: string) => {
    for (const id of memberRoleUsers(method)) {
      for (const g of functionGrants(id, true).filter((x) => x.call.startsWith(`${port}.`))) {
        calls.set(g.action, (calls.get(g.action) ?? new Set()).add(`${id} \`${g.call}\``));
      }
    }
  };
  note('iamFor', 'iam');
  note('securityHubFor', 'securityHub');
  for (const grant of memberGrants()) {
    const kind = grant.resource as keyof typeof RESOURCE_KINDS;
    const role =
      grant.resource === 'security-hub'
        ? `\`${MEMBER_FINDINGS_ROLE}\` (not with \`securityHubAdministrator\`)`
        : `\`${DEFAULT_MEMBER_ROLE_NAME}\``;
    rows.push(
      `| ${role} | \`${grant.action}\` | ${RESOURCE_KINDS[kind]} | ${[...(calls.get(grant.action) ?? [])].join(', ')} |`,
    );
  }
  return rows.join('\n');
}

export const SECTIONS: Section[] = [
  { name: 'permissions', render: renderPermissions },
  { name: 'member-role', render: renderMemberRole },
  { name: 'quotas', render: renderQuotas },
  { name: 'org-quotas', render: () => renderOrgQuotas() },
];

export const ORGANIZATIONS_SECTIONS: Section[] = [{ name: 'org-apply-quota', render: renderOrgApplyQuota }];

/** Every page with generated sections, and its sections. */
export const GENERATED_DOCS: { path: string; sections: Section[] }[] = [
  { path: DEPLOY_DOC_PATH, sections: SECTIONS },
  { path: ORGANIZATIONS_DOC_PATH, sections: ORGANIZATIONS_SECTIONS },
];

/** `doc` with each section's generated text in place; a missing marker is an error. */
export function renderDeployDoc(doc: string, sections: Section[] = SECTIONS): string {
  let out = doc;
  for (const section of sections) {
    const from = out.indexOf(begin(section.name));
    const to = out.indexOf(end(section.name));
    if (from < 0 || to < from) {
      throw new Error(`the page has no markers ${begin(section.name)} ... ${end(section.name)}`);
    }
    out = `${out.slice(0, from)}${begin(section.name)}\n${section.render()}\n${out.slice(to)}`;
  }
  return out;
}

const invokedDirectly =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  for (const { path, sections } of GENERATED_DOCS) {
    writeFileSync(path, renderDeployDoc(readFileSync(path, 'utf8'), sections));
    console.log(`wrote ${path}`);
  }
}
