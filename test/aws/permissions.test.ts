/**
 * The single source of permissions (handlers/aws/permissions.ts): every deployed function's entry
 * is the module the stack bundles, and each declared method has its adapter's permissions.
 */
import { describe, expect, it } from 'vitest';
import { storeAdapter } from '../../handlers/aws/adapters.js';
import {
  ACCOUNT_FUNCTION_IDS,
  FUNCTION_IDS,
  FUNCTIONS,
  type FunctionId,
  functionGrants,
  grantsOf,
  memberGrants,
  requiredActions,
} from '../../handlers/aws/permissions.js';
import { use } from '../../handlers/aws/ports.js';
import {
  EXPECTED_GRANTS,
  EXPECTED_MEMBER_FINDINGS_ROLE,
  EXPECTED_MEMBER_ROLE,
  type ExpectedGrant,
} from '../policy/expected-grants.js';

/** `action kind` lines, sorted, without repeats. */
const lines = (grants: readonly { action: string; kind?: string; resource?: string }[]) =>
  [...new Set(grants.map((g) => `${g.action} ${g.kind ?? g.resource}`))].sort();
const written = (grants: readonly ExpectedGrant[], org: boolean) =>
  lines(grants.filter((g) => org || !g.org).map((g) => ({ action: g.action, kind: g.kind })));

describe('FUNCTIONS', () => {
  it('holds, for each deployed function, the AWS declaration its entry file exports', async () => {
    for (const id of FUNCTION_IDS) {
      const entry = (await import(`../../handlers/${FUNCTIONS[id].entry}`)) as {
        AWS: unknown;
        handler: unknown;
      };
      expect(entry.AWS, id).toBe(FUNCTIONS[id].aws);
      expect(typeof entry.handler, id).toBe('function');
    }
  });
});

describe('grantsOf', () => {
  it('lists each action of each declared method with the call that needs it', () => {
    const grants = grantsOf({ store: use(storeAdapter, 'markMailed', 'recordIntent') });
    expect(grants).toEqual([
      { action: 'dynamodb:UpdateItem', resource: 'approval-item', call: 'store.markMailed' },
      { action: 'dynamodb:PutItem', resource: 'ledger-item', call: 'store.recordIntent' },
      { action: 'dynamodb:GetItem', resource: 'ledger-item', call: 'store.recordIntent' },
    ]);
  });
});

describe('functionGrants', () => {
  it.each(FUNCTION_IDS.map((id) => [id]))(
    '%s declares the actions and resource kinds written out for it (test/policy/expected-grants.ts)',
    (id) => {
      expect(lines(functionGrants(id, true).map((g) => ({ action: g.action, kind: g.resource })))).toEqual(
        written(EXPECTED_GRANTS[id], true),
      );
      if (ACCOUNT_FUNCTION_IDS.includes(id)) {
        expect(lines(functionGrants(id, false).map((g) => ({ action: g.action, kind: g.resource })))).toEqual(
          written(EXPECTED_GRANTS[id], false),
        );
      }
    },
  );
});

