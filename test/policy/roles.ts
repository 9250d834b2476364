/**
 * The synthesized template's function roles as plain IAM policy JSON: every CloudFormation
 * intrinsic (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, AWS::Partition/AccountId/
 * Region) resolved with fixed test values, so a policy simulator can evaluate them.
 *
 * Physical names: `testEnvironment(template)` names every resource after its logical id, in
 * partition `aws`, account 123456789012, Region eu-west-1 (`TEST`); the emulator suite passes the
 * names its deployment created instead (same shape).
 */
import { FUNCTION_IDS, type FunctionId } from '../../handlers/aws/permissions.js';

/** The partition, account and Region the test values use. */
export const TEST = { partition: 'aws', account: '123456789012', region: 'eu-west-1' } as const;

/** A CloudFormation template, as far as roles are concerned. */
export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/** How intrinsics resolve: pseudo parameters, and each logical id's Ref and attributes. */
export interface PolicyEnvironment {
  partition: string;
  account: string;
  region: string;
  /** Ref of each logical id (a name, or an ARN where CloudFormation's Ref returns one). */
  ref: Record<string, string>;
  /** Fn::GetAtt of each logical id and attribute. */
  attr: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: Record<string, unknown>[];
}

/** A function's role: its construct id, the role's logical id, and its policies with nothing left to resolve. */
export interface FunctionRole {
  /** A function's construct id, or another principal's name (`MemberRole@<account>`). */
  functionId: FunctionId | `MemberRole@${string}` | `MemberFindingsRole@${string}`;
  roleLogicalId: string;
  policies: { name: string; policy: PolicyDocument }[];
}

/** Lower-case, name-safe form of a logical id. */
const nameOf = (logicalId: string) => `credsweep-${logicalId.toLowerCase()}`;

/**
 * Ref and Arn of a resource by its type, the way CloudFormation reports them, for physical name
 * `name`. A type the policies reference but this table lacks is an error naming it.
 */
function physical(type: string, name: string, env: Omit<PolicyEnvironment, 'ref' | 'attr'>) {
  const { partition: p, account: a, region: r } = env;
  const byType: Record<string, { ref: string; arn: string }> = {
    'AWS::DynamoDB::Table': { ref: name, arn: `arn:${p}:dynamodb:${r}:${a}:table/${name}` },
    'AWS::S3::Bucket': { ref: name, arn: `arn:${p}:s3:::${name}` },
    'AWS::SecretsManager::Secret': {
      ref: `arn:${p}:secretsmanager:${r}:${a}:secret:${name}-AbCdEf`,
      arn: `arn:${p}:secretsmanager:${r}:${a}:secret:${name}-AbCdEf`,
    },
    'AWS::StepFunctions::StateMachine': {
      ref: `arn:${p}:states:${r}:${a}:stateMachine:${name}`,
      arn: `arn:${p}:states:${r}:${a}:stateMachine:${name}`,
    },
    'AWS::Lambda::Function': { ref: name, arn: `arn:${p}:lambda:${r}:${a}:function:${name}` },
    'AWS::Logs::LogGroup': { ref: name, arn: `arn:${p}:logs:${r}:${a}:log-group:${name}:*` },
    'AWS::IAM::Role': { ref: name, arn: `arn:${p}:iam::${a}:role/${name}` },
    'AWS::SNS::Topic': { ref: `arn:${p}:sns:${r}:${a}:${name}`, arn: `arn:${p}:sns:${r}:${a}:${name}` },
    'AWS::KMS::Key': {
      ref: '0000aaaa-0000-4000-8000-000000000000',
      arn: `arn:${p}:kms:${r}:${a}:key/0000aaaa-0000-4000-8000-000000000000`,
    },
    'AWS::ApiGateway::RestApi': { ref: 'abcde12345', arn: `arn:${p}:apigateway:${r}::/restapis/abcde12345` },
    'AWS::CloudWatch::Alarm': { ref: name, arn: `arn:${p}:cloudwatch:${r}:${a}:alarm:${name}` },
  };
  return byType[type];
}

