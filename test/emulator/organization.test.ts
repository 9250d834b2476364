/**
 * An organization run over the wire: the stack synthesized with `-c organization=true` (bundles,
 * environment and the organization state machine's definition, read from the template as in
 * emulator.test.ts), its Distributed Maps run inline by aws-local-stepfunctions as `credsweep demo
 * --org` runs them, every Task bound to the bundle it names, against moto_server 5.2.1:
 *
 * - Organizations: the organization is created in the hub (moto's default account 123456789012,
 *   the management account), one OU, three member accounts (CreateAccount); the stack is
 *   synthesized with the organization and root ids moto gave.
 * - Member roles: `credsweep-member` as the StackSet's template declares it (trust policy and inline
 *   policy, resolved for each account), created in the hub (the template's HubMemberRole is the
 *   same template) and in two members; the third has none. moto's STS maps an assumed role's
 *   credentials to the role's account, so the functions' IAM calls land in the member's IAM.
 * - Gap in moto: its AssumeRole succeeds for a role that does not exist ("the role does not need to
 *   exist", moto/sts/models.py assume_role). The recorder answers AssumeRole into a role this suite
 *   did not create with STS's AccessDenied, as AWS does; everything else is moto's answer.
 * - Policy check: the hub functions' calls against their synthesized roles; the calls signed with a
 *   member role's credentials (caller `MemberRole@<account>`) against the member role's policy from
 *   the StackSet's template, in that account. moto has no BatchUpdateFindings, so OrgReport settling
 *   a member's findings (AssumeRole into the member findings role, then BatchUpdateFindings with it)
 *   is simulated (test/policy/simulated.ts) and checked the same way.
 * - Scenarios: approve all; a fault in one account; the lifecycle through the member role (a key
 *   deleted, a password reset); a backout of the first run (ListAccounts reads its plan); a backout
 *   of a run this hub never made.
 *
 * Same conditions as emulator.test.ts: needs python3 with moto[server] (skips and says why, except
 * under CI=true, where it fails). Run alone: `npx vitest run test/emulator/organization.test.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetLoginProfileCommand } from '@aws-sdk/client-iam';
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployedFunctionIds, type FunctionId } from '../../handlers/aws/functions.js';
import { REQUIRED_CONTEXT } from '../cdk/synth.js';
import { detectMoto, isCi, type MotoServer, startMoto, stopMoto } from '../helpers/moto.js';
import { checkCalls, unexercisedGrants } from '../policy/check.js';
import { BASELINE_UNEXERCISED, mailAlternatives, QUORUM_UNEXERCISED } from '../policy/expected.js';
import { CallRecorder, memberRoleCaller } from '../policy/recorder.js';
import { memberRole, type PolicyEnvironment, testEnvironment } from '../policy/roles.js';
import { memberFindingsRoleCaller, simulatedCalls } from '../policy/simulated.js';
import { MOTO_LAUNCHER, MotoAccount, type SeedUser } from './account.js';
import { answerApproval, approvalLink, logsTail } from './approval.js';
import {
  ACCOUNT_ID,
  type Deployment,
  deploymentOf,
  PARTITION,
  type PhysicalIds,
  REGION,
  type Synthesized,
  synthesize,
} from './deployment.js';
import { accessKeyOf, Lambdas } from './lambdas.js';
import { runWorkflow, TaskTokens, type WorkflowResult } from './workflow.js';

const APPROVER = REQUIRED_CONTEXT.approverEmails;
const SENDER = REQUIRED_CONTEXT.senderEmail;
const ORG_FUNCTION_IDS = deployedFunctionIds(true);

const moto = detectMoto();
if (!moto.available && !isCi()) console.warn(`[test/emulator] organization skipped: ${moto.reason}`);

/** The member accounts: two with the member role, one without (unreachable). */
const MEMBERS = {
  alpha: {
    users: [
      {
        userName: 'ann',
        createdDaysAgo: 400,
        accessKeys: [
          { createdDaysAgo: 400, lastUsedDaysAgo: 60 },
          { createdDaysAgo: 20, lastUsedDaysAgo: 1 },
        ],
      },
      { userName: 'ava', createdDaysAgo: 100, accessKeys: [{ createdDaysAgo: 100, lastUsedDaysAgo: 2 }] },
      // the backout scenario
      { userName: 'fay', createdDaysAgo: 300, accessKeys: [{ createdDaysAgo: 300, lastUsedDaysAgo: 90 }] },
      // the lifecycle scenario (with ann, whose old key the approve-all run deactivates)
      { userName: 'lou', createdDaysAgo: 400, console: { lastUsedDaysAgo: 100 } },
    ] as SeedUser[],
    role: true,
  },
  beta: {
    users: [
      {
        userName: 'bob',
        createdDaysAgo: 300,
        console: { lastUsedDaysAgo: 120 },
        accessKeys: [{ createdDaysAgo: 300, lastUsedDaysAgo: null }],
      },
      { userName: 'bea', createdDaysAgo: 50, console: { lastUsedDaysAgo: 3 } },
      // the backout scenario
      {
        userName: 'fred',
        createdDaysAgo: 300,
        console: { lastUsedDaysAgo: 100 },
        accessKeys: [{ createdDaysAgo: 300, lastUsedDaysAgo: 100 }],
      },
    ] as SeedUser[],
    role: true,
  },
  gamma: {
    users: [
      { userName: 'gus', createdDaysAgo: 500, accessKeys: [{ createdDaysAgo: 500, lastUsedDaysAgo: 200 }] },
    ] as SeedUser[],
    role: false,
  },
} as const;
type MemberName = keyof typeof MEMBERS;

