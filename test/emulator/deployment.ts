/**
 * The stack as `cdk synth` writes it, read the way CloudFormation would deploy it: each function's
 * bundle directory (from its Code.S3Key, the asset hash), its environment with Ref/GetAtt/Join
 * resolved to the names the emulator created, and the state machine's DefinitionString with its
 * DefinitionSubstitutions applied. Nothing here knows what the stack should contain: it only reads
 * the template, so a missing variable or a wrong reference shows up when a bundle runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type AslDefinition, resolveAsl } from '../../cli/local/asl.js';
import { buildApp } from '../cdk/synth.js';

export const ACCOUNT_ID = '123456789012';
export const REGION = 'us-east-1';
export const PARTITION = 'aws';
export const STACK_NAME = 'Credsweep';

/**
 * The construct ids of the single-account stack's functions, as the recorder names callers (one
 * list: handlers/aws/functions.ts; an organization deployment adds its own, deployedFunctionIds(true)).
 */
import {
  deployedFunctionIds,
  ACCOUNT_FUNCTION_IDS as FUNCTION_IDS,
  type FunctionId,
} from '../../handlers/aws/functions.js';

export { FUNCTION_IDS, type FunctionId };

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}

/** What `cdk synth` wrote: the template and the cloud assembly directory holding the bundles. */
export interface Synthesized {
  template: CfnTemplate;
  assemblyDir: string;
}

/** Synthesizes the stack with bundling on (esbuild, as `cdk synth`) into `outdir`. */
export function synthesize(outdir: string, context: Record<string, unknown>): Synthesized {
  // With the opt-in Security Hub start function, so that its bundle and role are exercised too.
  const { app, stack } = buildApp({ securityHubActions: 'true', ...context }, { bundle: true, outdir });
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  return { template: artifact.template as CfnTemplate, assemblyDir: assembly.directory };
}

/** Physical ids the emulator gave the resources that the functions reference. */
export interface PhysicalIds {
  /** Ref of each logical id (a name, or an ARN where CloudFormation's Ref returns one). */
  ref: Record<string, string>;
  /** Fn::GetAtt of each logical id and attribute. */
  attr: Record<string, Record<string, string>>;
}

const PSEUDO: Record<string, string> = {
  'AWS::AccountId': ACCOUNT_ID,
  'AWS::Region': REGION,
  'AWS::Partition': PARTITION,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': STACK_NAME,
  'AWS::StackId': `arn:aws:cloudformation:${REGION}:${ACCOUNT_ID}:stack/${STACK_NAME}/00000000-0000-4000-8000-000000000000`,
};

/** Resolves the intrinsic functions CloudFormation would, for the values a function receives. */
export function resolveValue(value: unknown, ids: PhysicalIds, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const [fn, arg] = Object.entries(value)[0] ?? [];
    if (fn === 'Ref' && typeof arg === 'string') {
      const found = PSEUDO[arg] ?? ids.ref[arg];
      if (found === undefined) throw new Error(`${where}: Ref ${arg} has no physical id in the emulator`);
      return found;
    }
    if (fn === 'Fn::GetAtt' && Array.isArray(arg)) {
      const [logicalId, attribute] = arg as [string, string];
      const found = ids.attr[logicalId]?.[attribute];
      if (found === undefined) throw new Error(`${where}: Fn::GetAtt ${logicalId}.${attribute} is unknown`);
      return found;
    }
    if (fn === 'Fn::Join' && Array.isArray(arg)) {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((part) => resolveValue(part, ids, where)).join(separator);
    }
    if (fn === 'Fn::Select' && Array.isArray(arg)) {
      const [index, list] = arg as [number, unknown];
      const items = Array.isArray(list)
        ? list.map((item) => resolveValue(item, ids, where))
        : resolveValue(list, ids, where).split(',');
      return items[Number(index)] ?? '';
    }
    if (fn === 'Fn::Split' && Array.isArray(arg)) {
      const [separator, source] = arg as [string, unknown];
      return resolveValue(source, ids, where).split(separator).join(',');
    }
  }
  throw new Error(`${where}: cannot resolve ${JSON.stringify(value)}`);
}

export interface DeployedFunction {
  id: FunctionId;
  logicalId: string;
  name: string;
  arn: string;
  /** The asset directory `cdk synth` wrote (what Lambda would unzip). */
  bundleDir: string;
  /** The file and export of the template's Handler (`index.handler`). */
  handlerFile: string;
  handlerExport: string;
  environment: Record<string, string>;
}

export interface Deployment {
  template: CfnTemplate;
  functions: Record<FunctionId, DeployedFunction>;
  /** The state machine definition with its DefinitionSubstitutions applied. */
  definition: AslDefinition;
  stateMachineArn: string;
  /** The partition key attribute of the table (from its KeySchema). */
  tablePartitionKey: string;
}