/** Physical names for every resource of the template, after its logical id, in the TEST account. */
export function testEnvironment(
  template: CfnTemplate,
  base: { partition: string; account: string; region: string } = TEST,
): PolicyEnvironment {
  const env: PolicyEnvironment = { ...base, ref: {}, attr: {} };
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const found = physical(resource.Type, nameOf(logicalId), base);
    if (!found) continue;
    env.ref[logicalId] = found.ref;
    env.attr[logicalId] = { Arn: found.arn };
  }
  return env;
}

/** Resolves the intrinsic functions in `value` (any JSON) with `env`; an unknown one is an error. */
export function resolve(value: unknown, env: PolicyEnvironment, where = 'template'): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, env, where));
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [fn, arg] = entries[0] ?? [];
  if (entries.length === 1 && fn && (fn === 'Ref' || fn.startsWith('Fn::')))
    return intrinsic(fn, arg, env, where);
  return Object.fromEntries(entries.map(([key, inner]) => [key, resolve(inner, env, `${where}.${key}`)]));
}

const PSEUDO = (env: PolicyEnvironment): Record<string, string> => ({
  'AWS::Partition': env.partition,
  'AWS::AccountId': env.account,
  'AWS::Region': env.region,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'Credsweep',
  'AWS::StackId': `arn:${env.partition}:cloudformation:${env.region}:${env.account}:stack/Credsweep/00000000-0000-4000-8000-000000000000`,
});

function text(value: unknown, env: PolicyEnvironment, where: string): string {
  const resolved = resolve(value, env, where);
  if (typeof resolved !== 'string' && typeof resolved !== 'number') {
    throw new Error(`${where}: ${JSON.stringify(value)} does not resolve to a string`);
  }
  return String(resolved);
}

function intrinsic(fn: string, arg: unknown, env: PolicyEnvironment, where: string): unknown {
  switch (fn) {
    case 'Ref': {
      const name = String(arg);
      const found = PSEUDO(env)[name] ?? env.ref[name];
      if (found === undefined) throw new Error(`${where}: Ref ${name} has no test value`);
      return found;
    }
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = (typeof arg === 'string' ? arg.split('.') : arg) as [string, string];
      const found = env.attr[logicalId]?.[attribute];
      if (found === undefined)
        throw new Error(`${where}: Fn::GetAtt ${logicalId}.${attribute} has no test value`);
      return found;
    }
    case 'Fn::Join': {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((part) => text(part, env, where)).join(separator);
    }
    case 'Fn::Sub': {
      const [template, vars] = (typeof arg === 'string' ? [arg, {}] : arg) as [
        string,
        Record<string, unknown>,
      ];
      return template.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
        if (name in vars) return text(vars[name], env, where);
        if (name.includes('.')) return text({ 'Fn::GetAtt': name.split('.') }, env, where);
        return text({ Ref: name }, env, where);
      });
    }
    case 'Fn::Select': {
      const [index, list] = arg as [number | string, unknown];
      const items = resolve(list, env, where);
      const array = Array.isArray(items) ? items : String(items).split(',');
      return array[Number(index)];
    }
    case 'Fn::Split': {
      const [separator, source] = arg as [string, unknown];
      return text(source, env, where).split(separator);
    }
    default:
      throw new Error(`${where}: ${fn} is not resolved by test/policy/roles.ts`);
  }
}

/** The construct id of a function from its logical id (`AnalyzeFunction6151029A` -> `Analyze`). */
function functionIdOf(logicalId: string): FunctionId | undefined {
  const id = logicalId.replace(/Function[0-9A-F]{8}$/, '');
  return (FUNCTION_IDS as readonly string[]).includes(id) ? (id as FunctionId) : undefined;
}

/** The AWS::IAM::Policy and AWS::IAM::ManagedPolicy resources of `template` attached to role `roleLogicalId`, resolved. */
function attachedPolicies(
  template: CfnTemplate,
  roleLogicalId: string,
  env: PolicyEnvironment,
): FunctionRole['policies'] {
  return Object.entries(template.Resources)
    .filter(
      ([, policy]) =>
        (policy.Type === 'AWS::IAM::Policy' || policy.Type === 'AWS::IAM::ManagedPolicy') &&
        ((policy.Properties?.Roles ?? []) as { Ref?: string }[]).some((r) => r.Ref === roleLogicalId),
    )
    .map(([policyId, policy]) => ({
      name: policyId,
      policy: resolve(policy.Properties?.PolicyDocument, env, policyId) as PolicyDocument,
    }));
}

