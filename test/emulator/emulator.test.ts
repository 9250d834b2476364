/**
 * The deployed path over the wire: the Lambda bundles exactly as `cdk synth` writes them, with
 * the synthesized environment and state machine definition, against moto_server.
 *
 * - Bundles: the stack is synthesized with bundling on (esbuild, as `cdk synth`); each function's
 *   asset directory is found from its Code.S3Key, its environment is the template's with
 *   Ref/GetAtt/Join resolved to what was created in moto, and each invocation is a fresh node
 *   process (test/emulator/lambdas.ts) with AWS_ENDPOINT_URL pointing at the recorder.
 * - AWS: moto 5.2.1 (IAM and its credential report, DynamoDB, S3, SES v2, Secrets Manager, STS),
 *   started by the suite through test/emulator/moto_server.py, which only adds one endpoint to
 *   backdate IAM dates (IAM has no API for it and moto records "now").
 * - Workflow: the synthesized definition runs in aws-local-stepfunctions, each Task bound to the
 *   bundle its Resource names. moto's Step Functions can execute a definition but its Lambda needs
 *   Docker, which these machines lack; so the only stand-in is Step Functions' task-token callback
 *   API (TaskTokens in test/emulator/workflow.ts), reached by the approval API bundle's own SFN
 *   client through the recorder.
 * - Approval: the link is read from the mail moto's SES accepted; the page is fetched and the form
 *   posted through the approval API bundle with the REST API proxy events API Gateway sends.
 * - Failure with backout: the recorder answers DeactivateKeys' UpdateAccessKey for one user with
 *   IAM's AccessDenied, as a service control policy added mid-run would (moto cannot be told to fail
 *   a call; everything before and after it is moto's real answer); and Backout's first
 *   CreateLoginProfile the same way, so the retried Backout finds the password secret it stored
 *   and overwrites it (PutSecretValue).
 * - Retried reset: the recorder answers DisableConsole's UpdateLoginProfile for one user with IAM's
 *   Throttling until the SDK gives up; the workflow retries the task, which overwrites the secret it
 *   stored (PutSecretValue) before setting the new password.
 * - Calls moto cannot serve (BatchUpdateFindings): test/policy/simulated.ts, through the same check.
 * - Recorder: every request each function sends is mapped to its IAM action and resource
 *   (test/policy/recorder.ts) for the policy check.
 *
 * Needs python3 with moto[server]; without it the suite skips and says why, except under CI=true,
 * where it fails. Run alone: `npm run test:emulator`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetLoginProfileCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_SECRET_PREFIX } from '../../handlers/core/shared/defaults.js';
import { REQUIRED_CONTEXT } from '../cdk/synth.js';
import { detectMoto, isCi, type MotoServer, startMoto, stopMoto } from '../helpers/moto.js';
import { userFinding } from '../helpers/seeds.js';
import { checkCalls } from '../policy/check.js';
import { BASELINE_UNEXERCISED, mailAlternatives, QUORUM_UNEXERCISED } from '../policy/expected.js';
import { CallRecorder, type HttpAnswer, securityHubArn, type WireRequest } from '../policy/recorder.js';
import { testEnvironment } from '../policy/roles.js';
import { simulatedCalls } from '../policy/simulated.js';
import { MOTO_LAUNCHER, MotoAccount, type SeedUser } from './account.js';
import { restApiEvent, restApiShape } from './api-gateway.js';
import {
  type ApprovalForm,
  answerApproval,
  approvalLink,
  decodeHtml,
  logsTail as logsOf,
} from './approval.js';
import {
  ACCOUNT_ID,
  type CfnTemplate,
  type Deployment,
  deploymentOf,
  FUNCTION_IDS,
  onlyResource,
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
const OWNER = 'olga.owner@example.com';

const moto = detectMoto();
if (!moto.available && !isCi()) console.warn(`[test/emulator] skipped: ${moto.reason}`);

/** Every scenario's users; each run names its own with the run input's `users`. */
const USERS: SeedUser[] = [
  // approve all
  {
    userName: 'ann',
    createdDaysAgo: 400,
    console: { lastUsedDaysAgo: 95 },
    accessKeys: [
      { createdDaysAgo: 400, lastUsedDaysAgo: 60 },
      { createdDaysAgo: 20, lastUsedDaysAgo: 1 },
    ],
  },
  { userName: 'ben', createdDaysAgo: 120, accessKeys: [{ createdDaysAgo: 45, lastUsedDaysAgo: null }] },
  {
    userName: 'xena',
    createdDaysAgo: 300,
    tags: { 'credsweep:exempt': 'true' },
    console: { lastUsedDaysAgo: 200 },
    accessKeys: [{ createdDaysAgo: 300, lastUsedDaysAgo: 200 }],
  },
  // approve a subset
  {
    userName: 'sam',
    createdDaysAgo: 200,
    console: { lastUsedDaysAgo: 90 },
    accessKeys: [{ createdDaysAgo: 200, lastUsedDaysAgo: 70 }],
  },
  { userName: 'sue', createdDaysAgo: 90, accessKeys: [{ createdDaysAgo: 90, lastUsedDaysAgo: null }] },
  // reject
  {
    userName: 'rob',
    createdDaysAgo: 500,
    console: { lastUsedDaysAgo: 300 },
    accessKeys: [{ createdDaysAgo: 500, lastUsedDaysAgo: 100 }],
  },
  // failure with backout
  {
    userName: 'bea',
    createdDaysAgo: 365,
    console: { lastUsedDaysAgo: 120 },
    accessKeys: [{ createdDaysAgo: 365, lastUsedDaysAgo: 80 }],
  },
  { userName: 'bo', createdDaysAgo: 365, accessKeys: [{ createdDaysAgo: 365, lastUsedDaysAgo: 40 }] },
  // the lifecycle (with ben, whose key the approve-all run deactivates)
  {
    userName: 'olga',
    createdDaysAgo: 200,
    tags: { 'credsweep:owner': OWNER },
    accessKeys: [{ createdDaysAgo: 200, lastUsedDaysAgo: 27 }],
  },
  { userName: 'rita', createdDaysAgo: 300, console: { lastUsedDaysAgo: 95 } },
];