function resourcesOf(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** The one resource of a type, by logical id. */
export function onlyResource(template: CfnTemplate, type: string): [string, CfnResource] {
  const found = resourcesOf(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type} in the template, found ${found.length}`);
  return found[0] as [string, CfnResource];
}

/** The construct id of a function from its logical id (`AnalyzeFunction6151029A` -> `Analyze`). */
function functionIdOf(logicalId: string, known: readonly FunctionId[]): FunctionId {
  const id = logicalId.replace(/Function[0-9A-F]{8}$/, '');
  if (!(known as readonly string[]).includes(id)) {
    throw new Error(`the template has a function ${logicalId} the emulator does not know (${id})`);
  }
  return id as FunctionId;
}

/** Physical names the emulator uses for functions and the state machine (CloudFormation would generate them). */
export function generatedIds(template: CfnTemplate): PhysicalIds {
  const ids: PhysicalIds = { ref: {}, attr: {} };
  for (const [logicalId] of resourcesOf(template, 'AWS::Lambda::Function')) {
    const name = `${STACK_NAME}-${logicalId}`;
    ids.ref[logicalId] = name;
    ids.attr[logicalId] = { Arn: `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT_ID}:function:${name}` };
  }
  for (const [logicalId] of resourcesOf(template, 'AWS::StepFunctions::StateMachine')) {
    const arn = `arn:${PARTITION}:states:${REGION}:${ACCOUNT_ID}:stateMachine:${logicalId}-emulator`;
    ids.ref[logicalId] = arn;
    ids.attr[logicalId] = { Arn: arn, Name: `${logicalId}-emulator` };
  }
  for (const [logicalId] of resourcesOf(template, 'AWS::ApiGateway::RestApi')) {
    ids.ref[logicalId] = 'emu0api000';
  }
  return ids;
}

/**
 * The state machine a run starts: the account workflow's (`StateMachine…`), or in an organization
 * deployment (`-c organization=true`, which has both) the organization workflow's.
 */
function stateMachineOf(template: CfnTemplate, organization: boolean): [string, CfnResource] {
  const prefix = organization ? 'OrganizationStateMachine' : 'StateMachine';
  const found = resourcesOf(template, 'AWS::StepFunctions::StateMachine').filter(([id]) =>
    new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id),
  );
  if (found.length !== 1) throw new Error(`expected one ${prefix} in the template, found ${found.length}`);
  return found[0] as [string, CfnResource];
}

/**
 * The deployment the bundles see, given the physical ids of what the emulator created; with
 * `organization`, the functions of an organization deployment and its organization state machine.
 */
export function deploymentOf(
  synthesized: Synthesized,
  ids: PhysicalIds,
  options: { organization?: boolean } = {},
): Deployment {
  const organization = options.organization ?? false;
  const expected = deployedFunctionIds(organization);
  const { template, assemblyDir } = synthesized;
  const functions = {} as Record<FunctionId, DeployedFunction>;
  for (const [logicalId, resource] of resourcesOf(template, 'AWS::Lambda::Function')) {
    const props = resource.Properties ?? {};
    const id = functionIdOf(logicalId, expected);
    const s3Key = (props.Code as { S3Key?: string } | undefined)?.S3Key;
    if (!s3Key) throw new Error(`${logicalId} has no Code.S3Key: synthesize with bundling on`);
    const bundleDir = join(assemblyDir, `asset.${s3Key.replace(/\.zip$/, '')}`);
    const [file, handlerExport] = String(props.Handler ?? '').split('.') as [string, string | undefined];
    const handlerFile = ['mjs', 'js', 'cjs'].map((ext) => join(bundleDir, `${file}.${ext}`)).find(existsSync);
    if (!handlerFile || !handlerExport) {
      throw new Error(`${logicalId}: no file for Handler ${String(props.Handler)} in ${bundleDir}`);
    }
    const variables =
      (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    const environment = Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [
        name,
        resolveValue(value, ids, `${logicalId} environment ${name}`),
      ]),
    );
    functions[id] = {
      id,
      logicalId,
      name: resolveValue({ Ref: logicalId }, ids, logicalId),
      arn: resolveValue({ 'Fn::GetAtt': [logicalId, 'Arn'] }, ids, logicalId),
      bundleDir,
      handlerFile,
      handlerExport,
      environment,
    };
  }
  const missing = expected.filter((id) => !functions[id]);
  if (missing.length > 0) throw new Error(`the template lacks functions: ${missing.join(', ')}`);

  const [machineId, machine] = stateMachineOf(template, organization);
  const text = resolveValue(machine.Properties?.DefinitionString, ids, `${machineId} DefinitionString`);
  const substitutions = Object.fromEntries(
    Object.entries((machine.Properties?.DefinitionSubstitutions ?? {}) as Record<string, unknown>).map(
      ([name, value]) => [name, resolveValue(value, ids, `${machineId} DefinitionSubstitutions.${name}`)],
    ),
  );
  const [, table] = onlyResource(template, 'AWS::DynamoDB::Table');
  const keySchema = (table.Properties?.KeySchema ?? []) as { AttributeName: string; KeyType: string }[];
  const hash = keySchema.find((key) => key.KeyType === 'HASH')?.AttributeName;
  if (!hash) throw new Error('the table has no HASH key');
  return {
    template,
    functions,
    definition: resolveAsl(substitutions, text),
    stateMachineArn: resolveValue({ Ref: machineId }, ids, machineId),
    tablePartitionKey: hash,
  };
}
