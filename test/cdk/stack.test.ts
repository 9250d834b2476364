/**
 * Template assertions on the credsweep stack: what is deployed, the workflow definition with every
 * substitution resolved, least privilege per function, and the settings a reviewer checks.
 * The main stack is built once, with bundling (so every handler entry is proven to bundle).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_FUNCTION_IDS, type FunctionId, functionGrants } from '../../handlers/aws/permissions.js';
import { awsEnvSchema, ORGANIZATION_ENV } from '../../handlers/aws/ports.js';
import { PASSWORD_SECRET_PREFIX } from '../../handlers/core/shared/defaults.js';
import { ASL_PATH, WORKFLOW_TIMING } from '../../infra/parts/workflow.js';
import { EXPECTED_GRANTS, expand } from '../policy/expected-grants.js';
import { allowed, namesOf } from '../policy/role-grants.js';
import { type CfnTemplate, functionRoles, testEnvironment } from '../policy/roles.js';
import {
  type Built,
  buildStack,
  type CfnResource,
  logicalIdStartingWith,
  prop,
  resourcesOf,
  roleOf,
  type Statement,
  statementsByRole,
} from './synth.js';

const CONTEXT = {
  approverEmails: 'alice@example.com, bob@example.net',
  senderEmail: 'credsweep@example.org',
  thresholdDays: '45',
  approvalTimeoutHours: 48,
  maxCredentials: '120',
  batchSize: 10,
  mapMaxConcurrency: 3,
  schedule: 'cron(0 6 ? * MON *)',
  exemptUsers: 'breakglass',
  alarmEmail: 'secops@example.com',
  logRetentionDays: 90,
  securityHubActions: 'true',
};

const TASK_FUNCTIONS = [
  'GenerateReport',
  'Analyze',
  'RequestApproval',
  'DisableConsole',
  'DeactivateKeys',
  'DeleteKeys',
  'Verify',
  'Backout',
  'Report',
];

const USERS_ARN = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':user/*']],
};

/** What CDK gives every function's role besides its declared permissions: its log group, X-Ray. */
const BASELINE = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
];

/** IAM actions that change something, by verb. */
const MUTATING_IAM =
  /^iam:(Add|Attach|Change|Create|Deactivate|Delete|Detach|Enable|Pass|Put|Remove|Reset|Resync|Set|Tag|Untag|Update|Upload)/;