/** The AWS error IAM answers when a policy denies the call (awsQuery XML). */
const accessDenied = (caller: string, action: string, userName: string) => ({
  status: 403,
  contentType: 'text/xml',
  body: `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:sts::${ACCOUNT_ID}:assumed-role/${caller}Role/Credsweep is not authorized to perform: iam:${action} on resource: arn:aws:iam::${ACCOUNT_ID}:user/${userName} with an explicit deny in a service control policy</Message></Error><RequestId>00000000-0000-4000-8000-000000000001</RequestId></ErrorResponse>`,
});

/** IAM's answer when its request rate is exceeded (awsQuery XML); the SDK retries it, then gives up. */
const throttled = () => ({
  status: 400,
  contentType: 'text/xml',
  body: '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>00000000-0000-4000-8000-000000000004</RequestId></ErrorResponse>',
});

describe.skipIf(!moto.available && !isCi())('the synthesized stack over the wire against moto_server', () => {
  let workdir: string;
  let server: MotoServer | undefined;
  let synthesized: Synthesized;
  let deployment: Deployment;
  let physicalIds: PhysicalIds;
  let account: MotoAccount;
  let recorder: CallRecorder;
  let lambdas: Lambdas;
  const tokens = new TaskTokens();
  /** Requests the recorder answers with a fault instead of moto (set by a scenario). */
  let denyUser: string | undefined;
  /** Backout's first CreateLoginProfile for this user is denied (then the task is retried). */
  let denyRestoreOnceOf: string | undefined;
  /** DisableConsole's UpdateLoginProfile for this user is throttled until it has overwritten its secret. */
  let throttleResetOf: string | undefined;
  let startedBy: string | null = null;
  /** StartExecution requests the Step Functions stand-in answered (the start-from-Security-Hub bundle's). */
  const startedRuns: { stateMachineArn: string; name: string; input: unknown }[] = [];

  /** The stand-in's StartExecution: records the request and answers as Step Functions does. */
  function startExecution(body: unknown): HttpAnswer {
    const request = body as { stateMachineArn: string; name: string; input: string };
    startedRuns.push({
      stateMachineArn: request.stateMachineArn,
      name: request.name,
      input: JSON.parse(request.input),
    });
    const executionArn = `${request.stateMachineArn.replace(':stateMachine:', ':execution:')}:${request.name}`;
    return {
      status: 200,
      contentType: 'application/x-amz-json-1.0',
      body: JSON.stringify({ executionArn, startDate: Date.now() / 1000 }),
    };
  }

  beforeAll(async () => {
    if (!moto.available) throw new Error(`CI=true: the emulator suite needs moto_server: ${moto.reason}`);
    workdir = mkdtempSync(join(tmpdir(), 'credsweep-emulator-'));
    const [synth, started] = await Promise.all([
      // One approver deploys here: the lifecycle scenario's deletion is approved by that one person
      // (deleteApprovalsRequired 1; the quorum itself is proven in test/unit and test/browser).
      Promise.resolve().then(() => synthesize(join(workdir, 'cdk.out'), { deleteApprovalsRequired: 1 })),
      startMoto({ file: 'python3', args: (port) => [MOTO_LAUNCHER, String(port)] }),
    ]);
    synthesized = synth;
    server = started;
    account = new MotoAccount(server.endpoint);
    const ids = await account.deploy(synthesized.template, SENDER);
    physicalIds = ids;
    deployment = deploymentOf(synthesized, ids);
    recorder = new CallRecorder({
      target: server.endpoint,
      account: ACCOUNT_ID,
      partition: PARTITION,
      callerOf: (key) => [...FUNCTION_IDS, 'CLI'].find((id) => accessKeyOf(id) === key),
      tablePartitionKey: deployment.tablePartitionKey,
      stateMachineArn: deployment.stateMachineArn,
      states: (action, body) =>
        action === 'StartExecution' ? Promise.resolve(startExecution(body)) : tokens.answer(action, body),
      fault: (request) => {
        if (request.service !== 'iam') return undefined;
        const form = new URLSearchParams(request.body);
        const user = form.get('UserName') ?? '';
        const action = `${request.caller} ${form.get('Action')}`;
        if (action === 'DeactivateKeys UpdateAccessKey' && user === denyUser) {
          return accessDenied(request.caller, 'UpdateAccessKey', user);
        }
        if (action === 'Backout CreateLoginProfile' && user === denyRestoreOnceOf) {
          denyRestoreOnceOf = undefined;
          return accessDenied(request.caller, 'CreateLoginProfile', user);
        }
        if (action === 'DisableConsole UpdateLoginProfile' && user === throttleResetOf) {
          const overwritten = recorder.all.some(
            (c) => c.functionId === 'DisableConsole' && c.action === 'secretsmanager:PutSecretValue',
          );
          return overwritten ? undefined : throttled();
        }
        return undefined;
      },
    });
    const endpoint = await recorder.start();
    lambdas = new Lambdas(deployment, endpoint);
    await account.seed(USERS);
  }, 240_000);

  afterAll(async () => {
    await lambdas?.close();
    await recorder?.close();
    account?.destroy();
    await stopMoto(server?.child);
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  /** Starts a run, answers its approval mail through the approval API bundle, and waits for its end. */
  async function run(
    name: string,
    users: string[],
    decide: (form: ApprovalForm) => Record<string, string | string[]>,
    extra: Record<string, unknown> = {},
  ): Promise<{
    result: WorkflowResult;
    link: string;
    page: string;
    decided: { statusCode: number; body: string };
  }> {
    const mailBefore = (await account.sentMail()).length;
    const execution = runWorkflow({
      deployment,
      lambdas,
      tokens,
      executionName: name,
      input: { users, ...extra, ...(startedBy ? { startedBy } : {}) },
    });
    const link = await approvalLink({ account, approver: APPROVER, since: mailBefore, execution, lambdas });
    const { page, decided } = await answerApproval({ deployment, lambdas, link, decide });
    return { result: await execution, link, page, decided };
  }

  const bucketName = () => String(deployment.functions.Report.environment.BUCKET_NAME);

  /** The password `functionId` first stored in a secret whose name ends with `suffix` (its CreateSecret). */
  function storedFirst(functionId: string, suffix: string): string {
    const created = recorder.requests.find(
      (r) =>
        r.caller === functionId &&
        carrierName(r) === 'secretsmanager CreateSecret' &&
        String((JSON.parse(r.body) as { Name?: string }).Name).endsWith(suffix),
    );
    const value = (JSON.parse(created?.body ?? '{}') as { SecretString?: string }).SecretString;
    if (!value) throw new Error(`${functionId} stored no secret ending in ${suffix}`);
    return value;
  }

  const logsTail = () => logsOf(lambdas);

  it('the CLI learns who starts a run from STS (GetCallerIdentity over the wire)', async () => {
    // Act: the CLI's own caller lookup, with the SDK pointed at the recorder as the CLI's key.
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: recorder.endpoint,
      AWS_ACCESS_KEY_ID: accessKeyOf('CLI'),
      AWS_SECRET_ACCESS_KEY: 'emulator-secret',
      AWS_REGION: REGION,
    });
    try {
      const { callerArn } = await import('../../cli/aws/executions.js');
      startedBy = await callerArn();
    } finally {
      process.env = saved;
    }

    // Assess
    expect(startedBy).toMatch(new RegExp(`^arn:aws:(sts|iam)::${ACCOUNT_ID}:`));
    expect(recorder.all).toContainEqual({
      functionId: 'CLI',
      action: 'sts:GetCallerIdentity',
      resource: '*',
      context: {},
    });
  });

  it('approve all: the approved credentials are disabled in IAM, verified, and the evidence written', async () => {
    // Prepare
    const [annOld, annNew] = account.keys.get('ann') ?? [];
    const [benKey] = account.keys.get('ben') ?? [];
    const [xenaKey] = account.keys.get('xena') ?? [];

    // Act
    const { result, link, page, decided } = await run('emu-approve-all', ['ann', 'ben', 'xena'], (form) => ({
      action: 'approve',
      item: form.items,
    }));

    // Assess
    expect(result.error, logsTail()).toBeNull();
    expect(result.status).toBe('SUCCEEDED');
    expect(decided.statusCode).toBe(200);
    expect(page).toContain('ann');
    expect(page).not.toContain('xena');
    expect(await account.credentials('ann')).toEqual({
      console: false,
      keys: { [String(annOld)]: 'Inactive', [String(annNew)]: 'Active' },
    });
    expect((await account.credentials('ben')).keys).toEqual({ [String(benKey)]: 'Inactive' });
    expect(await account.credentials('xena')).toEqual({
      console: true,
      keys: { [String(xenaKey)]: 'Active' },
    });
    expect(result.states).toEqual(expect.arrayContaining(['Verify', 'Report', 'Remediated']));
    const evidence = JSON.parse(await account.object(bucketName(), 'runs/emu-approve-all/evidence.json')) as {
      outcome: string;
      execution: { startedBy: string | null; stateMachineArn: string | null };
    };
    expect(evidence.outcome).toBe('remediated');
    expect(evidence.execution.startedBy).toBe(startedBy);
    const summary = (await account.sentMail()).find((m) => m.subject.includes('emu-approve-all'));
    expect(summary?.subject).toMatch(/remediated \(3 disabled, 0 restored\)/);
    expect(summary?.destinations.ToAddresses).toEqual([APPROVER]);

    // No secret of the approval reached a log: the link key, the task token, the signing key.
    const linkKey = new URL(link).searchParams.get('k') ?? '';
    const [signingKey] = await account.secretsUnder('Credsweep-SigningKey');
    expect(linkKey.length).toBeGreaterThan(20);
    expect(signingKey?.value.length).toBeGreaterThan(20);
    for (const log of lambdas.logs()) {
      expect(log.text).not.toContain(linkKey);
      expect(log.text).not.toContain(result.taskToken);
      expect(log.text).not.toContain(String(signingKey?.value));
    }
    expect(page).not.toContain(result.taskToken);
    expect(page).not.toContain(String(signingKey?.value));
  }, 180_000);

  it('the approval API answers a link with a wrong secret with 404, and an answered one with 409', async () => {
    // Prepare: the link of the run above, as mailed, and the same link with another secret.
    const mail = (await account.sentMail()).find(
      (m) => m.subject.includes('approve disabling') && m.body.includes('/approvals/'),
    );
    const link = decodeHtml(/href="(https:\/\/[^"]+\/approvals\/[^"]+)"/.exec(mail?.body ?? '')?.[1] ?? '');
    const forged = `${link.replace(/\?k=.*$/, '')}?k=${'A'.repeat(43)}`;
    const shape = restApiShape(deployment.template);

    // Act
    const wrong = (await lambdas.invoke(
      'ApprovalApi',
      restApiEvent(shape, { method: 'GET', url: forged }),
    )) as {
      statusCode: number;
    };
    const again = (await lambdas.invoke(
      'ApprovalApi',
      restApiEvent(shape, { method: 'GET', url: link }),
    )) as {
      statusCode: number;
    };

    // Assess
    expect(wrong.statusCode).toBe(404);
    expect(again.statusCode).toBe(409);
  }, 60_000);

  it('approve a subset: only the ticked credentials change', async () => {
    // Prepare
    const [samKey] = account.keys.get('sam') ?? [];
    const [sueKey] = account.keys.get('sue') ?? [];

    // Act: everything but sam's console password.
    const { result } = await run('emu-approve-subset', ['sam', 'sue'], (form) => ({
      action: 'approve',
      item: form.items.filter((item) => !/sam .*console/i.test(form.labels[item] ?? '')),
    }));

    // Assess
    expect(result.error, logsTail()).toBeNull();
    expect(result.status).toBe('SUCCEEDED');
    expect(await account.credentials('sam')).toEqual({
      console: true,
      keys: { [String(samKey)]: 'Inactive' },
    });
    expect((await account.credentials('sue')).keys).toEqual({ [String(sueKey)]: 'Inactive' });
  }, 180_000);

  it('reject: nothing changes, the run fails as Rejected and the reason is in the evidence', async () => {
    // Prepare
    const before = await account.credentials('rob');

    // Act
    const { result } = await run('emu-reject', ['rob'], () => ({
      action: 'reject',
      reason: 'Rob is on parental leave until March; keep his access.',
    }));

    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.error?.Error).toBe('Rejected');
    expect(await account.credentials('rob')).toEqual(before);
    const evidence = await account.object(bucketName(), 'runs/emu-reject/evidence.json');
    expect(evidence).toContain('Rob is on parental leave until March; keep his access.');
    expect(JSON.parse(evidence).outcome).toBe('rejected');
  }, 180_000);

  it('the lifecycle: the owner is warned by mail, a password is reset (kept in Secrets Manager only, overwritten by the retried task), and a key credsweep deactivated 31 days ago is deleted', async () => {
    // Prepare: ben's key, deactivated by the approve-all run, as if that run had been 31 days ago.
    const [benKey] = account.keys.get('ben') ?? [];
    expect((await account.credentials('ben')).keys).toEqual({ [String(benKey)]: 'Inactive' });
    expect(await account.backdateKeyLedger(String(benKey), 31)).toBeGreaterThan(0);
    const [olgaKey] = account.keys.get('olga') ?? [];

    // IAM throttles the reset of rita's password until the SDK gives up: the workflow retries the
    // task, which stores a new password over the secret it stored first, then sets it.
    throttleResetOf = 'rita';

    // Act
    let outcome: Awaited<ReturnType<typeof run>>;
    try {
      outcome = await run(
        'emu-lifecycle',
        ['ben', 'olga', 'rita'],
        (form) => ({ action: 'approve', item: form.items }),
        { deleteAfterDays: 30, consoleAction: 'reset' },
      );
    } finally {
      throttleResetOf = undefined;
    }
    const { result, page } = outcome;

    // Assess
    expect(result.error, logsTail()).toBeNull();
    expect(result.status).toBe('SUCCEEDED');
    expect(page).toContain('this cannot be undone');
    expect(await account.credentials('ben')).toEqual({ console: false, keys: {} });
    expect(await account.credentials('olga')).toEqual({
      console: false,
      keys: { [String(olgaKey)]: 'Active' },
    });
    const warning = (await account.sentMail()).find((m) => m.destinations.ToAddresses?.includes(OWNER));
    expect(warning?.body).toContain('olga');
    const profile = await account.iam.send(new GetLoginProfileCommand({ UserName: 'rita' }));
    expect(profile.LoginProfile?.PasswordResetRequired).toBe(true);
    const [secret] = (await account.secretsUnder(PASSWORD_SECRET_PREFIX)).filter((s) =>
      s.name.endsWith('/rita'),
    );
    const password = secret?.value ?? '';
    expect(password.length).toBeGreaterThanOrEqual(16);
    const carriers = recorder.requests
      .filter((r) => wireText(r).includes(password))
      .map((r) => carrierName(r));
    // The retry's CreateSecret, refused (the name exists), then its PutSecretValue, and IAM.
    expect(carriers.sort()).toEqual([
      'iam UpdateLoginProfile',
      'secretsmanager CreateSecret',
      'secretsmanager PutSecretValue',
    ]);
    // The first password went into the secret (CreateSecret) and the throttled requests only.
    const first = storedFirst('DisableConsole', '/rita');
    expect(first).not.toBe(password);
    expect(
      [
        ...new Set(recorder.requests.filter((r) => wireText(r).includes(first)).map((r) => carrierName(r))),
      ].sort(),
    ).toEqual(['iam UpdateLoginProfile', 'secretsmanager CreateSecret']);
    expect(recorder.all).toContainEqual(
      expect.objectContaining({ functionId: 'DisableConsole', action: 'secretsmanager:PutSecretValue' }),
    );
    for (const log of lambdas.logs()) expect(log.text).not.toContain(password);
    for (const mail of await account.sentMail())
      expect(`${mail.subject}\n${mail.body}`).not.toContain(password);
    const evidence = await account.object(bucketName(), 'runs/emu-lifecycle/evidence.json');
    expect(evidence).not.toContain(password);
    expect(evidence).toContain(String(benKey));
    expect(recorder.all).toContainEqual(
      expect.objectContaining({ functionId: 'DeleteKeys', action: 'iam:DeleteAccessKey' }),
    );
  }, 180_000);

  it('failure after the first change: the run backs out, every credential is restored, the password is kept only in Secrets Manager', async () => {
    // Prepare: IAM will deny DeactivateKeys' UpdateAccessKey on bo (as a service control policy would),
    // and Backout's first CreateLoginProfile for bea (the task is retried, its secret already stored).
    const before = { bea: await account.credentials('bea'), bo: await account.credentials('bo') };
    denyUser = 'bo';
    denyRestoreOnceOf = 'bea';

    // Act
    let outcome: Awaited<ReturnType<typeof run>>;
    try {
      outcome = await run('emu-backout', ['bea', 'bo'], (form) => ({ action: 'approve', item: form.items }));
    } finally {
      denyUser = undefined;
      denyRestoreOnceOf = undefined;
    }
    const { result } = outcome;

    // Assess: a real change was made (bea's console password deleted) and then restored.
    const deleted = recorder.all.filter(
      (c) =>
        c.functionId === 'DisableConsole' &&
        c.action === 'iam:DeleteLoginProfile' &&
        c.resource.endsWith(':user/bea'),
    );
    expect(deleted).toHaveLength(1);
    expect(result.status).toBe('FAILED');
    expect(result.error?.Error).toBe('AccessDenied');
    expect(result.states).toEqual(
      expect.arrayContaining(['ChangeFailed', 'Backout', 'ReportBackout', 'BackedOut']),
    );
    expect(await account.credentials('bea')).toEqual(before.bea);
    expect(await account.credentials('bo')).toEqual(before.bo);

    // The restored password is in Secrets Manager, and nowhere else but the two calls that need it.
    const secrets = await account.secretsUnder(`${PASSWORD_SECRET_PREFIX}`);
    const beas = secrets.filter((secret) => secret.name.endsWith('/bea'));
    expect(beas).toHaveLength(1);
    const password = beas[0]?.value ?? '';
    expect(password.length).toBeGreaterThanOrEqual(16);
    const carriers = recorder.requests
      .filter((r) => wireText(r).includes(password))
      .map((r) => carrierName(r));
    // The retry's CreateSecret, refused (the name exists), then its PutSecretValue, and IAM.
    expect(carriers.sort()).toEqual([
      'iam CreateLoginProfile',
      'secretsmanager CreateSecret',
      'secretsmanager PutSecretValue',
    ]);
    // The retried Backout overwrote the secret its first attempt stored (with a password IAM denied).
    const first = storedFirst('Backout', '/bea');
    expect(first).not.toBe(password);
    expect(
      recorder.requests
        .filter((r) => wireText(r).includes(first))
        .map((r) => carrierName(r))
        .sort(),
    ).toEqual(['iam CreateLoginProfile', 'secretsmanager CreateSecret']);
    expect(recorder.all).toContainEqual(
      expect.objectContaining({ functionId: 'Backout', action: 'secretsmanager:PutSecretValue' }),
    );
    for (const log of lambdas.logs()) expect(log.text).not.toContain(password);
    for (const mail of await account.sentMail())
      expect(`${mail.subject}\n${mail.body}`).not.toContain(password);
    const evidence = await account.object(bucketName(), 'runs/emu-backout/evidence.json');
    expect(JSON.parse(evidence).outcome).toBe('backed-out');
    expect(evidence).not.toContain(password);
  }, 180_000);

  it('the Security Hub custom action starts one run of this state machine for the users of the selected findings', async () => {
    // Prepare: what EventBridge delivers when a person selects findings and picks "Disable w/ credsweep".
    const event = {
      version: '0',
      source: 'aws.securityhub',
      'detail-type': 'Security Hub Findings - Custom Action',
      account: ACCOUNT_ID,
      resources: [`arn:${PARTITION}:securityhub:${REGION}:${ACCOUNT_ID}:action/custom/CredsweepDisable`],
      detail: {
        actionName: 'Disable w/ credsweep',
        findings: [
          userFinding('IAM.8', 'sam', { accountId: ACCOUNT_ID }),
          userFinding('IAM.22', 'sue', { accountId: ACCOUNT_ID }),
          userFinding('IAM.5', 'rob', { accountId: ACCOUNT_ID }),
        ],
      },
    };

    // Act
    const result = (await lambdas.invoke('SecurityHubStart', event)) as { executionArn: string | null };

    // Assess: one StartExecution over the wire, of the deployed state machine, for sam and sue only.
    expect(startedRuns).toHaveLength(1);
    expect(startedRuns[0]).toMatchObject({
      stateMachineArn: deployment.stateMachineArn,
      input: { mode: 'remediate', users: ['sam', 'sue'] },
    });
    expect(result.executionArn).toContain(String(startedRuns[0]?.name));
  }, 180_000);

  it('every request of every function maps to an IAM action and resource, and every function ran', () => {
    expect(recorder.unmapped).toEqual([]);
    const callers = new Set(recorder.calls(FUNCTION_IDS).map((call) => call.functionId));
    expect([...callers].sort()).toEqual([...FUNCTION_IDS].sort());
  });

  /** The calls no scenario can make over the wire (moto has no BatchUpdateFindings), as the recorder names them. */
  const simulated = () => simulatedCalls({ partition: PARTITION, region: REGION, account: ACCOUNT_ID });
  /** The grants the scenarios cannot exercise: Lambda's own (logs, X-Ray), and SES's alternative identities. */
  const unexercisedAllowed = () => [
    ...BASELINE_UNEXERCISED,
    ...QUORUM_UNEXERCISED,
    ...mailAlternatives(REQUIRED_CONTEXT),
  ];

  it('calls moto cannot serve (test/policy/simulated.ts) are allowed by the same roles, through the same simulator', async () => {
    const calls = simulated();
    const denied = (
      await checkCalls(synthesized.template, calls, {
        unexercisedAllowed: [],
        environment: policyEnvironment(),
      })
    ).filter((p) => p.kind !== 'unexercised');
    expect(denied.map((p) => p.message)).toEqual([]);
    // The same calls on another Region's hub are denied: the grant is this account's hub, not "*".
    const elsewhere = calls.map((c) => ({
      ...c,
      resource: securityHubArn(PARTITION, 'eu-west-3', ACCOUNT_ID),
    }));
    const problems = await checkCalls(synthesized.template, elsewhere, {
      unexercisedAllowed: [],
      environment: policyEnvironment(),
    });
    expect(problems.filter((p) => p.kind === 'denied').map((p) => [p.functionId, p.action])).toEqual(
      calls.map((c) => [c.functionId, c.action]),
    );
  }, 120_000);

  /** Names as the emulator created them, for resolving the roles' intrinsics. */
  function policyEnvironment() {
    const base = testEnvironment(synthesized.template, {
      partition: PARTITION,
      account: ACCOUNT_ID,
      region: REGION,
    });
    return {
      ...base,
      ref: { ...base.ref, ...physicalIds.ref },
      attr: { ...base.attr, ...physicalIds.attr },
    };
  }

  it('every recorded call is allowed by its function role in the synthesized template, and every grant is used', async () => {
    // The roles as deployed (the template), the calls as sent (the recorder), the verdict from an
    // IAM policy simulator (test/policy/check.ts): a denied call or an unused grant fails here.
    const problems = await checkCalls(
      synthesized.template,
      [...recorder.calls(FUNCTION_IDS), ...simulated()],
      {
        unexercisedAllowed: unexercisedAllowed(),
        environment: policyEnvironment(),
      },
    );
    expect(problems.map((p) => p.message)).toEqual([]);
  }, 120_000);

  it('a Backout role without secretsmanager:PutSecretValue fails the check on the same recording: the retried restore needs it', async () => {
    const edited = withoutAction(synthesized.template, 'Backout', 'secretsmanager:PutSecretValue');
    const problems = await checkCalls(edited, [...recorder.calls(FUNCTION_IDS), ...simulated()], {
      unexercisedAllowed: unexercisedAllowed(),
      environment: policyEnvironment(),
    });
    expect(problems.map((p) => `${p.kind} ${p.functionId} ${p.action}`)).toEqual([
      'denied Backout secretsmanager:PutSecretValue',
    ]);
  }, 120_000);

  it('a role edited to drop one needed action fails the check on the same recording, naming function, action and resource', async () => {
    // Prepare: the template with RequestApproval's role no longer granting dynamodb:UpdateItem
    // (the call markMailed sends: the defect that once made every approval fail).
    const edited = withoutAction(synthesized.template, 'RequestApproval', 'dynamodb:UpdateItem');

    // Act
    const problems = await checkCalls(edited, [...recorder.calls(FUNCTION_IDS), ...simulated()], {
      unexercisedAllowed: unexercisedAllowed(),
      environment: policyEnvironment(),
    });

    // Assess
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) {
      expect(problem).toMatchObject({
        kind: 'denied',
        functionId: 'RequestApproval',
        action: 'dynamodb:UpdateItem',
      });
      expect(problem.message).toContain(
        `RequestApproval is denied dynamodb:UpdateItem on ${problem.resource}`,
      );
    }
    expect(problems[0]?.resource).toBe(
      `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${physicalIds.ref[tableLogicalId(synthesized.template)]}`,
    );
  }, 120_000);
});

