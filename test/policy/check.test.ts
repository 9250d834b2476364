/**
 * The policy check itself (test/policy/check.ts): it allows the calls the functions make, and it
 * catches what it exists to catch — a dropped action, a call on an exempt user, a wrong partition
 * key prefix, a grant nobody uses. The calls here are written by hand in the shape the emulator's
 * recorder produces; the emulator suite (test/emulator) runs the same check on its recording.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_FUNCTION_IDS } from '../../handlers/aws/permissions.js';
import { buildStack, REQUIRED_CONTEXT } from '../cdk/synth.js';
import { checkCalls, type PolicyProblem, taskCallbackDecision } from './check.js';
import { BASELINE_UNEXERCISED, mailAlternatives } from './expected.js';
import type { RecordedCall } from './recorded-call.js';
import { securityHubArn } from './recorder.js';
import { type CfnTemplate, functionRoles, TEST, testEnvironment } from './roles.js';

let template: CfnTemplate;

beforeAll(() => {
  const built: Template = buildStack(
    { exemptUsers: 'breakglass', securityHubActions: 'true' },
    { bundle: false },
  ).template;
  template = built.toJSON() as CfnTemplate;
}, 120_000);

const env = () => testEnvironment(template);
/** The test ARN of the resource whose logical id starts with `prefix`. */
function arnOf(prefix: string): string {
  const [, attr] = Object.entries(env().attr).find(([id]) => id.startsWith(prefix)) ?? [];
  if (!attr?.Arn) throw new Error(`no resource ${prefix}*`);
  return attr.Arn;
}
const user = (name: string) => `arn:${TEST.partition}:iam::${TEST.account}:user/${name}`;
const call = (
  functionId: string,
  action: string,
  resource: string,
  context: RecordedCall['context'] = {},
): RecordedCall => ({ functionId, action, resource, context });

/** What DeactivateKeys sends for one key (as the recorder would record it). */
function deactivateKeysCalls(): RecordedCall[] {
  const table = arnOf('Table');
  const bucket = arnOf('DataBucket');
  return [
    call('DeactivateKeys', 'dynamodb:GetItem', table, { 'dynamodb:LeadingKeys': ['APPROVAL#a1'] }),
    call('DeactivateKeys', 's3:GetObject', `${bucket}/runs/run-1/batches/0000.json`),
    call('DeactivateKeys', 'iam:GetUser', user('ann'), { 'iam:ResourceTag/team': 'x' }),
    call('DeactivateKeys', 'iam:ListAccessKeys', user('ann')),
    call('DeactivateKeys', 'iam:GetAccessKeyLastUsed', user('ann')),
    call('DeactivateKeys', 'dynamodb:PutItem', table, { 'dynamodb:LeadingKeys': ['LEDGER#run-1'] }),
    call('DeactivateKeys', 'dynamodb:GetItem', table, { 'dynamodb:LeadingKeys': ['LEDGER#run-1'] }),
    call('DeactivateKeys', 'iam:UpdateAccessKey', user('ann'), { 'iam:ResourceTag/team': 'x' }),
  ];
}

/** Only DeactivateKeys' problems (the other functions made no calls here). */
async function problemsOfDeactivateKeys(calls: RecordedCall[], t = template): Promise<PolicyProblem[]> {
  const problems = await checkCalls(t, calls, { unexercisedAllowed: BASELINE_UNEXERCISED });
  return problems.filter((p) => p.functionId === 'DeactivateKeys');
}

