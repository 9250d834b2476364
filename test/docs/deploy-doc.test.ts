/** The generated parts of docs/deploy.md (permissions); this fails when the committed page is stale. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEPLOY_DOC_PATH,
  GENERATED_DOCS,
  renderDeployDoc,
  renderPermissions,
} from '../../scripts/deploy-doc.js';

describe('docs/deploy.md', () => {
  it('holds what scripts/deploy-doc.ts generates from handlers/aws/permissions.ts', () => {
    const committed = readFileSync(DEPLOY_DOC_PATH, 'utf8');
    // On failure: run `npm run docs:deploy` and commit docs/deploy.md.
    expect(committed, 'docs/deploy.md is stale: run `npm run docs:deploy`').toBe(renderDeployDoc(committed));
  });

  it('and every other page with generated sections (docs/organizations.md) is current too', () => {
    for (const { path, sections } of GENERATED_DOCS) {
      const committed = readFileSync(path, 'utf8');
      expect(committed, `${path} is stale: run \`npm run docs:deploy\``).toBe(
        renderDeployDoc(committed, sections),
      );
    }
  });

  it('names, for each permission, the port method that needs it', () => {
    const table = renderPermissions();
    expect(table).toContain(
      '| RequestApproval (`handlers/request-approval.ts`) | `dynamodb:UpdateItem` | approval records (`APPROVAL#*` items of the table) | `store.markMailed`, `store.replaceTaskToken` |',
    );
  });

  it('refuses a page without the markers instead of dropping the table', () => {
    expect(() => renderDeployDoc('# no markers\n')).toThrow(/no markers <!-- generated:permissions/);
  });
});