/** The only actions any statement may allow on Resource "*" (none of them changes anything). */
const WILDCARD_RESOURCE_ALLOWED = new Set([
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
  'iam:GetAccountPasswordPolicy',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

const getAtt = (value: unknown): string | undefined =>
  (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];

type State = Record<string, unknown> & { Type: string };

/** Every state of the definition, Map item processors included. */
function allStates(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([name, state]) => {
    const inner = (state.ItemProcessor ?? state.Iterator) as { States: Record<string, State> } | undefined;
    return [[name, state] as [string, State], ...(inner ? allStates(inner.States) : [])];
  });
}

/** The DefinitionString's text: a plain string, or the string parts of an Fn::Join. */
function definitionText(definition: unknown): string {
  if (typeof definition === 'string') return definition;
  const join = (definition as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) throw new Error(`Unexpected DefinitionString: ${JSON.stringify(definition).slice(0, 200)}`);
  return join[1]
    .map((part) => {
      if (typeof part !== 'string') throw new Error(`Token inside the definition: ${JSON.stringify(part)}`);
      return part;
    })
    .join(join[0]);
}

describe('credsweep stack', () => {
  let built: Built;
  let template: Template;
  let byRole: Map<string, Statement[]>;
  let substitutions: Record<string, unknown>;
  let definition: { States: Record<string, State> };

  beforeAll(() => {
    built = buildStack(CONTEXT, { bundle: true });
    template = built.template;
    byRole = statementsByRole(template);
    const machine = Object.values(resourcesOf(template, 'AWS::StepFunctions::StateMachine'))[0];
    substitutions = machine?.Properties?.DefinitionSubstitutions as Record<string, unknown>;
    // Resolve the substitutions as CloudFormation will: ARNs become the GetAtt's logical id.
    const text = definitionText(machine?.Properties?.DefinitionString).replace(
      /\$\{([A-Za-z0-9]+)\}/g,
      (_, key: string) => {
        const value = substitutions[key];
        if (typeof value === 'string') return value;
        if (JSON.stringify(value) === '{"Ref":"AWS::Partition"}') return 'PARTITION';
        const id = getAtt(value);
        if (!id) throw new Error(`Substitution ${key} is neither a value nor a GetAtt`);
        return `GETATT:${id}`;
      },
    );
    definition = JSON.parse(text) as { States: Record<string, State> };
    // Bundling eleven functions with esbuild takes a minute or more on a busy machine.
  }, 300_000);

  describe('resources', () => {
    it('deploys the expected resource set', () => {
      const counts: Record<string, number> = {
        'AWS::Lambda::Function': 11,
        'AWS::StepFunctions::StateMachine': 1,
        'AWS::DynamoDB::Table': 1,
        'AWS::S3::Bucket': 2,
        'AWS::SecretsManager::Secret': 1,
        'AWS::ApiGateway::RestApi': 1,
        'AWS::ApiGateway::Stage': 1,
        'AWS::ApiGateway::Method': 2,
        'AWS::ApiGateway::Resource': 2,
        'AWS::Logs::LogGroup': 13,
        'AWS::SecurityHub::ActionTarget': 1,
        'AWS::Events::Rule': 1,
        'AWS::SQS::Queue': 0,
        'AWS::Scheduler::Schedule': 1,
        // ExecutionsFailed, ExecutionsTimedOut and ExecutionsAborted of the state machine.
        'AWS::CloudWatch::Alarm': 3,
        'AWS::SNS::Topic': 1,
        'AWS::SNS::Subscription': 1,
        'AWS::KMS::Key': 1,
      };
      for (const [type, count] of Object.entries(counts)) template.resourceCountIs(type, count);
    });

    it('keeps the table and both buckets when the stack is deleted', () => {
      for (const type of ['AWS::DynamoDB::Table', 'AWS::S3::Bucket']) {
        for (const resource of Object.values(resourcesOf(template, type))) {
          expect(resource.DeletionPolicy).toBe('Retain');
          expect(resource.UpdateReplacePolicy).toBe('Retain');
        }
      }
    });

    it('names no partition in any ARN (aws-cn and aws-us-gov deploy it too)', () => {
      expect(JSON.stringify(template.toJSON())).not.toMatch(/arn:aws[a-z-]*:/);
      expect(readFileSync(ASL_PATH, 'utf8')).not.toMatch(/arn:aws[a-z-]*:/);
    });

    it('outputs what the CLI reads, the API URL without a trailing slash', () => {
      const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(Object.keys(outputs)).toEqual(
        expect.arrayContaining(['StateMachineArn', 'ApprovalApiUrl', 'BucketName', 'TableName']),
      );
      const url = outputs.ApprovalApiUrl?.Value as { 'Fn::Join': [string, unknown[]] };
      const parts = url['Fn::Join'][1];
      expect(parts[0]).toBe('https://');
      expect(parts.at(-1)).toBe('/v1');
    });
  });

  describe('functions', () => {
    const functions = () => resourcesOf(template, 'AWS::Lambda::Function');

    it('run Node.js 22 on arm64 with active tracing, JSON logs and source maps', () => {
      for (const fn of Object.values(functions())) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          TracingConfig: { Mode: 'Active' },
          LoggingConfig: { LogFormat: 'JSON' },
          Handler: 'index.handler',
        });
        const env = prop<{ Variables: Record<string, unknown> }>(fn, 'Environment').Variables;
        expect(env.NODE_OPTIONS).toBe('--enable-source-maps');
        expect(env.POWERTOOLS_SERVICE_NAME).toBe('credsweep');
      }
    });

    it('each log to their own log group with the configured retention', () => {
      const logGroups = resourcesOf(template, 'AWS::Logs::LogGroup');
      const used = Object.values(functions()).map(
        (fn) => prop<{ LogGroup: { Ref: string } }>(fn, 'LoggingConfig').LogGroup.Ref,
      );
      expect(new Set(used).size).toBe(11);
      for (const id of used) expect(logGroups[id]?.Properties?.RetentionInDays).toBe(90);
    });

    it('get every variable handlers/aws/ports.ts validates, with the configured values', () => {
      const apiUrl = (template.toJSON().Outputs as Record<string, { Value: unknown }>).ApprovalApiUrl?.Value;
      const starter = logicalIdStartingWith(template, 'AWS::Lambda::Function', 'SecurityHubStartFunction');
      // STATE_MACHINE_ARN only on the function that starts runs (the runs port needs it).
      const common = Object.keys(awsEnvSchema.shape).filter(
        (name) => name !== 'STATE_MACHINE_ARN' && !(ORGANIZATION_ENV as readonly string[]).includes(name),
      );
      for (const [id, fn] of Object.entries(functions())) {
        const env = prop<{ Variables: Record<string, unknown> }>(fn, 'Environment').Variables;
        expect(Object.keys(env)).toEqual(expect.arrayContaining(common));
        expect('STATE_MACHINE_ARN' in env, id).toBe(id === starter);
        // A single-account deployment sets none of the organization's variables.
        for (const name of ORGANIZATION_ENV) expect(Object.keys(env)).not.toContain(name);
        expect(env).toMatchObject({
          PASSWORD_SECRET_PREFIX,
          ACCOUNT_ID: { Ref: 'AWS::AccountId' },
          // The stack's own name: the commands a mail suggests add --stack when it is not Credsweep.
          STACK_NAME: { Ref: 'AWS::StackName' },
          APPROVER_EMAILS: 'alice@example.com,bob@example.net',
          SENDER_EMAIL: 'credsweep@example.org',
          APPROVAL_TIMEOUT_SECONDS: String(48 * 3600),
          THRESHOLD_DAYS: '45',
          MAX_CREDENTIALS: '120',
          BATCH_SIZE: '10',
          EXEMPT_USERS: 'breakglass',
          EXEMPT_TAG_KEY: 'credsweep:exempt',
          WARN_DAYS: '7',
          OWNER_TAG_KEY: 'credsweep:owner',
          CONSOLE_ACTION: 'disable',
          DELETE_AFTER_DAYS: 'off',
        });
        expect(env.APPROVAL_BASE_URL).toEqual(apiUrl);
      }
    });

    it('are bundled locally into one ES module each that loads in Node and exports handler', () => {
      const bundles = Object.entries(functions()).map(([id, fn]) => {
        const key = prop<{ S3Key: string }>(fn, 'Code').S3Key;
        const bundle = join(built.app.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
        expect(existsSync(bundle), `${id}: ${bundle}`).toBe(true);
        return bundle;
      });
      // Load them in a plain Node process, as Lambda does (not through the test runner's transform).
      const probe = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          'for (const f of process.argv.slice(1)) console.log(typeof (await import(f)).handler, f)',
          ...bundles.map((b) => pathToFileURL(b).href),
        ],
        { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
      );
      expect(probe.stderr).toBe('');
      expect(
        probe.stdout
          .trim()
          .split('\n')
          .map((line) => line.split(' ')[0]),
      ).toEqual(bundles.map(() => 'function'));
    });

    it('time out before the state that invokes them does', () => {
      const fns = functions();
      for (const [name, state] of allStates(definition.States)) {
        if (state.Type !== 'Task') continue;
        const target = String(
          state.Resource === 'arn:PARTITION:states:::lambda:invoke.waitForTaskToken'
            ? (state.Parameters as { FunctionName: string }).FunctionName
            : state.Resource,
        );
        const fn = fns[target.replace('GETATT:', '')];
        expect(fn, `${name} -> ${target}`).toBeDefined();
        expect(Number(fn?.Properties?.Timeout), name).toBeLessThan(Number(state.TimeoutSeconds));
      }
    });
  });

  describe('state machine', () => {
    it('is a Standard workflow logging ALL events without execution data, traced, with log retention', () => {
      const machine = Object.values(resourcesOf(template, 'AWS::StepFunctions::StateMachine'))[0];
      expect(machine?.Properties).toMatchObject({
        StateMachineType: 'STANDARD',
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
        TracingConfiguration: { Enabled: true },
      });
      const destinations = prop<{ Destinations: unknown[] }>(machine, 'LoggingConfiguration').Destinations;
      const logGroupId = getAtt(
        (destinations[0] as { CloudWatchLogsLogGroup: { LogGroupArn: unknown } }).CloudWatchLogsLogGroup
          .LogGroupArn,
      );
      expect(
        resourcesOf(template, 'AWS::Logs::LogGroup')[logGroupId ?? '']?.Properties?.RetentionInDays,
      ).toBe(90);
    });

    it('has a substitution for every placeholder of the ASL file, and no other', () => {
      const placeholders = new Set(
        [...readFileSync(ASL_PATH, 'utf8').matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]),
      );
      expect(placeholders.size).toBeGreaterThan(0);
      expect(new Set(Object.keys(substitutions))).toEqual(placeholders);
    });

    it('resolves each *FunctionArn to the Arn of the function of that name', () => {
      const functions = resourcesOf(template, 'AWS::Lambda::Function');
      const arnKeys = Object.keys(substitutions).filter((key) => key.endsWith('FunctionArn'));
      expect(arnKeys.map((key) => key.replace(/Arn$/, '')).sort()).toEqual(
        TASK_FUNCTIONS.map((name) => `${name}Function`).sort(),
      );
      for (const key of arnKeys) {
        const value = substitutions[key] as { 'Fn::GetAtt': [string, string] };
        expect(value['Fn::GetAtt'][1]).toBe('Arn');
        const id = value['Fn::GetAtt'][0];
        expect(id).toMatch(new RegExp(`^${key.replace(/Arn$/, '')}[0-9A-F]{8}$`));
        expect(functions[id]?.Type).toBe('AWS::Lambda::Function');
      }
    });

    it('substitutes the numbers as configured', () => {
      expect(substitutions).toMatchObject({
        ApprovalTimeoutSeconds: String(48 * 3600),
        MapMaxConcurrency: '3',
        ReportPollSeconds: String(WORKFLOW_TIMING.reportPollSeconds),
        ReportPollMaxAttempts: String(WORKFLOW_TIMING.reportPollMaxAttempts),
        RetryIntervalSeconds: String(WORKFLOW_TIMING.retryIntervalSeconds),
      });
    });

    it('parses, once substituted, into the workflow with the configured values in place', () => {
      const states = Object.fromEntries(allStates(definition.States));
      const request = states.RequestApproval as State & { Parameters: { FunctionName: string } };
      expect(request.TimeoutSeconds).toBe(48 * 3600);
      expect(request.Parameters.FunctionName).toBe(
        `GETATT:${logicalIdStartingWith(template, 'AWS::Lambda::Function', 'RequestApprovalFunction')}`,
      );
      expect(states.ApplyBatches?.MaxConcurrency).toBe(3);
      expect(states.WaitForReport?.Seconds).toBe(WORKFLOW_TIMING.reportPollSeconds);
      expect(states.DisableConsoleAccess?.Resource).toBe(
        `GETATT:${logicalIdStartingWith(template, 'AWS::Lambda::Function', 'DisableConsoleFunction')}`,
      );
      expect(states.Backout?.Resource).toBe(
        `GETATT:${logicalIdStartingWith(template, 'AWS::Lambda::Function', 'BackoutFunction')}`,
      );
    });

    it('may invoke exactly the nine task functions, and nothing else', () => {
      const machine = Object.values(resourcesOf(template, 'AWS::StepFunctions::StateMachine'))[0];
      const role = getAtt(machine?.Properties?.RoleArn) ?? '';
      const invoke = (byRole.get(role) ?? []).filter((s) => s.actions.some((a) => a.startsWith('lambda:')));
      expect(invoke).toHaveLength(1);
      expect(invoke[0]?.actions).toEqual(['lambda:InvokeFunction']);
      const targets = (invoke[0]?.resources ?? []).map((r) => getAtt(r) ?? JSON.stringify(r)).sort();
      expect(targets).toEqual(
        TASK_FUNCTIONS.map((name) =>
          logicalIdStartingWith(template, 'AWS::Lambda::Function', `${name}Function`),
        ).sort(),
      );
    });

    it('starts on the configured schedule with input {}, through a role that may start only it', () => {
      const machineId = Object.keys(resourcesOf(template, 'AWS::StepFunctions::StateMachine'))[0];
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 6 ? * MON *)',
        Target: { Arn: { Ref: machineId }, Input: '{}' },
      });
      const schedule = Object.values(resourcesOf(template, 'AWS::Scheduler::Schedule'))[0];
      const role = getAtt(prop<{ RoleArn: unknown }>(schedule, 'Target').RoleArn) ?? '';
      expect(byRole.get(role)?.map((s) => [s.effect, s.actions, s.resources])).toEqual([
        ['Allow', ['states:StartExecution'], [{ Ref: machineId }]],
      ]);
    });
  });

  describe('Security Hub', () => {
    it("adds the custom action within Security Hub's limits (Id 20 alphanumerics, Name 20 characters)", () => {
      const action = Object.values(resourcesOf(template, 'AWS::SecurityHub::ActionTarget'))[0];
      expect(action?.Properties).toMatchObject({ Name: 'Disable w/ credsweep' });
      // Unique per construct (two credsweep constructs in one account and Region do not collide).
      expect(prop<string>(action, 'Id')).toMatch(/^Credsweep[0-9a-f]{11}$/);
      expect(prop<string>(action, 'Id')).toMatch(/^[A-Za-z0-9]{1,20}$/);
      expect(prop<string>(action, 'Name').length).toBeLessThanOrEqual(20);
      expect(prop<string>(action, 'Description')).toContain('Disable with credsweep');
    });

    it('starts the state machine from the custom action, through a function that may start only it', () => {
      const actionId = Object.keys(resourcesOf(template, 'AWS::SecurityHub::ActionTarget'))[0];
      const machineId = Object.keys(resourcesOf(template, 'AWS::StepFunctions::StateMachine'))[0];
      const starter = logicalIdStartingWith(template, 'AWS::Lambda::Function', 'SecurityHubStartFunction');
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.securityhub'],
          'detail-type': ['Security Hub Findings - Custom Action'],
          resources: [{ 'Fn::GetAtt': [actionId, 'ActionTargetArn'] }],
        },
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [starter, 'Arn'] } })],
      });
      const env = prop<{ Variables: Record<string, unknown> }>(
        resourcesOf(template, 'AWS::Lambda::Function')[starter],
        'Environment',
      ).Variables;
      expect(env).toMatchObject({
        STATE_MACHINE_ARN: { Ref: machineId },
        ACCOUNT_ID: { Ref: 'AWS::AccountId' },
      });
      const statements = byRole.get(roleOf(template, 'SecurityHubStart')) ?? [];
      expect(
        statements.filter((s) => s.actions.includes('states:StartExecution')).map((s) => s.resources),
      ).toEqual([[{ Ref: machineId }]]);
    });

    it("reads and updates findings of this account's hub only", () => {
      for (const name of ['RequestApproval', 'Report']) {
        const hub = (byRole.get(roleOf(template, name)) ?? []).filter((s) =>
          s.actions.some((a) => a.startsWith('securityhub:')),
        );
        expect(
          hub.map((s) => [s.actions.sort(), s.resources]),
          name,
        ).toEqual([
          [
            ['securityhub:BatchUpdateFindings', 'securityhub:GetFindings'],
            [
              {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':securityhub:',
                    { Ref: 'AWS::Region' },
                    ':',
                    { Ref: 'AWS::AccountId' },
                    ':hub/default',
                  ],
                ],
              },
            ],
          ],
        ]);
      }
    });
  });

  describe('least privilege', () => {
    it('grants each function exactly the actions and resources written out for it from the Service Authorization Reference', () => {
      // test/policy/expected-grants.ts, not the declarations the stack is built from.
      const cfn = template.toJSON() as CfnTemplate;
      const env = testEnvironment(cfn);
      const names = namesOf(cfn, env, {
        identities: [
          'alice@example.com',
          'bob@example.net',
          'credsweep@example.org',
          'example.com',
          'example.net',
          'example.org',
        ],
      });
      const roles = functionRoles(cfn, env);
      expect(roles.map((r) => r.functionId).sort()).toEqual([...ACCOUNT_FUNCTION_IDS].sort());
      for (const role of roles) {
        expect(allowed(role), role.functionId).toEqual(
          expand(EXPECTED_GRANTS[role.functionId as FunctionId], names, false),
        );
      }
    });

    it('grants each function what its AWS declaration needs (handlers/aws/permissions.ts), nothing more', () => {
      // A second check, against the declarations; the declarations themselves are checked against
      // the calls the code makes by test/policy/ and test/emulator/.
      for (const name of ACCOUNT_FUNCTION_IDS) {
        const allowed = (byRole.get(roleOf(template, name)) ?? [])
          .filter((s) => s.effect === 'Allow')
          .flatMap((s) => s.actions);
        expect(new Set(allowed), name).toEqual(
          new Set([...BASELINE, ...functionGrants(name).map((g) => g.action)]),
        );
      }
    });

    it('scopes IAM user changes to the account users, and denies them on exempt users by tag and name and on break-glass users', () => {
      const changing = ACCOUNT_FUNCTION_IDS.filter((id) =>
        functionGrants(id).some((g) => g.resource === 'iam-user-change'),
      );
      expect(changing.sort()).toEqual(['Backout', 'DeactivateKeys', 'DeleteKeys', 'DisableConsole']);
      for (const name of changing) {
        const statements = byRole.get(roleOf(template, name)) ?? [];
        const changes = functionGrants(name)
          .filter((g) => g.resource === 'iam-user-change')
          .map((g): string => g.action)
          .sort();
        const allows = statements.filter(
          (s) => s.effect === 'Allow' && s.actions.some((a) => changes.includes(a)),
        );
        for (const s of allows) expect(s.resources, name).toEqual([USERS_ARN]);
        const denies = statements.filter((s) => s.effect === 'Deny');
        expect(denies, name).toContainEqual({
          sid: 'DenyChangesToExemptUsers',
          effect: 'Deny',
          actions: changes,
          resources: [USERS_ARN],
          condition: { StringEqualsIgnoreCase: { 'iam:ResourceTag/credsweep:exempt': 'true' } },
        });
        expect(denies, name).toContainEqual({
          sid: 'DenyChangesToBreakGlassUsers',
          effect: 'Deny',
          actions: changes,
          resources: [USERS_ARN],
          condition: {
            Null: { 'iam:ResourceTag/credsweep:break-glass': 'false' },
            StringNotEqualsIgnoreCase: { 'iam:ResourceTag/credsweep:break-glass': ['false', ''] },
          },
        });
        const byName = denies.find((s) => s.sid === 'DenyChangesToExemptUserNames');
        expect(byName?.actions).toEqual(changes);
        expect(JSON.stringify(byName?.resources)).toContain(':user/breakglass');
        expect(JSON.stringify(byName?.resources)).toContain(':user/*/breakglass');
      }
      const withDeny = [...byRole.values()].filter((s) =>
        s.some((x) => x.sid === 'DenyChangesToExemptUsers'),
      );
      expect(withDeny).toHaveLength(changing.length);
    });

    it('allows no mutating IAM action, and no action wildcard, on Resource "*"', () => {
      for (const [role, statements] of byRole) {
        for (const s of statements.filter((x) => x.effect === 'Allow')) {
          for (const action of s.actions) expect(action, role).not.toContain('*');
          if (!s.resources.includes('*')) continue;
          for (const action of s.actions) {
            expect(action, role).not.toMatch(MUTATING_IAM);
            expect(WILDCARD_RESOURCE_ALLOWED.has(action), `${role}: ${action} on "*"`).toBe(true);
          }
        }
      }
    });

    it('lets only the approval function answer task tokens, of this state machine only', () => {
      const machineId = Object.keys(resourcesOf(template, 'AWS::StepFunctions::StateMachine'))[0];
      const answering = [...byRole].filter(([, statements]) =>
        statements.some((s) => s.actions.includes('states:SendTaskSuccess')),
      );
      expect(answering.map(([role]) => role)).toEqual([roleOf(template, 'ApprovalApi')]);
      const grant = answering[0]?.[1].find((s) => s.actions.includes('states:SendTaskSuccess'));
      expect(grant?.resources).toEqual([{ Ref: machineId }]);
    });

    it('lets backout store passwords only under the restored-password prefix', () => {
      const statement = byRole
        .get(roleOf(template, 'Backout'))
        ?.find((s) => s.actions.includes('secretsmanager:CreateSecret'));
      expect(JSON.stringify(statement?.resources)).toContain(`:secret:${PASSWORD_SECRET_PREFIX}*`);
    });

    it('keeps every table statement to one partition-key prefix, the approval function to approvals', () => {
      for (const name of ACCOUNT_FUNCTION_IDS) {
        const table = (byRole.get(roleOf(template, name)) ?? []).filter((s) =>
          s.actions.some((a) => a.startsWith('dynamodb:')),
        );
        for (const s of table) {
          // The delete stage's look-up by key id: a read of the index only, never of its items' table.
          if (JSON.stringify(s.resources).includes('/index/')) {
            expect(s.actions, `${name} ${s.sid}`).toEqual(['dynamodb:Query']);
            expect(JSON.stringify(s.resources)).toMatch(/"\/index\/byAccessKey"\]/);
            continue;
          }
          const prefixes = s.condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
          expect(prefixes, `${name} ${s.sid}`).toHaveLength(1);
        }
        if (name !== 'ApprovalApi') continue;
        expect(table.map((s) => s.condition)).toEqual([
          { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['APPROVAL#*'] } },
        ]);
      }
    });

    it('sends mail only from and to the configured identities', () => {
      for (const name of ['RequestApproval', 'Report']) {
        const mail = byRole.get(roleOf(template, name))?.find((s) => s.sid === 'SendMail');
        const identities = JSON.stringify(mail?.resources);
        for (const identity of [
          'credsweep@example.org',
          'example.org',
          'alice@example.com',
          'bob@example.net',
        ]) {
          expect(identities).toContain(`:identity/${identity}"`);
        }
        expect(identities).not.toContain('identity/*');
      }
    });
  });

  describe('approval API', () => {
    it('has only GET and POST /approvals/{id}, proxied to the approval function, parameters validated', () => {
      const paths = Object.values(resourcesOf(template, 'AWS::ApiGateway::Resource')).map(
        (r) => r.Properties?.PathPart,
      );
      expect(paths.sort()).toEqual(['approvals', '{id}']);
      const methods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'));
      expect(methods.map((m) => m.Properties?.HttpMethod).sort()).toEqual(['GET', 'POST']);
      const fnId = logicalIdStartingWith(template, 'AWS::Lambda::Function', 'ApprovalApiFunction');
      const validators = resourcesOf(template, 'AWS::ApiGateway::RequestValidator');
      const [validatorId, validator] = Object.entries(validators)[0] ?? [];
      expect(validator?.Properties).toMatchObject({ ValidateRequestParameters: true });
      for (const method of methods) {
        expect(method.Properties).toMatchObject({
          AuthorizationType: 'NONE',
          RequestParameters: { 'method.request.path.id': true },
          RequestValidatorId: { Ref: validatorId },
          Integration: { Type: 'AWS_PROXY' },
        });
        expect(JSON.stringify(method.Properties?.Integration)).toContain(fnId);
      }
    });

    it('throttles the stage and access-logs every request, never the query string', () => {
      const stage = Object.values(resourcesOf(template, 'AWS::ApiGateway::Stage'))[0] as CfnResource;
      expect(stage.Properties).toMatchObject({
        StageName: 'v1',
        // API Gateway's trace segment would record the URL with the link secret in its query string.
        TracingEnabled: false,
        MethodSettings: [
          {
            HttpMethod: '*',
            ResourcePath: '/*',
            ThrottlingBurstLimit: 20,
            ThrottlingRateLimit: 5,
            DataTraceEnabled: false,
            LoggingLevel: 'OFF',
          },
        ],
      });
      const accessLog = stage.Properties?.AccessLogSetting as { DestinationArn: unknown; Format: string };
      expect(JSON.stringify(accessLog.DestinationArn)).toMatch(/ApprovalAccessLogs/);
      const format = JSON.parse(accessLog.Format) as Record<string, string>;
      expect(format.requestId).toBe('$context.requestId');
      expect(format.resourcePath).toBe('$context.resourcePath');
      expect(accessLog.Format).not.toMatch(/\$context\.path|querystring|\$input/i);
    });
  });

  describe('data', () => {
    it('keeps approvals and the ledger in one on-demand table with PITR, TTL and encryption', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'accessKeyId', AttributeType: 'S' },
          { AttributeName: 'recordedAt', AttributeType: 'S' },
        ],
        // The delete stage's lookup of ledger entries by access key (docs/lifecycle.md).
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byAccessKey',
            KeySchema: [
              { AttributeName: 'accessKeyId', KeyType: 'HASH' },
              { AttributeName: 'recordedAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      });
    });

    it('blocks public access, encrypts, and refuses plain HTTP on both buckets', () => {
      const buckets = resourcesOf(template, 'AWS::S3::Bucket');
      for (const bucket of Object.values(buckets)) {
        expect(bucket.Properties).toMatchObject({
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
            ],
          },
        });
      }
      const policies = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy'));
      const secured = policies
        .filter((p) =>
          prop<{ Statement: Record<string, unknown>[] }>(p, 'PolicyDocument').Statement.some(
            (s) =>
              s.Effect === 'Deny' &&
              JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
          ),
        )
        .map((p) => prop<{ Ref: string }>(p, 'Bucket').Ref);
      expect(secured.sort()).toEqual(Object.keys(buckets).sort());
    });

    it('versions the data bucket, expires old versions after 90 days and logs access to the logs bucket', () => {
      const logsBucket = logicalIdStartingWith(template, 'AWS::S3::Bucket', 'AccessLogsBucket');
      template.hasResourceProperties('AWS::S3::Bucket', {
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 90 } })]),
        },
        LoggingConfiguration: { DestinationBucketName: { Ref: logsBucket } },
      });
    });
  });

  describe('alarm', () => {
    it('alarms on one failed execution to an encrypted topic with the email subscription', () => {
      const machineId = Object.keys(resourcesOf(template, 'AWS::StepFunctions::StateMachine'))[0];
      const topicId = Object.keys(resourcesOf(template, 'AWS::SNS::Topic'))[0];
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: 'ExecutionsFailed',
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: machineId } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: topicId }],
      });
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'secops@example.com',
      });
    });
  });
});

