/**
 * A resolved role's Allow grants as comparable lines, `action resource [operator key value]`, and
 * the names a template's resources get in the test environment: what test/policy/grants.test.ts
 * and test/cdk/stack.test.ts compare with test/policy/expected-grants.ts.
 */
import type { DeploymentNames } from './expected-grants.js';
import type { CfnTemplate, FunctionRole, PolicyEnvironment } from './roles.js';

const list = (value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];

/** A condition block as `operator key value` (credsweep's statements have at most one). */
function conditionText(condition: unknown): string[] {
  if (condition === undefined) return [];
  return Object.entries(condition as Record<string, Record<string, unknown>>).flatMap(([operator, keys]) =>
    Object.entries(keys).map(([key, value]) => `${operator} ${key} ${list(value).join(',')}`),
  );
}

/** What CDK gives every function: its log group, and X-Ray. */
const isBaseline = (action: string, resource: string) =>
  (/^logs:(CreateLogStream|PutLogEvents)$/.test(action) && /:log-group:/.test(resource)) ||
  (/^xray:(PutTraceSegments|PutTelemetryRecords)$/.test(action) && resource === '*');

/** The Allow grants of a role as `action resource [condition]` lines, sorted. */
export function allowed(role: FunctionRole): string[] {
  const lines = new Set<string>();
  for (const { policy } of role.policies) {
    for (const s of policy.Statement) {
      if (s.Effect !== 'Allow') continue;
      for (const action of list(s.Action)) {
        for (const resource of list(s.Resource)) {
          if (isBaseline(action, resource)) continue;
          lines.add([action, resource, ...conditionText(s.Condition)].join(' '));
        }
      }
    }
  }
  return [...lines].sort();
}

/** The names the test environment gives the resources `{…}` stands for. */
export function namesOf(
  template: CfnTemplate,
  env: PolicyEnvironment,
  opts: { identities: string[]; organizationId?: string },
): DeploymentNames {
  const logicalId = (type: string, prefix: string) => {
    const found = Object.entries(template.Resources).find(
      ([id, r]) => r.Type === type && id.startsWith(prefix),
    );
    if (!found) throw new Error(`no ${type} ${prefix}*`);
    return found[0];
  };
  const ref = (type: string, prefix: string) => env.ref[logicalId(type, prefix)] ?? '';
  const hasOrg = Object.keys(template.Resources).some((id) => id.startsWith('OrganizationStateMachine'));
  return {
    table: ref('AWS::DynamoDB::Table', 'Table'),
    bucket: ref('AWS::S3::Bucket', 'DataBucket'),
    signingKey: env.attr[logicalId('AWS::SecretsManager::Secret', 'SigningKey')]?.Arn ?? '',
    stateMachine: ref('AWS::StepFunctions::StateMachine', 'StateMachine'),
    ...(hasOrg
      ? {
          organizationStateMachine: ref('AWS::StepFunctions::StateMachine', 'OrganizationStateMachine'),
          ...(opts.organizationId ? { organizationId: opts.organizationId } : {}),
        }
      : {}),
    identities: opts.identities,
  };
}