describe('requiredActions', () => {
  it('lists the sorted actions of every deployed function, for checks of a deployed role', () => {
    const actions = requiredActions();
    expect(Object.keys(actions).sort()).toEqual([...ACCOUNT_FUNCTION_IDS].sort());
    // RequestApproval records that the mail went out (store.markMailed).
    expect(actions.RequestApproval).toContain('dynamodb:UpdateItem');
    for (const id of ACCOUNT_FUNCTION_IDS) {
      expect(actions[id]).toEqual([...new Set(functionGrants(id).map((g) => g.action))].sort());
    }
  });

  it('adds the organization functions and the member-role AssumeRole only to an organization deployment', () => {
    const single = requiredActions(false);
    const org = requiredActions(true);
    expect(Object.keys(org).sort()).toEqual([...FUNCTION_IDS].sort());
    expect(Object.keys(single)).not.toContain('ListAccounts');
    expect(single.DeactivateKeys).not.toContain('sts:AssumeRole');
    expect(org.DeactivateKeys).toContain('sts:AssumeRole');
    expect(org.ListAccounts).toEqual([
      // A run's name is its identity: no ledger entries under the new run's name.
      'dynamodb:Query',
      'organizations:ListAccountsForParent',
      'organizations:ListOrganizationalUnitsForParent',
      'organizations:ListRoots',
      // In backout mode it reads the earlier run's org plan: the accounts that run changed.
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
    ]);
    // No function that never reaches a member account's IAM may assume the member role; the ones
    // that follow Security Hub findings assume only the member findings role.
    const roleKinds = (deployment: Parameters<typeof functionGrants>[1]) => (id: FunctionId) =>
      functionGrants(id, deployment)
        .filter((g) => g.action === 'sts:AssumeRole')
        .map((g) => g.resource);
    const kinds = roleKinds(true);
    for (const id of ['ApprovalApi', 'OrgPlan'] as const) expect(kinds(id), id).toEqual([]);
    for (const id of ['RequestApproval', 'Report', 'OrgReport'] as const) {
      expect(kinds(id), id).toEqual(['member-findings-role']);
    }
    // The hub as the Security Hub administrator: no member findings role to assume.
    const admin = roleKinds({ organization: true, securityHubAdministrator: true });
    for (const id of ['RequestApproval', 'Report', 'OrgReport'] as const) expect(admin(id), id).toEqual([]);
    expect(admin('DeactivateKeys')).toEqual(['member-role']);
  });
});

describe('memberGrants', () => {
  it('declares what the member roles are written out to allow (test/policy/expected-grants.ts)', () => {
    expect(lines(memberGrants().map((g) => ({ action: g.action, kind: g.resource })))).toEqual(
      written([...EXPECTED_MEMBER_ROLE, ...EXPECTED_MEMBER_FINDINGS_ROLE], true),
    );
    expect(
      lines(
        memberGrants({ securityHubAdministrator: true }).map((g) => ({ action: g.action, kind: g.resource })),
      ),
    ).toEqual(written(EXPECTED_MEMBER_ROLE, true));
  });

  it('is the IAM actions of the account tasks that reach member accounts, the Security Hub actions of those that follow findings, and nothing else', () => {
    const declaring = (method: string, port: string) =>
      FUNCTION_IDS.filter((id) =>
        (FUNCTIONS[id].aws as { accounts?: { methods: readonly string[] } }).accounts?.methods.includes(
          method,
        ),
      ).flatMap((id) =>
        functionGrants(id, true)
          .filter((g) => g.call.startsWith(`${port}.`))
          .map((g) => g.action),
      );
    const iam = new Set(declaring('iamFor', 'iam'));
    const findings = new Set(declaring('securityHubFor', 'securityHub'));
    expect([...findings].sort()).toEqual(['securityhub:BatchUpdateFindings', 'securityhub:GetFindings']);
    const actions = memberGrants().map((g) => g.action);
    expect(new Set(actions)).toEqual(new Set([...iam, ...findings]));
    expect(
      memberGrants()
        .filter((g) => g.resource === 'security-hub')
        .map((g) => g.action),
    ).toEqual([...findings].sort());
    // The hub as the Security Hub administrator: the member side is IAM only.
    const admin = memberGrants({ securityHubAdministrator: true }).map((g) => g.action);
    expect(new Set(admin)).toEqual(iam);
    expect(admin.every((a) => a.startsWith('iam:'))).toBe(true);
    // What the account tasks change: disable (or reset), deactivate, delete (the delete stage), and backout's restore.
    expect(
      memberGrants()
        .filter((g) => g.resource === 'iam-user-change')
        .map((g) => g.action)
        .sort(),
    ).toEqual([
      'iam:CreateLoginProfile',
      'iam:DeleteAccessKey',
      'iam:DeleteLoginProfile',
      'iam:UpdateAccessKey',
      'iam:UpdateLoginProfile',
    ]);
  });
});