/** The logical id of the template's table. */
const tableLogicalId = (template: CfnTemplate) => onlyResource(template, 'AWS::DynamoDB::Table')[0];

/**
 * A copy of the template in which one function's role no longer grants `action` (removed from
 * every statement of the policies attached to that role; a statement left empty is dropped).
 */
function withoutAction(template: CfnTemplate, functionId: string, action: string): CfnTemplate {
  const copy = structuredClone(template);
  const fn = Object.entries(copy.Resources).find(
    ([id, resource]) => resource.Type === 'AWS::Lambda::Function' && id.startsWith(`${functionId}Function`),
  )?.[1];
  const roleId = (fn?.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined)?.[
    'Fn::GetAtt'
  ]?.[0];
  if (!roleId) throw new Error(`no role for ${functionId}`);
  let removed = 0;
  for (const resource of Object.values(copy.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = (resource.Properties?.Roles ?? []) as { Ref?: string }[];
    if (!roles.some((role) => role.Ref === roleId)) continue;
    const document = resource.Properties?.PolicyDocument as { Statement: { Action: string | string[] }[] };
    document.Statement = document.Statement.flatMap((statement) => {
      const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
      const kept = actions.filter((a) => a !== action);
      removed += actions.length - kept.length;
      return kept.length === 0 ? [] : [{ ...statement, Action: kept }];
    });
  }
  if (removed === 0) throw new Error(`${functionId}'s role does not grant ${action}`);
  return copy;
}

/** A request and its answer as text, form bodies decoded (IAM and STS speak awsQuery). */
function wireText(request: WireRequest): string {
  const form = ['iam', 'sts'].includes(request.service)
    ? [...new URLSearchParams(request.body).values()].join('\n')
    : '';
  return `${request.body}\n${form}\n${request.responseBody}`;
}

/** What a request carrying a secret was: service and operation. */
function carrierName(request: WireRequest): string {
  const target = String(request.headers['x-amz-target'] ?? '')
    .split('.')
    .pop();
  const action = new URLSearchParams(request.body).get('Action');
  return `${request.service} ${target || action || request.path}`;
}