describe('credsweep stack with the optional features off', () => {
  let template: Template;

  beforeAll(() => {
    template = buildStack({ exemptTagKey: 'security:keep' }, { bundle: false }).template;
  });

  it('has no schedule and no email subscription', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
  });

  it('deploys where Security Hub is off: no custom action, rule or start function unless asked for', () => {
    template.resourceCountIs('AWS::SecurityHub::ActionTarget', 0);
    template.resourceCountIs('AWS::Events::Rule', 0);
    expect(
      Object.keys(resourcesOf(template, 'AWS::Lambda::Function')).filter((id) =>
        id.startsWith('SecurityHubStart'),
      ),
    ).toEqual([]);
  });

  it('alarms on failed, timed-out and aborted runs', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metric,
      });
    }
  });

  it('denies changes by the configured exempt tag key, and has no deny by name without exempt users', () => {
    const statements = [...statementsByRole(template).values()].flat();
    const denies = statements.filter((s) => s.effect === 'Deny');
    expect(denies.filter((s) => s.sid === 'DenyChangesToExemptUserNames')).toHaveLength(0);
    // One per function that changes users: disable console, deactivate keys, delete keys, backout.
    const byTag = denies.filter((s) => s.sid === 'DenyChangesToExemptUsers');
    expect(byTag).toHaveLength(4);
    for (const s of byTag) {
      expect(s.condition).toEqual({ StringEqualsIgnoreCase: { 'iam:ResourceTag/security:keep': 'true' } });
    }
    const breakGlass = denies.filter((s) => s.sid === 'DenyChangesToBreakGlassUsers');
    expect(breakGlass).toHaveLength(4);
    for (const s of breakGlass) {
      expect(s.condition).toEqual({
        Null: { 'iam:ResourceTag/credsweep:break-glass': 'false' },
        StringNotEqualsIgnoreCase: { 'iam:ResourceTag/credsweep:break-glass': ['false', ''] },
      });
    }
    // Each role denies on break-glass users exactly the changes it denies on exempt users.
    expect(breakGlass.map((s) => [...s.actions].sort())).toEqual(byTag.map((s) => [...s.actions].sort()));
    expect(breakGlass.flatMap((s) => s.actions)).toEqual(
      expect.arrayContaining(['iam:DeleteAccessKey', 'iam:UpdateLoginProfile']),
    );
  });

  it('uses the default numbers in the workflow and the functions', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionSubstitutions: Match.objectLike({
        ApprovalTimeoutSeconds: String(72 * 3600),
        MapMaxConcurrency: '2',
      }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          THRESHOLD_DAYS: '30',
          MAX_CREDENTIALS: '50',
          BATCH_SIZE: '25',
          EXEMPT_USERS: '',
        }),
      },
    });
  });
});

