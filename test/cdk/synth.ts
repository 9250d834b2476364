/**
 * Builds the credsweep stack for the CDK tests the way `cdk synth` does: with the feature flags
 * of cdk.json and a validated configuration. Building bundles eleven functions with esbuild
 * (about 1 s each), so each test file builds once in beforeAll; suites that do not look at code
 * pass `bundle: false` (CDK's `aws:cdk:bundling-stacks` context), which skips esbuild.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type ConfigKey, parseConfig, propsOf } from '../../infra/config.js';
import { CredsweepStack } from '../../infra/stack.js';

const CDK_JSON = fileURLToPath(new URL('../../cdk.json', import.meta.url));

/** The context block of cdk.json (feature flags and the documentation key). */
export function cdkJsonContext(): Record<string, unknown> {
  const parsed = JSON.parse(readFileSync(CDK_JSON, 'utf8')) as { context?: Record<string, unknown> };
  return parsed.context ?? {};
}

export const REQUIRED_CONTEXT = { approverEmails: 'alice@example.com', senderEmail: 'credsweep@example.org' };

export interface Built {
  app: App;
  stack: CredsweepStack;
  template: Template;
}

/** The app and stack, not yet synthesized (so validation plugins can still be added). */
export function buildApp(
  context: Partial<Record<ConfigKey, unknown>>,
  options: { bundle: boolean; outdir?: string },
): Omit<Built, 'template'> {
  const app = new App({
    context: { ...cdkJsonContext(), ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const stack = new CredsweepStack(app, 'Credsweep', {
    settings: propsOf(parseConfig({ ...REQUIRED_CONTEXT, ...context })),
  });
  return { app, stack };
}

/** The app, the stack and its synthesized template. */
export function buildStack(
  context: Partial<Record<ConfigKey, unknown>>,
  options: { bundle: boolean },
): Built {
  const { app, stack } = buildApp(context, options);
  return { app, stack, template: Template.fromStack(stack) };
}

/** A CloudFormation resource as it appears in the template. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export function resourcesOf(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

/** A property the test relies on; a missing one fails with its name rather than a TypeError. */
export function prop<T>(resource: CfnResource | undefined, key: string): T {
  const value = resource?.Properties?.[key];
  if (value === undefined)
    throw new Error(`The resource has no ${key}: ${JSON.stringify(resource).slice(0, 200)}`);
  return value as T;
}

/** One IAM policy statement, normalised to arrays. */
export interface Statement {
  sid: string | undefined;
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: unknown[];
  condition: Record<string, Record<string, unknown>> | undefined;
}

const toArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * The statements of every AWS::IAM::Policy and AWS::IAM::ManagedPolicy, keyed by the logical id of
 * the role they attach to.
 */
export function statementsByRole(template: Template): Map<string, Statement[]> {
  const byRole = new Map<string, Statement[]>();
  const policies = [
    ...Object.values(resourcesOf(template, 'AWS::IAM::Policy')),
    ...Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy')),
  ];
  for (const policy of policies) {
    const props = policy.Properties as {
      PolicyDocument: { Statement: Record<string, unknown>[] };
      Roles: { Ref: string }[];
    };
    const statements = props.PolicyDocument.Statement.map(
      (s): Statement => ({
        sid: s.Sid as string | undefined,
        effect: s.Effect as 'Allow' | 'Deny',
        actions: toArray(s.Action as string | string[]),
        resources: toArray(s.Resource),
        condition: s.Condition as Statement['condition'],
      }),
    );
    for (const role of props.Roles) byRole.set(role.Ref, [...(byRole.get(role.Ref) ?? []), ...statements]);
  }
  return byRole;
}

/** The logical id of the one resource of `type` whose logical id starts with `prefix`. */
export function logicalIdStartingWith(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(resourcesOf(template, type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1)
    throw new Error(`Expected one ${type} named ${prefix}*, found: ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}

/** The role logical id of the function whose construct id is `name` (e.g. `DisableConsole`). */
export function roleOf(template: Template, name: string): string {
  const fnId = logicalIdStartingWith(template, 'AWS::Lambda::Function', `${name}Function`);
  const fn = resourcesOf(template, 'AWS::Lambda::Function')[fnId];
  const role = (fn?.Properties?.Role as { 'Fn::GetAtt': [string, string] } | undefined)?.['Fn::GetAtt'][0];
  if (!role) throw new Error(`Function ${fnId} has no role`);
  return role;
}