/** STS's answer when the role cannot be assumed (awsQuery XML). */
const assumeDenied = (caller: string, roleArn: string) => ({
  status: 403,
  contentType: 'text/xml',
  body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:sts::${ACCOUNT_ID}:assumed-role/${caller}Role/${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}</Message></Error><RequestId>00000000-0000-4000-8000-000000000002</RequestId></ErrorResponse>`,
});

/** IAM's answer when a policy denies the call (awsQuery XML). */
const iamDenied = (account: string, action: string, userName: string) => ({
  status: 403,
  contentType: 'text/xml',
  body: `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:sts::${account}:assumed-role/credsweep-member/DeactivateKeys is not authorized to perform: iam:${action} on resource: arn:aws:iam::${account}:user/${userName} with an explicit deny in a service control policy</Message></Error><RequestId>00000000-0000-4000-8000-000000000003</RequestId></ErrorResponse>`,
});

interface OrgEvidence {
  outcome: string;
  accounts: {
    accountId: string;
    name: string;
    ou: string;
    outcome: string;
    evidenceKey: string;
    counts: { disabled: number };
  }[];
  changes: { accountId: string; userName: string }[];
}

describe.skipIf(!moto.available && !isCi())('an organization run over the wire against moto_server', () => {
  let workdir: string;
  let server: MotoServer | undefined;
  let synthesized: Synthesized;
  let deployment: Deployment;
  let physicalIds: PhysicalIds;
  let hub: MotoAccount;
  let recorder: CallRecorder;
  let lambdas: Lambdas;
  let organizationId: string;
  const tokens = new TaskTokens();
  const accountIds = {} as Record<MemberName, string>;
  const members = {} as Record<MemberName, MotoAccount>;
  /** The member roles this suite created, by ARN (AssumeRole into any other is denied). */
  const memberRoles = new Set<string>();
  /** A scenario's fault: DeactivateKeys' UpdateAccessKey for this user in this account is denied. */
  let denyKeysOf: { account: string; userName: string } | undefined;

  beforeAll(async () => {
    if (!moto.available) throw new Error(`CI=true: the emulator suite needs moto_server: ${moto.reason}`);
    workdir = mkdtempSync(join(tmpdir(), 'credsweep-emulator-org-'));
    server = await startMoto({ file: 'python3', args: (port) => [MOTO_LAUNCHER, String(port)] });

    // The organization, as its management account (the hub) sees it.
    const organizations = new OrganizationsClient({
      region: REGION,
      endpoint: server.endpoint,
      credentials: { accessKeyId: 'AKIAEMUTESTSETUP', secretAccessKey: 'emulator-secret' },
    });
    const org = await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    organizationId = String(org.Organization?.Id);
    const rootId = String((await organizations.send(new ListRootsCommand({}))).Roots?.[0]?.Id);
    const ou = await organizations.send(
      new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: 'Workloads' }),
    );
    for (const name of Object.keys(MEMBERS) as MemberName[]) {
      const created = await organizations.send(
        new CreateAccountCommand({ AccountName: name, Email: `${name}@example.org` }),
      );
      accountIds[name] = String(created.CreateAccountStatus?.AccountId);
      members[name] = new MotoAccount(server.endpoint, accountIds[name]);
    }
    // alpha sits in an OU, so the walk below the root is exercised.
    await organizations.send(
      new MoveAccountCommand({
        AccountId: accountIds.alpha,
        SourceParentId: rootId,
        DestinationParentId: String(ou.OrganizationalUnit?.Id),
      }),
    );
    organizations.destroy();

    synthesized = synthesize(join(workdir, 'cdk.out'), {
      organization: true,
      organizationId,
      organizationRootId: rootId,
      // One approver here, as in the account suite: the delete stage's quorum is proven in test/unit
      // and test/browser; over the wire the scenarios approve as that one person.
      deleteApprovalsRequired: 1,
    });
    hub = new MotoAccount(server.endpoint);
    physicalIds = await hub.deploy(synthesized.template, SENDER);
    deployment = deploymentOf(synthesized, physicalIds, { organization: true });

    // The member role, as the StackSet deploys it, in the hub and the members that have it.
    for (const account of [
      hub,
      ...Object.entries(members)
        .filter(([n]) => MEMBERS[n as MemberName].role)
        .map(([, a]) => a),
    ]) {
      const role = memberRole(synthesized.template, policyEnvironment(), account.accountId);
      memberRoles.add(
        await account.createRole(
          role.roleName,
          role.trustPolicy,
          role.policies.map((p) => ({ PolicyName: p.name, PolicyDocument: p.policy })),
        ),
      );
    }
    for (const name of Object.keys(MEMBERS) as MemberName[])
      await members[name].seed([...MEMBERS[name].users]);

    recorder = new CallRecorder({
      target: server.endpoint,
      account: ACCOUNT_ID,
      partition: PARTITION,
      organizationId,
      callerOf: (key) => ORG_FUNCTION_IDS.find((id) => accessKeyOf(id) === key),
      tablePartitionKey: deployment.tablePartitionKey,
      stateMachineArn: deployment.stateMachineArn,
      states: (action, body) => tokens.answer(action, body),
      fault: (request) => {
        const form = new URLSearchParams(request.body);
        if (request.service === 'sts' && form.get('Action') === 'AssumeRole') {
          // moto's gap (see the header): a role that was not created cannot be assumed.
          const roleArn = form.get('RoleArn') ?? '';
          return memberRoles.has(roleArn) ? undefined : assumeDenied(request.caller, roleArn);
        }
        const user = form.get('UserName');
        return request.service === 'iam' &&
          form.get('Action') === 'UpdateAccessKey' &&
          request.account === denyKeysOf?.account &&
          user === denyKeysOf.userName
          ? iamDenied(request.account, 'UpdateAccessKey', user)
          : undefined;
      },
    });
    lambdas = new Lambdas(deployment, await recorder.start());
  }, 240_000);

  afterAll(async () => {
    await lambdas?.close();
    await recorder?.close();
    hub?.destroy();
    for (const member of Object.values(members)) member.destroy();
    await stopMoto(server?.child);
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  /** The names the deployment created, for the policy check and the member role's template. */
  function policyEnvironment(): PolicyEnvironment {
    const base = testEnvironment(synthesized.template, {
      partition: PARTITION,
      account: ACCOUNT_ID,
      region: REGION,
    });
    return {
      ...base,
      ref: { ...base.ref, ...physicalIds?.ref },
      attr: { ...base.attr, ...physicalIds?.attr },
    };
  }

  /** Starts an organization run, approves everything it proposes, and waits for its end. */
  async function approveAll(
    name: string,
    input: Record<string, unknown>,
  ): Promise<{ result: WorkflowResult; page: string; evidence: OrgEvidence }> {
    const since = (await hub.sentMail()).length;
    const execution = runWorkflow({ deployment, lambdas, tokens, executionName: name, input });
    const link = await approvalLink({ account: hub, approver: APPROVER, since, execution, lambdas });
    const { page, decided } = await answerApproval({
      deployment,
      lambdas,
      link,
      decide: (form) => ({ action: 'approve', item: form.items }),
    });
    expect(decided.statusCode).toBe(200);
    const result = await execution;
    const evidence = JSON.parse(await hub.object(bucket(), `runs/${name}/evidence.json`)) as OrgEvidence;
    return { result, page, evidence };
  }

  const bucket = () => String(deployment.functions.OrgReport.environment.BUCKET_NAME);

  const outcomes = (evidence: OrgEvidence) =>
    Object.fromEntries(evidence.accounts.map((a) => [a.accountId, a.outcome]));

  it('approve all: the stale credentials of each reachable member are disabled, the unreachable account is reported and untouched', async () => {
    // Prepare
    const [annOld, annNew] = members.alpha.keys.get('ann') ?? [];
    const [avaKey] = members.alpha.keys.get('ava') ?? [];
    const [bobKey] = members.beta.keys.get('bob') ?? [];
    const [gusKey] = members.gamma.keys.get('gus') ?? [];

    // Act
    const { result, page, evidence } = await approveAll('emu-org-approve-all', {
      users: ['ann', 'ava', 'bob', 'bea', 'gus'],
    });

    // Assess: the run succeeds (an unreachable account is reported, not a failure of the run).
    expect(result.error, logsTail(lambdas)).toBeNull();
    expect(result.status).toBe('SUCCEEDED');
    // IAM in each member account, as moto holds it now.
    expect(result.states, logsTail(lambdas)).toEqual(
      expect.arrayContaining(['ListAccounts', 'ApplyAccounts', 'ReportOrg']),
    );
    expect(await members.alpha.credentials('ann')).toEqual({
      console: false,
      keys: { [String(annOld)]: 'Inactive', [String(annNew)]: 'Active' },
    });
    expect(await members.alpha.credentials('ava')).toEqual({
      console: false,
      keys: { [String(avaKey)]: 'Active' },
    });
    expect(await members.beta.credentials('bob')).toEqual({
      console: false,
      keys: { [String(bobKey)]: 'Inactive' },
    });
    expect(await members.beta.credentials('bea')).toEqual({ console: true, keys: {} });
    expect(await members.gamma.credentials('gus')).toEqual({
      console: false,
      keys: { [String(gusKey)]: 'Active' },
    });
    // The approval page groups by account and lists the unreachable one.
    expect(page).toContain(accountIds.alpha);
    expect(page).toContain(accountIds.beta);
    expect(page).toContain(accountIds.gamma);
    // The org evidence: one outcome per account.
    expect(outcomes(evidence)).toEqual({
      [ACCOUNT_ID]: 'nothing-to-do',
      [accountIds.alpha]: 'remediated',
      [accountIds.beta]: 'remediated',
      [accountIds.gamma]: 'unreachable',
    });
    expect(evidence.outcome).toBe('remediated');
    expect(evidence.accounts.find((a) => a.accountId === accountIds.alpha)?.ou).toMatch(/Workloads|ou-/);
    // Each account has its own evidence folder, with its own outcome.
    const alphaEvidence = evidence.accounts.find((a) => a.accountId === accountIds.alpha)?.evidenceKey;
    expect(alphaEvidence).toContain(`accounts/${accountIds.alpha}/`);
    expect(JSON.parse(await hub.object(bucket(), String(alphaEvidence)))).toMatchObject({
      outcome: 'remediated',
    });
    expect(evidence.changes.map((c) => `${c.accountId}/${c.userName}`).sort()).toEqual(
      [`${accountIds.alpha}/ann`, `${accountIds.beta}/bob`, `${accountIds.beta}/bob`].sort(),
    );
  }, 180_000);

  it('a fault in one account backs out that account only; the other keeps its verified change', async () => {
    // Prepare: DeactivateKeys is denied fred's key in beta (as a service control policy added mid-run would).
    const [fayKey] = members.alpha.keys.get('fay') ?? [];
    const [fredKey] = members.beta.keys.get('fred') ?? [];
    denyKeysOf = { account: accountIds.beta, userName: 'fred' };

    // Act
    let run: Awaited<ReturnType<typeof approveAll>>;
    try {
      run = await approveAll('emu-org-backout', {
        users: ['fay', 'fred'],
        accounts: [accountIds.alpha, accountIds.beta],
      });
    } finally {
      denyKeysOf = undefined;
    }

    // Assess
    expect(run.result.status).toBe('FAILED');
    expect(run.result.error?.Error).toBe('AccountsFailed');
    expect(run.result.states).toEqual(expect.arrayContaining(['Backout', 'ReportAccountBackout']));
    expect(await members.alpha.credentials('fay')).toEqual({
      console: false,
      keys: { [String(fayKey)]: 'Inactive' },
    });
    expect(await members.beta.credentials('fred')).toEqual({
      console: true,
      keys: { [String(fredKey)]: 'Active' },
    });
    expect(outcomes(run.evidence)).toEqual({
      [accountIds.alpha]: 'remediated',
      [accountIds.beta]: 'backed-out',
    });
  }, 180_000);

  it('the lifecycle through the member role: a key credsweep deactivated 31 days ago is deleted, an unused password reset', async () => {
    // Prepare: ann's old key, deactivated by the approve-all run, as if that run had been 31 days ago.
    const [annOld, annNew] = members.alpha.keys.get('ann') ?? [];
    expect((await members.alpha.credentials('ann')).keys).toEqual({
      [String(annOld)]: 'Inactive',
      [String(annNew)]: 'Active',
    });
    expect(await hub.backdateKeyLedger(String(annOld), 31)).toBeGreaterThan(0);

    // Act
    const { result, page } = await approveAll('emu-org-lifecycle', {
      users: ['ann', 'lou'],
      accounts: [accountIds.alpha],
      deleteAfterDays: 30,
      consoleAction: 'reset',
    });

    // Assess
    expect(result.error, logsTail(lambdas)).toBeNull();
    expect(result.status).toBe('SUCCEEDED');
    expect(page).toContain('this cannot be undone');
    expect(await members.alpha.credentials('ann')).toEqual({
      console: false,
      keys: { [String(annNew)]: 'Active' },
    });
    const profile = await members.alpha.iam.send(new GetLoginProfileCommand({ UserName: 'lou' }));
    expect(profile.LoginProfile?.PasswordResetRequired).toBe(true);
    const alpha = memberRoleCaller(accountIds.alpha);
    for (const action of ['iam:DeleteAccessKey', 'iam:UpdateLoginProfile']) {
      expect(recorder.all).toContainEqual(expect.objectContaining({ functionId: alpha, action }));
    }
  }, 180_000);

  it('backing out the approve-all run restores what it changed in each member, and leaves the key a later run deleted', async () => {
    // Prepare
    const [bobKey] = members.beta.keys.get('bob') ?? [];
    const [annOld, annNew] = members.alpha.keys.get('ann') ?? [];
    expect(await members.beta.credentials('bob')).toEqual({
      console: false,
      keys: { [String(bobKey)]: 'Inactive' },
    });
    const source = `${deployment.stateMachineArn.replace(':stateMachine:', ':execution:')}:emu-org-approve-all`;

    // Act: a backout runs without an approval (the organization workflow's Mode? goes straight to it).
    const result = await runWorkflow({
      deployment,
      lambdas,
      tokens,
      executionName: 'emu-org-approve-all-backout',
      input: { mode: 'backout', backoutOf: source },
    });

    // Assess: bob's password and key are back; ann's old key stays deleted (the lifecycle run's change).
    expect(result.states, logsTail(lambdas)).toEqual(
      expect.arrayContaining(['ListAccounts', 'BackoutAccounts', 'BackoutAccount', 'ReportOrg']),
    );
    expect(await members.beta.credentials('bob')).toEqual({
      console: true,
      keys: { [String(bobKey)]: 'Active' },
    });
    expect(await members.alpha.credentials('ann')).toEqual({
      console: false,
      keys: { [String(annNew)]: 'Active' },
    });
    expect(String(annOld)).not.toBe(String(annNew));
    // ListAccounts read the earlier run's plan to know which accounts it changed.
    expect(recorder.all).toContainEqual(
      expect.objectContaining({
        functionId: 'ListAccounts',
        action: 's3:GetObject',
        resource: expect.stringMatching(/runs\/emu-org-approve-all\/plan\.json$/),
      }),
    );
  }, 180_000);

  it('a backout of a run this hub never made stops before anything, naming the run', async () => {
    const source = `${deployment.stateMachineArn.replace(':stateMachine:', ':execution:')}:emu-no-such-run`;

    const result = await runWorkflow({
      deployment,
      lambdas,
      tokens,
      executionName: 'emu-org-backout-nothing',
      input: { mode: 'backout', backoutOf: source },
    });

    expect(result.status).toBe('FAILED');
    expect(result.states).not.toContain('BackoutAccounts');
    expect(`${result.error?.Error} ${result.error?.Cause}`).toMatch(
      /emu-no-such-run has no organization plan/,
    );
    // S3 answered NoSuchKey, which it does only to a role that may list the bucket.
    expect(recorder.all).toContainEqual(
      expect.objectContaining({ functionId: 'ListAccounts', action: 's3:ListBucket' }),
    );
  }, 180_000);

  it("the hub functions' calls are allowed by their synthesized roles, the member role's calls by the StackSet's member role", async () => {
    const environment = policyEnvironment();
    // Hub: every function of the organization deployment against its role. Grants are checked for
    // use where the organization adds them (its own functions, AssumeRole, Organizations); the
    // account workflow's grants are the single-account suite's to exercise.
    const orgOnly = new Set<string>(
      ORG_FUNCTION_IDS.filter((id) => !deployedFunctionIds(false).includes(id)),
    );
    const simulated = simulatedCalls({
      partition: PARTITION,
      region: REGION,
      account: ACCOUNT_ID,
      organization: {
        organizationId,
        member: accountIds.alpha,
        findingsRoleName: memberRole(
          synthesized.template,
          environment,
          accountIds.alpha,
          'MemberFindingsRole',
        ).roleName,
      },
    });
    const findingsCaller = memberFindingsRoleCaller(accountIds.alpha);
    const hubProblems = (
      await checkCalls(
        synthesized.template,
        [...recorder.calls(ORG_FUNCTION_IDS), ...simulated.filter((c) => c.functionId !== findingsCaller)],
        {
          unexercisedAllowed: [
            ...BASELINE_UNEXERCISED,
            ...QUORUM_UNEXERCISED,
            ...mailAlternatives(REQUIRED_CONTEXT),
          ],
          environment,
        },
      )
    ).filter(
      (p) => p.kind !== 'unexercised' || orgOnly.has(p.functionId) || /^(sts|organizations):/.test(p.action),
    );
    expect(hubProblems.map((p) => p.message)).toEqual([]);

    // Members: the calls signed with the member role's credentials, in each member account.
    const reached = [ACCOUNT_ID, accountIds.alpha, accountIds.beta];
    const memberCalls = recorder.all.filter((c) => c.functionId.startsWith('MemberRole@'));
    expect([...new Set(memberCalls.map((c) => c.functionId))].sort()).toEqual(
      [accountIds.alpha, accountIds.beta, ACCOUNT_ID].map(memberRoleCaller).sort(),
    );
    const memberProblems = [];
    for (const account of reached) {
      const role = memberRole(synthesized.template, environment, account);
      const problems = await checkCalls(
        synthesized.template,
        memberCalls.filter((c) => c.functionId === memberRoleCaller(account)),
        { unexercisedAllowed: [], environment: { ...environment, account }, roles: [role] },
      );
      memberProblems.push(...problems.filter((p) => p.kind !== 'unexercised'));
    }
    expect(memberProblems.map((p) => p.message)).toEqual([]);
    // Every grant of the member role is used in some member account (the same grant, in its account).
    const unusedIn = (account: string) =>
      unexercisedGrants(memberRole(synthesized.template, environment, account), memberCalls, []).map(
        (g) => `${g.action} ${g.resource.replace(account, '<account>')}`,
      );
    const unused = reached.map(unusedIn).reduce((left, next) => left.filter((g) => next.includes(g)));
    expect(unused).toEqual([]);

    // The member findings role: OrgReport's simulated settling of alpha's findings, in alpha.
    const findingsRole = memberRole(
      synthesized.template,
      environment,
      accountIds.alpha,
      'MemberFindingsRole',
    );
    const findingsProblems = await checkCalls(
      synthesized.template,
      simulated.filter((c) => c.functionId === findingsCaller),
      {
        unexercisedAllowed: [],
        environment: { ...environment, account: accountIds.alpha },
        roles: [findingsRole],
      },
    );
    expect(findingsProblems.map((p) => p.message)).toEqual([]);
  }, 120_000);

  it('the recorder mapped every request, and only functions of the organization deployment were invoked', () => {
    expect(recorder.unmapped).toEqual([]);
    const invoked = new Set(lambdas.invocations.map((i) => i.functionId as FunctionId));
    for (const id of invoked) expect(ORG_FUNCTION_IDS).toContain(id);
  });
});