describe('credsweep stack with securityHubAutoStart', () => {
  let template: Template;

  beforeAll(() => {
    template = buildStack({ securityHubAutoStart: 'true' }, { bundle: false }).template;
  });

  it('queues new failing IAM.8 / IAM.22 findings and starts one run per batching window of 5 minutes', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    const queue = Object.keys(queues).find((id) => id.includes('AutoStartQueue')) ?? '';
    const deadLetters = Object.keys(queues).find((id) => id.includes('AutoStartDeadLetters')) ?? '';
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.securityhub'],
        'detail-type': ['Security Hub Findings - Imported'],
        detail: {
          findings: {
            AwsAccountId: [{ Ref: 'AWS::AccountId' }],
            Workflow: { Status: ['NEW'] },
            RecordState: ['ACTIVE'],
            Resources: { Type: ['AwsIamUser'] },
            $or: [
              { Compliance: { Status: ['FAILED'], SecurityControlId: ['IAM.8', 'IAM.22'] } },
              {
                Compliance: { Status: ['FAILED'] },
                GeneratorId: [
                  'aws-foundational-security-best-practices/v/1.0.0/IAM.8',
                  'pci-dss/v/3.2.1/PCI.IAM.7',
                  'nist-800-53/v/5.0.0/IAM.8',
                  'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.3',
                  'cis-aws-foundations-benchmark/v/1.4.0/1.12',
                  'cis-aws-foundations-benchmark/v/3.0.0/1.12',
                ],
              },
            ],
          },
        },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [queue, 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters, 'Arn'] }, maxReceiveCount: 3 },
    });
    const starter = logicalIdStartingWith(template, 'AWS::Lambda::Function', 'SecurityHubStartFunction');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      FunctionName: { Ref: starter },
      BatchSize: 10000,
      MaximumBatchingWindowInSeconds: 300,
    });
    // Beyond its declared states:StartExecution, the start function's role gets only what Lambda's
    // poller needs to read this one queue (added by the event source, not by credsweep's code).
    const statements = statementsByRole(template).get(roleOf(template, 'SecurityHubStart')) ?? [];
    const sqs = statements.filter((s) => s.actions.some((a) => a.startsWith('sqs:')));
    expect(sqs.map((s) => s.resources)).toEqual([[{ 'Fn::GetAtt': [queue, 'Arn'] }]]);
    expect(sqs.flatMap((s) => s.actions).sort()).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ]);
  });
});
