/**
 * The vocabulary of the single source of permissions (see handlers/aws/permissions.ts and
 * docs/aws-adapters.md). Types only: every adapter imports it to declare its map, and nothing here
 * reaches a Lambda bundle.
 */

/**
 * What an IAM action is allowed on. The stack (infra/parts/grants.ts) turns each kind into resource
 * ARNs and conditions; the policy check (test/policy/) and `credsweep doctor` read the same kinds.
 */
export type ResourceKind =
  /** Actions with no resource-level permissions: `Resource: "*"` (read-only ones only). */
  | 'account'
  /** Reading any IAM user of the account: `user/*`. */
  | 'iam-user'
  /** Changing an IAM user: `user/*`, with explicit Denies for exempt users (tag and name) and break-glass users (tag). */
  | 'iam-user-change'
  /** Approval records of the table (`dynamodb:LeadingKeys` `APPROVAL#*`). */
  | 'approval-item'
  /** Ledger entries of the table (`dynamodb:LeadingKeys` `LEDGER#*`). */
  | 'ledger-item'
  /** Each credential's last change by credsweep (`dynamodb:LeadingKeys` `CHANGE#*`). */
  | 'change-item'
  /** The one-run-per-account guard (`dynamodb:LeadingKeys` `LOCK#*`). */
  | 'lock-item'
  /** The table's `byAccessKey` index of ledger entries (the delete stage: which run deactivated a key). */
  | 'ledger-key-index'
  /** Owners' warnings, one per credential (`dynamodb:LeadingKeys` `WARNING#*`). */
  | 'warning-item'
  /** Objects under `runs/` of the data bucket. */
  | 'run-object'
  /** The data bucket itself (so a missing object reads as NoSuchKey, not AccessDenied). */
  | 'run-bucket'
  /** The SES identities of the sender and the approvers. */
  | 'mail-identity'
  /** Secrets named under the restored-password prefix (`credsweep/restored/*`). */
  | 'restored-password-secret'
  /** The approval-link signing-key secret. */
  | 'signing-key-secret'
  /** Every state machine of the deployment (task-token callbacks: approvals of either workflow). */
  | 'state-machine'
  /** The remediation (account) state machine alone: starting a run of it. */
  | 'remediation-state-machine'
  /** The organization state machine alone (organization deployments): starting an organization run. */
  | 'organization-state-machine'
  /** This account's Security Hub in the Region (`hub/default`): its findings are read and updated through it. */
  | 'security-hub'
  /** The credsweep member role in each account of the organization (`role/<MEMBER_ROLE_NAME>`). */
  | 'member-role'
  /** The credsweep member findings role in each account (`role/<MEMBER_ROLE_NAME>-findings`): Security Hub only. */
  | 'member-findings-role'
  /** The organization's tree (Organizations has no resource-level permissions for listing it). */
  | 'organization';

/** An IAM action as IAM spells it: `service:Action`. */
export type IamAction = `${string}:${string}`;

/**
 * What one port method sends to AWS: each IAM action its SDK calls need, and on what. One line per
 * method, e.g. `getUser: { 'iam:GetUser': 'iam-user' }`.
 */
export type MethodPermissions = Readonly<Partial<Record<IamAction, ResourceKind>>>;

/**
 * The map an adapter declares: every method of its port (TypeScript refuses a port method without
 * an entry), with the actions that method needs.
 */
export type PortPermissions<P> = { readonly [M in keyof P]-?: MethodPermissions };