/** Every deployed function's role with its policies resolved (inline Policies, AWS::IAM::Policy, AWS::IAM::ManagedPolicy). */
export function functionRoles(template: CfnTemplate, env: PolicyEnvironment): FunctionRole[] {
  const roles: FunctionRole[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const functionId = functionIdOf(logicalId);
    if (!functionId) continue;
    const roleRef = resource.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
    const roleLogicalId = roleRef?.['Fn::GetAtt']?.[0];
    if (!roleLogicalId) throw new Error(`${logicalId} has no role from the template`);
    const role = template.Resources[roleLogicalId];
    if ((role?.Properties?.ManagedPolicyArns as unknown[] | undefined)?.length) {
      throw new Error(
        `${roleLogicalId} has managed policies by ARN; the check evaluates the template's own policies only`,
      );
    }
    const policies: FunctionRole['policies'] = [];
    for (const inline of (role?.Properties?.Policies ?? []) as {
      PolicyName: string;
      PolicyDocument: unknown;
    }[]) {
      policies.push({
        name: inline.PolicyName,
        policy: resolve(inline.PolicyDocument, env, `${roleLogicalId}.Policies`) as PolicyDocument,
      });
    }
    policies.push(...attachedPolicies(template, roleLogicalId, env));
    roles.push({ functionId, roleLogicalId, policies });
  }
  return roles;
}

/**
 * The organization's member role (or its findings role) in `account`, as the StackSet deploys it: the TemplateBody of the
 * template's AWS::CloudFormation::StackSet (its Fn::Join of the hub's role ARNs resolved with
 * `env`), its one AWS::IAM::Role and the managed policies attached to it, with every Fn::Sub
 * resolved for `account`. `functionId` is the
 * caller name the recorder gives requests signed with that role's credentials.
 */
export function memberRole(
  template: CfnTemplate,
  env: PolicyEnvironment,
  account: string,
  logicalId: 'MemberRole' | 'MemberFindingsRole' = 'MemberRole',
): FunctionRole & { roleName: string; trustPolicy: PolicyDocument } {
  const stackSets = Object.entries(template.Resources).filter(
    ([, r]) => r.Type === 'AWS::CloudFormation::StackSet',
  );
  if (stackSets.length !== 1) throw new Error(`expected one StackSet, found ${stackSets.length}`);
  const [stackSetId, stackSet] = stackSets[0] as [string, { Properties?: Record<string, unknown> }];
  const body = JSON.parse(
    String(resolve(stackSet.Properties?.TemplateBody, env, `${stackSetId}.TemplateBody`)),
  ) as CfnTemplate;
  // The member role (logical id MemberRole) or the Security Hub findings role (MemberFindingsRole).
  const roles = Object.entries(body.Resources).filter(
    ([id, r]) => r.Type === 'AWS::IAM::Role' && id === logicalId,
  );
  if (roles.length !== 1)
    throw new Error(`expected one role in the StackSet's template, found ${roles.length}`);
  const [roleLogicalId, role] = roles[0] as [string, { Properties?: Record<string, unknown> }];
  const inAccount = { ...env, account };
  const props = resolve(role.Properties, inAccount, `${stackSetId} ${roleLogicalId}`) as {
    RoleName: string;
    AssumeRolePolicyDocument: PolicyDocument;
    Policies?: { PolicyName: string; PolicyDocument: PolicyDocument }[];
  };
  return {
    functionId: logicalId === 'MemberRole' ? `MemberRole@${account}` : `MemberFindingsRole@${account}`,
    roleLogicalId,
    roleName: props.RoleName,
    trustPolicy: props.AssumeRolePolicyDocument,
    policies: [
      ...(props.Policies ?? []).map((p) => ({ name: p.PolicyName, policy: p.PolicyDocument })),
      // The managed policies of the template attached to the role (the exempt names' Deny).
      ...attachedPolicies(body, roleLogicalId, inAccount),
    ],
  };
}