describe('checkCalls', () => {
  it('resolves every intrinsic of every function role into plain policy JSON', () => {
    const roles = functionRoles(template, env());
    expect(roles.map((r) => r.functionId).sort()).toEqual([...ACCOUNT_FUNCTION_IDS].sort());
    const text = JSON.stringify(roles);
    expect(text).not.toMatch(/"(Ref|Fn::[A-Za-z]+)"/);
    expect(text).toContain(`arn:aws:iam::${TEST.account}:user/*`);
  });

  it('allows what DeactivateKeys sends, and finds nothing granted that it does not send', async () => {
    expect(await problemsOfDeactivateKeys(deactivateKeysCalls())).toEqual([]);
  });

  it('names the action when the role is edited to drop it', async () => {
    // Prepare: the synthesized template with iam:GetAccessKeyLastUsed removed from DeactivateKeys' role.
    const edited = structuredClone(template);
    const [roleId] = functionRoles(edited, env())
      .filter((r) => r.functionId === 'DeactivateKeys')
      .map((r) => r.roleLogicalId);
    for (const resource of Object.values(edited.Resources)) {
      if (resource.Type !== 'AWS::IAM::Policy') continue;
      if (!((resource.Properties?.Roles ?? []) as { Ref: string }[]).some((r) => r.Ref === roleId)) continue;
      const doc = resource.Properties?.PolicyDocument as { Statement: { Action: string | string[] }[] };
      for (const statement of doc.Statement) {
        const actions = [statement.Action].flat().filter((a) => a !== 'iam:GetAccessKeyLastUsed');
        statement.Action = actions.length === 1 ? (actions[0] as string) : actions;
      }
    }

    // Act
    const problems = await problemsOfDeactivateKeys(deactivateKeysCalls(), edited);

    // Assess
    expect(problems.map((p) => p.message)).toEqual([
      `DeactivateKeys is denied iam:GetAccessKeyLastUsed on ${user('ann')} (ImplicitlyDenied)`,
    ]);
  });

  it('reports a change to a user tagged exempt as denied by the Deny, any case of "true"', async () => {
    const calls = [
      ...deactivateKeysCalls(),
      call('DeactivateKeys', 'iam:UpdateAccessKey', user('keep'), {
        'iam:ResourceTag/credsweep:exempt': 'True',
      }),
    ];
    const problems = await problemsOfDeactivateKeys(calls);
    expect(problems.map((p) => p.message)).toEqual([
      `DeactivateKeys is denied iam:UpdateAccessKey on ${user('keep')} with {"iam:ResourceTag/credsweep:exempt":"True"} (ExplicitlyDenied)`,
    ]);
  });

  it('reports a change to a user named in exemptUsers as denied, even under a path', async () => {
    const problems = await problemsOfDeactivateKeys([
      ...deactivateKeysCalls(),
      call('DeactivateKeys', 'iam:UpdateAccessKey', user('ops/breakglass')),
    ]);
    expect(problems.map((p) => p.kind)).toEqual(['denied']);
  });

  it('reports a table item outside the function’s partition-key prefix', async () => {
    const table = arnOf('Table');
    const problems = await problemsOfDeactivateKeys([
      ...deactivateKeysCalls(),
      // Writing an approval record: the record that authorises its own changes.
      call('DeactivateKeys', 'dynamodb:PutItem', table, { 'dynamodb:LeadingKeys': ['APPROVAL#a1'] }),
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      `DeactivateKeys is denied dynamodb:PutItem on ${table} with {"dynamodb:LeadingKeys":["APPROVAL#a1"]} (ImplicitlyDenied)`,
    ]);
  });

  it('reports a granted action no call exercised, unless allowed with a reason', async () => {
    const withoutLastUsed = deactivateKeysCalls().filter((c) => c.action !== 'iam:GetAccessKeyLastUsed');
    expect((await problemsOfDeactivateKeys(withoutLastUsed)).map((p) => p.message)).toEqual([
      `DeactivateKeys is granted iam:GetAccessKeyLastUsed on arn:aws:iam::${TEST.account}:user/*, but no recorded call of it needs that`,
    ]);
    const allowed = await checkCalls(template, withoutLastUsed, {
      unexercisedAllowed: [
        ...BASELINE_UNEXERCISED,
        { action: 'iam:GetAccessKeyLastUsed', functionId: 'DeactivateKeys', why: 'test' },
      ],
    });
    expect(allowed.filter((p) => p.functionId === 'DeactivateKeys')).toEqual([]);
  });

  it('reports an action granted on a second resource that no call touches, by resource', async () => {
    // Prepare: Report mails from the sender's address only; its role also names the approver's
    // address and both domains (the identities SES may authorize instead, or in its sandbox).
    const identity = (name: string) =>
      `arn:${TEST.partition}:ses:${TEST.region}:${TEST.account}:identity/${name}`;
    const calls = [call('Report', 'ses:SendEmail', identity('credsweep@example.org'))];

    // Act
    const unused = (await checkCalls(template, calls, { unexercisedAllowed: BASELINE_UNEXERCISED })).filter(
      (p) => p.functionId === 'Report' && p.action === 'ses:SendEmail',
    );
    const allowed = (
      await checkCalls(template, calls, {
        unexercisedAllowed: [...BASELINE_UNEXERCISED, ...mailAlternatives(REQUIRED_CONTEXT)],
      })
    ).filter((p) => p.functionId === 'Report' && p.action === 'ses:SendEmail');

    // Assess
    expect(unused.map((p) => p.resource).sort()).toEqual(
      [identity('alice@example.com'), identity('example.com'), identity('example.org')].sort(),
    );
    expect(allowed).toEqual([]);
  });

  it("allows Security Hub's GetFindings and BatchUpdateFindings on this account's hub only, to RequestApproval and Report only", async () => {
    const hub = securityHubArn(TEST.partition, TEST.region, TEST.account);
    const calls = ['RequestApproval', 'Report', 'Analyze'].flatMap((fn) =>
      ['securityhub:GetFindings', 'securityhub:BatchUpdateFindings'].map((action) => call(fn, action, hub)),
    );
    const otherHub = securityHubArn(TEST.partition, 'us-west-2', TEST.account);
    const problems = await checkCalls(
      template,
      [...calls, call('Report', 'securityhub:BatchUpdateFindings', otherHub)],
      { unexercisedAllowed: [] },
    );
    expect(
      problems.filter((p) => p.kind === 'denied').map((p) => `${p.functionId} ${p.action} ${p.resource}`),
    ).toEqual([
      `Analyze securityhub:GetFindings ${hub}`,
      `Analyze securityhub:BatchUpdateFindings ${hub}`,
      `Report securityhub:BatchUpdateFindings ${otherHub}`,
    ]);
  });

  it('allows SecurityHubStart to start this state machine, and nothing else', async () => {
    const [machineId] = Object.entries(template.Resources).find(
      ([, r]) => r.Type === 'AWS::StepFunctions::StateMachine',
    ) ?? [''];
    const machine = env().ref[machineId] ?? '';
    expect(machine).toMatch(/:stateMachine:/);
    const problems = await checkCalls(
      template,
      [
        call('SecurityHubStart', 'states:StartExecution', machine),
        call('SecurityHubStart', 'states:StartExecution', `${machine}-other`),
        call('SecurityHubStart', 'iam:GetUser', user('ann')),
      ],
      { unexercisedAllowed: BASELINE_UNEXERCISED },
    );
    expect(problems.filter((p) => p.functionId === 'SecurityHubStart').map((p) => p.message)).toEqual([
      `SecurityHubStart is denied states:StartExecution on ${machine}-other (ImplicitlyDenied)`,
      `SecurityHubStart is denied iam:GetUser on ${user('ann')} (ImplicitlyDenied)`,
    ]);
  });

  it('reports a call from a function the template does not have', async () => {
    const problems = await checkCalls(template, [call('Mystery', 'iam:GetUser', user('ann'))], {
      unexercisedAllowed: BASELINE_UNEXERCISED,
    });
    expect(problems.find((p) => p.kind === 'no-role')?.message).toMatch(/^Mystery sent iam:GetUser/);
  });
});

