/**
 * The single source of what each deployed function does to AWS (docs/aws-adapters.md).
 *
 * - Each AWS adapter declares, per port method, the IAM actions its SDK calls need and on what
 *   kind of resource (`IAM_PERMISSIONS` in iam.ts, `STORE_PERMISSIONS` in store.ts, ...).
 * - Each Lambda entry in handlers/ declares the port methods it calls (`export const AWS`).
 * - The stack (infra/parts/grants.ts) grants each function exactly the union of both, and nothing else;
 *   the policy check (test/policy/) and `credsweep doctor` read the same lists.
 *
 * For infrastructure, tests and the CLI only: it imports every entry, so no Lambda bundles it.
 */

import { ACCOUNT_ACCESS_PERMISSIONS } from './account-access.js';
import { BLOB_ABSENT_KEY_PERMISSIONS, BLOB_PERMISSIONS } from './blobs.js';
import { deployedFunctionIds, FUNCTION_IDS, FUNCTIONS, type FunctionId } from './functions.js';
import { IAM_PERMISSIONS } from './iam.js';
import { MAIL_PERMISSIONS } from './mail.js';
import { ORGANIZATIONS_PERMISSIONS } from './organizations.js';
import type { IamAction, MethodPermissions, ResourceKind } from './permission-types.js';
import { type FunctionAws, PORT_NAMES, type PortName } from './ports.js';
import { RUNS_PERMISSIONS } from './runs.js';
import { SECRETS_PERMISSIONS } from './secrets.js';
import { SECURITY_HUB_PERMISSIONS } from './security-hub.js';
import { STORE_PERMISSIONS } from './store.js';
import { CALLBACK_PERMISSIONS } from './task-callbacks.js';

export {
  ACCOUNT_FUNCTION_IDS,
  deployedFunctionIds,
  FUNCTION_IDS,
  FUNCTIONS,
  type FunctionId,
} from './functions.js';
export type { IamAction, ResourceKind } from './permission-types.js';

/** What each kind of resource is granted on (infra/parts/grants.ts builds the ARNs), for the docs. */
export const RESOURCE_KINDS: Readonly<Record<ResourceKind, string>> = {
  account: '`*` (IAM has no resource-level permissions for it; read-only)',
  'iam-user': 'any user of the account (`user/*`)',
  'iam-user-change': 'any user (`user/*`), denied on exempt users (tag and name) and break-glass users (tag)',
  'approval-item': 'approval records (`APPROVAL#*` items of the table)',
  'ledger-item': 'ledger entries (`LEDGER#*` items of the table)',
  'change-item': "each credential's last change (`CHANGE#*` items of the table)",
  'lock-item': 'the one-run-per-account guard (`LOCK#*` items of the table)',
  'ledger-key-index': "the table's `byAccessKey` index (ledger entries by access key id)",
  'warning-item': "owners' warnings (`WARNING#*` items of the table)",
  'run-object': 'objects under `runs/` of the data bucket',
  'run-bucket':
    'the data bucket, for the functions that read keys that may be absent (a missing object then reads as NoSuchKey)',
  'mail-identity': 'the SES identities of the sender and the approvers',
  'restored-password-secret': 'secrets named `credsweep/restored/*`',
  'signing-key-secret': 'the approval-link signing-key secret',
  'state-machine':
    'the state machines of the deployment (the remediation one; the organization one too when deployed)',
  'remediation-state-machine': 'the remediation state machine',
  'organization-state-machine': 'the organization state machine (organizations only)',
  'security-hub': "this account's Security Hub in the Region (`hub/default`)",
  'member-role': 'the credsweep member role of each account (`role/<member role name>`, organizations only)',
  'member-findings-role':
    'the credsweep member findings role of each account (`role/<member role name>-findings`, organizations whose hub is not the Security Hub administrator)',
  organization: '`*` (Organizations has no resource-level permissions for listing; read-only)',
};

/** Every adapter's map, by port name. */
export const PORT_PERMISSIONS: { readonly [K in PortName]: Readonly<Record<string, MethodPermissions>> } = {
  iam: IAM_PERMISSIONS,
  store: STORE_PERMISSIONS,
  blobs: BLOB_PERMISSIONS,
  mail: MAIL_PERMISSIONS,
  secrets: SECRETS_PERMISSIONS,
  callbacks: CALLBACK_PERMISSIONS,
  securityHub: SECURITY_HUB_PERMISSIONS,
  runs: RUNS_PERMISSIONS,
  organizations: ORGANIZATIONS_PERMISSIONS,
  accounts: ACCOUNT_ACCESS_PERMISSIONS,
};

/** Ports only an organization run calls: a single-account deployment grants nothing for them. */
const ORGANIZATION_PORTS: readonly PortName[] = ['organizations', 'accounts'];
/** Resources only an organization deployment has: a single-account deployment grants nothing on them. */
const ORGANIZATION_KINDS: readonly ResourceKind[] = ['organization-state-machine'];

