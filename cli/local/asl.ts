/** The one workflow definition, with its `${...}` DefinitionSubstitutions resolved. */
import { readFileSync } from 'node:fs';
import { packageFile } from '../package-files.js';

/** statemachine/remediation.asl.json of this package (in the repository or installed). */
export const ASL_PATH = packageFile('statemachine', 'remediation.asl.json');
/** The organization workflow: the same task functions, fanned out per member account. */
export const ORG_ASL_PATH = packageFile('statemachine', 'organization.asl.json');

export type Workflow = 'account' | 'organization';

export const aslPath = (workflow: Workflow) => (workflow === 'organization' ? ORG_ASL_PATH : ASL_PATH);

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

export function readAslTemplate(workflow: Workflow = 'account'): string {
  return readFileSync(aslPath(workflow), 'utf8');
}

/** Every `${Name}` the definition uses. */
export function placeholders(template = readAslTemplate()): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))].sort();
}

/** Substitutes as Step Functions' DefinitionSubstitutions does; a missing or unknown name is an error. */
export function resolveAsl(substitutions: Record<string, string | number>, template = readAslTemplate()) {
  const names = placeholders(template);
  const missing = names.filter((n) => !(n in substitutions));
  const unknown = Object.keys(substitutions).filter((n) => !names.includes(n));
  if (missing.length > 0) throw new Error(`ASL placeholders without a value: ${missing.join(', ')}`);
  if (unknown.length > 0) throw new Error(`substitutions the ASL does not use: ${unknown.join(', ')}`);
  const text = template.replace(PLACEHOLDER, (_, name: string) => String(substitutions[name]));
  return JSON.parse(text) as AslDefinition;
}

/** Local values of the substitutions: Lambda ARNs the engine binds to handler functions by state name. */
const LOCAL_ARN = (accountId: string, name: string) =>
  `arn:aws:lambda:us-east-1:${accountId}:function:credsweep-${name}`;

/** The function name a local Lambda ARN (from `localSubstitutions`) stands for, e.g. `verify`. */
export const localFunctionName = (arn: string): string => arn.split(':function:credsweep-').pop() ?? arn;

export function localSubstitutions(
  accountId: string,
  opts: { approvalTimeoutSeconds: number; mapMaxConcurrency?: number; reportPollMaxAttempts?: number },
  workflow: Workflow = 'account',
) {
  const shared = {
    Partition: 'aws',
    GenerateReportFunctionArn: LOCAL_ARN(accountId, 'generate-report'),
    AnalyzeFunctionArn: LOCAL_ARN(accountId, 'analyze'),
    RequestApprovalFunctionArn: LOCAL_ARN(accountId, 'request-approval'),
    DisableConsoleFunctionArn: LOCAL_ARN(accountId, 'disable-console'),
    DeactivateKeysFunctionArn: LOCAL_ARN(accountId, 'deactivate-keys'),
    DeleteKeysFunctionArn: LOCAL_ARN(accountId, 'delete-keys'),
    VerifyFunctionArn: LOCAL_ARN(accountId, 'verify'),
    BackoutFunctionArn: LOCAL_ARN(accountId, 'backout'),
    ReportFunctionArn: LOCAL_ARN(accountId, 'report'),
    ApprovalTimeoutSeconds: opts.approvalTimeoutSeconds,
    MapMaxConcurrency: opts.mapMaxConcurrency ?? 2,
    ReportPollSeconds: 1,
    ReportPollMaxAttempts: opts.reportPollMaxAttempts ?? 10,
    RetryIntervalSeconds: 1,
  };
  if (workflow === 'account') return shared;
  return {
    ...shared,
    ListAccountsFunctionArn: LOCAL_ARN(accountId, 'list-accounts'),
    OrgPlanFunctionArn: LOCAL_ARN(accountId, 'org-plan'),
    AccountPlanFunctionArn: LOCAL_ARN(accountId, 'account-plan'),
    OrgReportFunctionArn: LOCAL_ARN(accountId, 'org-report'),
    OrgMapMaxConcurrency: opts.mapMaxConcurrency ?? 8,
  };
}

export interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  Choices?: { Next: string }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Retry?: { ErrorEquals: string[] }[];
  ItemProcessor?: AslDefinition;
  Iterator?: AslDefinition;
  TimeoutSeconds?: number;
  [key: string]: unknown;
}

export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  [key: string]: unknown;
}