describe('task-token callbacks (iam-data asks for "*"; AWS checks the state machine)', () => {
  const machine = 'arn:aws:states:eu-west-1:123456789012:stateMachine:m';
  const policy = (statement: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: [statement] });

  it('allows SendTaskSuccess on the granted state machine only', () => {
    const grant = policy({ Effect: 'Allow', Action: 'states:SendTaskSuccess', Resource: machine });
    expect(taskCallbackDecision([grant], call('ApprovalApi', 'states:SendTaskSuccess', machine))).toBe(
      'Allowed',
    );
    expect(taskCallbackDecision([grant], call('ApprovalApi', 'states:SendTaskSuccess', `${machine}2`))).toBe(
      'ImplicitlyDenied',
    );
    expect(taskCallbackDecision([grant], call('ApprovalApi', 'states:SendTaskFailure', machine))).toBe(
      'ImplicitlyDenied',
    );
  });

  it('lets a Deny win and refuses to guess about a Condition', () => {
    const allow = policy({ Effect: 'Allow', Action: 'states:SendTask*', Resource: '*' });
    const deny = policy({ Effect: 'Deny', Action: 'states:*', Resource: machine });
    expect(taskCallbackDecision([allow, deny], call('ApprovalApi', 'states:SendTaskSuccess', machine))).toBe(
      'ExplicitlyDenied',
    );
    const conditional = policy({
      ...allow.Statement[0],
      Condition: { Bool: { 'aws:SecureTransport': 'true' } },
    });
    expect(
      taskCallbackDecision([conditional], call('ApprovalApi', 'states:SendTaskSuccess', machine)),
    ).toMatch(/Condition/);
  });
});