/** One permission a function needs, with the call that needs it. */
export interface Grant {
  action: IamAction;
  resource: ResourceKind;
  /** The port method whose SDK call needs it, e.g. `store.markMailed`. */
  call: string;
}

/** What a deployment is, as far as its grants go. */
export interface DeploymentKind {
  /** An organization deployment: the organization ports are granted. */
  organization: boolean;
  /** The hub is the Security Hub administrator: no member findings role (docs/compliance.md). */
  securityHubAdministrator?: boolean;
}

const deploymentOf = (d: boolean | DeploymentKind): DeploymentKind =>
  typeof d === 'boolean' ? { organization: d } : d;

/**
 * Every permission `aws` needs, one per (action, resource, call), in declaration order; in a
 * single-account deployment (`organization` false) without the organization ports' ones, and when
 * the hub is the Security Hub administrator without the member findings role's.
 */
export function grantsOf(aws: FunctionAws, deployment: boolean | DeploymentKind = true): Grant[] {
  const { organization, securityHubAdministrator } = deploymentOf(deployment);
  const grants: Grant[] = [];
  for (const port of PORT_NAMES) {
    if (!organization && ORGANIZATION_PORTS.includes(port)) continue;
    const methods: readonly string[] = aws[port]?.methods ?? [];
    for (const method of methods) {
      const needs = PORT_PERMISSIONS[port][method];
      if (!needs) throw new Error(`the ${port} adapter declares no permissions for ${method}`);
      for (const [action, resource] of Object.entries(needs) as [IamAction, ResourceKind][]) {
        if (securityHubAdministrator && resource === 'member-findings-role') continue;
        if (!organization && ORGANIZATION_KINDS.includes(resource)) continue;
        grants.push({ action, resource, call: `${port}.${method}` });
      }
    }
    // S3 answers an absent key with NoSuchKey only to a role that may list the bucket.
    if (port === 'blobs' && aws.blobs?.absentKeys && methods.includes('get')) {
      for (const [action, resource] of Object.entries(BLOB_ABSENT_KEY_PERMISSIONS)) {
        grants.push({ action: action as IamAction, resource, call: 'blobs.get (a key that may be absent)' });
      }
    }
  }
  return grants;
}

/** The permissions of one deployed function (by construct id), in an organization deployment or not. */
export function functionGrants(id: FunctionId, deployment: boolean | DeploymentKind = false): Grant[] {
  return grantsOf(FUNCTIONS[id].aws, deployment);
}

/**
 * The IAM actions each deployed function must be allowed, by construct id, sorted; for checks of a
 * deployed role (`credsweep doctor`, IAM SimulatePrincipalPolicy). The actions CDK adds to every
 * function (its log group, X-Ray) are not included.
 */
export function requiredActions(
  deployment: boolean | DeploymentKind = false,
): Partial<Record<FunctionId, IamAction[]>> {
  const { organization } = deploymentOf(deployment);
  const out: Partial<Record<FunctionId, IamAction[]>> = {};
  for (const id of deployedFunctionIds(organization)) {
    out[id] = [...new Set(functionGrants(id, deployment).map((g) => g.action))].sort();
  }
  return out;
}

/** The functions that assume a member account's role: `iamFor` the member role, `securityHubFor` the member findings role. */
export function memberRoleUsers(method: 'iamFor' | 'securityHubFor'): FunctionId[] {
  return FUNCTION_IDS.filter((id) => {
    const accounts: FunctionAws['accounts'] = (FUNCTIONS[id].aws as FunctionAws).accounts;
    return accounts?.methods.includes(method) ?? false;
  });
}

/**
 * What the member roles allow in each member account, sorted, with the resource kind: the member
 * role the `iam` methods of every function that declares `accounts.iamFor`; the member findings role
 * the `securityHub` methods of every function that declares `accounts.securityHubFor` (none when the
 * hub is the Security Hub administrator). The roles are nothing else (infra/member-role.ts); the
 * member role's exempt Deny covers the `iam-user-change` ones.
 */
export function memberGrants(options: { securityHubAdministrator?: boolean } = {}): Grant[] {
  const seen = new Map<string, Grant>();
  const add = (grants: Grant[]) => {
    for (const grant of grants) {
      const key = `${grant.action} ${grant.resource}`;
      if (!seen.has(key)) seen.set(key, grant);
    }
  };
  for (const id of memberRoleUsers('iamFor')) {
    const { iam } = FUNCTIONS[id].aws as FunctionAws;
    add(grantsOf(iam ? { iam } : {}));
  }
  if (!options.securityHubAdministrator) {
    for (const id of memberRoleUsers('securityHubFor')) {
      const { securityHub } = FUNCTIONS[id].aws as FunctionAws;
      add(grantsOf(securityHub ? { securityHub } : {}));
    }
  }
  return [...seen.values()].sort(
    (a, b) => a.action.localeCompare(b.action) || a.resource.localeCompare(b.resource),
  );
}
