/**
 * The Security Hub rules (handlers/core/security-hub/) over the sandbox's Security Hub, which keeps
 * AWS's limits: which findings move, which never do, Security Hub's limits and failures.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { SandboxSecurityHub, SandboxSecurityHubError } from '../../cli/local/sandbox-security-hub.js';
import type { SeedFinding } from '../../cli/local/seed.js';
import type { Evidence } from '../../handlers/core/evidence/schema.js';
import { fromAsff } from '../../handlers/core/security-hub/asff.js';
import {
  controlName,
  isUnusedCredentialFinding,
  userNameOfArn,
} from '../../handlers/core/security-hub/controls.js';
import { notifyFindings, settleFindings } from '../../handlers/core/security-hub/follow-run.js';
import type { FindingUpdate } from '../../handlers/ports/security-hub.js';
import { type MemoryPorts, memoryPorts, samplePlan } from '../helpers/memory-ports.js';
import { userFinding } from '../helpers/seeds.js';
import { thrown } from '../helpers/thrown.js';

const ACCOUNT = '123456789012';
const RUN = 'run-2025-06-01';
const EXPIRES = '2025-06-02T12:00:00.000Z';
const at = (accountId = ACCOUNT) => ({ accountId });

function withFindings(ports: MemoryPorts, findings: SeedFinding[]): SandboxSecurityHub {
  ports.securityHub = new SandboxSecurityHub(ACCOUNT, findings, ports.now);
  return ports.securityHub;
}

const statusOf = (hub: SandboxSecurityHub, id: string) =>
  hub.toSeed()?.findings.find((f) => f.Id === id)?.Workflow?.Status;
const noteOf = (hub: SandboxSecurityHub, id: string) => hub.toSeed()?.findings.find((f) => f.Id === id)?.Note;

/** The evidence of a rejected run of samplePlan(), as collectEvidence builds it (only what the rules read). */
function rejectedEvidence(reason: string): Omit<Evidence, 'summary' | 'securityHub'> {
  const plan = samplePlan();
  const records = plan.items.map((item) => ({
    itemId: item.id,
    userName: item.userName,
    credential: item.credential,
    accessKeyId: item.accessKeyId ?? null,
    finding: null,
    approved: false,
    action: null,
    result: 'rejected' as const,
    skipReason: null,
    before: null,
    after: null,
    recordedAt: null,
    changedAt: null,
    liveLastUsed: null,
    restored: null,
    backoutSkipped: null,
    verification: null,
    deletion: null,
  }));
  return {
    schemaVersion: 2,
    execution: {
      id: `arn:aws:states:eu-west-1:${ACCOUNT}:execution:credsweep:${RUN}`,
      name: RUN,
      accountId: ACCOUNT,
      region: 'eu-west-1',
      stateMachineArn: null,
      mode: 'remediate',
      startedBy: null,
      request: null,
    },
    outcome: 'rejected',
    writtenAt: '2025-06-01T13:00:00.000Z',
    report: { generatedAt: null, asOf: plan.asOf, thresholdDays: 30, dryRun: false },
    findings: plan.analysis.findings,
    skipped: [],
    exempt: [],
    lifecycle: null,
    unresolved: [],
    approval: {
      approvalId: 'a',
      status: 'rejected',
      requestedAt: '2025-06-01T12:00:00.000Z',
      expiresAt: EXPIRES,
      approvers: ['alice.sec@example.com'],
      decision: {
        decision: 'rejected',
        approver: 'alice.sec@example.com',
        decidedAt: '2025-06-01T12:30:00.000Z',
        sourceIp: '203.0.113.7',
        userAgent: 'test',
        reason,
        selection: [],
      },
    },
    changes: [],
    unchanged: records,
    skippedAtRecheck: [],
    verification: null,
    backout: null,
    error: null,
    counts: {
      findings: 4,
      skippedUsers: 0,
      unresolved: 0,
      proposed: 4,
      approved: 0,
      disabled: 0,
      restored: 0,
      skippedAtRecheck: 0,
      notApproved: 0,
      verified: 0,
      verificationFailed: 0,
      resetRecently: 0,
      ownersWarned: 0,
      heldForWarning: 0,
      deleted: 0,
    },
  };
}

let ports: MemoryPorts;
beforeEach(() => {
  ports = memoryPorts();
});

describe('which findings credsweep follows', () => {
  it('IAM.8, IAM.22 and the CIS unused-credential rules on IAM users; nothing else', () => {
    const on = (generatorId: string, securityControlId: string | null, resourceType = 'AwsIamUser') =>
      isUnusedCredentialFinding({ generatorId, securityControlId, resourceType });
    expect(on('security-control/IAM.8', 'IAM.8')).toBe(true);
    expect(on('security-control/IAM.22', 'IAM.22')).toBe(true);
    expect(on('arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.3', null)).toBe(
      true,
    );
    expect(on('cis-aws-foundations-benchmark/v/1.4.0/1.12', null)).toBe(true);
    expect(on('cis-aws-foundations-benchmark/v/3.0.0/1.12', null)).toBe(true);
    // The standards' own controls AWS maps to IAM.8, as findings without consolidated controls carry them.
    expect(on('aws-foundational-security-best-practices/v/1.0.0/IAM.8', null)).toBe(true);
    expect(on('pci-dss/v/3.2.1/PCI.IAM.7', null)).toBe(true);
    expect(on('aws-foundational-security-best-practices/v/1.0.0/EC2.8', null)).toBe(false);
    expect(on('pci-dss/v/3.2.1/PCI.IAM.6', null)).toBe(false);
    expect(controlName({ generatorId: 'pci-dss/v/3.2.1/PCI.IAM.7', securityControlId: null })).toBe(
      'PCI.IAM.7 (IAM.8)',
    );
    expect(
      controlName({
        generatorId: 'aws-foundational-security-best-practices/v/1.0.0/IAM.8',
        securityControlId: null,
      }),
    ).toBe('IAM.8');
    expect(on('security-control/IAM.5', 'IAM.5')).toBe(false);
    expect(on('cis-aws-foundations-benchmark/v/1.4.0/1.14', null)).toBe(false);
    expect(on('security-control/IAM.8', 'IAM.8', 'AwsAccount')).toBe(false);
    expect(
      controlName({ generatorId: 'cis-aws-foundations-benchmark/v/1.4.0/1.12', securityControlId: null }),
    ).toBe('CIS 1.4.0 1.12');
    expect(userNameOfArn('arn:aws:iam::123456789012:user/team/ops/dave.ops')).toBe('dave.ops');
    expect(userNameOfArn('arn:aws:iam::123456789012:role/dave')).toBeNull();
  });
});

describe('notifyFindings (approval requested)', () => {
  it("moves the proposed users' open findings to NOTIFIED and leaves a person's RESOLVED or SUPPRESSED alone", async () => {
    const hub = withFindings(ports, [
      userFinding('IAM.8', 'carol', at()),
      userFinding('IAM.22', 'dave.ops', { ...at(), status: 'SUPPRESSED' }),
      userFinding('IAM.22', 'erin', at()),
      userFinding('IAM.8', 'carol', { ...at(), accountId: '999999999999' }),
    ]);
    const [carol, dave, erin, other] = hub.toSeed()?.findings ?? [];

    const step = await notifyFindings(ports, RUN, samplePlan(), EXPIRES);

    expect(step.status).toBe('updated');
    expect(statusOf(hub, carol?.Id ?? '')).toBe('NOTIFIED');
    expect(noteOf(hub, carol?.Id ?? '')).toEqual({
      Text: `credsweep run ${RUN}: approval requested to disable console password, access key AKIAIOSFODNN7CAROL01 (unused 30+ days). Nothing changes before an approver decides; the request expires ${EXPIRES}.`,
      UpdatedBy: `credsweep/${RUN}`,
      UpdatedAt: '2025-06-01T12:00:00.000Z',
    });
    expect(statusOf(hub, dave?.Id ?? '')).toBe('SUPPRESSED');
    expect(statusOf(hub, erin?.Id ?? '')).toBe('NEW');
    expect(statusOf(hub, other?.Id ?? '')).toBe('NEW');
    expect(step.findings.map((f) => [f.userName, f.action])).toEqual([
      ['carol', 'notified'],
      ['dave.ops', 'left'],
      ['erin', 'left'],
    ]);
  });

  it('never throws when Security Hub is not enabled: the step says so, as information', async () => {
    ports.securityHub = new SandboxSecurityHub(ACCOUNT, undefined, ports.now);
    const step = await notifyFindings(ports, RUN, samplePlan(), EXPIRES);
    expect(step).toMatchObject({ status: 'not-enabled', findings: [] });
    expect(step.reason).toBe(
      'Security Hub is not enabled in account 123456789012 in this Region: there are no findings to follow',
    );
  });

  it('a Security Hub that refuses credsweep (AccessDeniedException) is a failure to update, not "not enabled"', async () => {
    ports.securityHub = {
      findCredentialFindings: async () => {
        throw Object.assign(new Error('User is not authorized to perform: securityhub:GetFindings'), {
          name: 'AccessDeniedException',
        });
      },
      updateFindings: async () => ({ unprocessed: [] }),
    } as unknown as typeof ports.securityHub;
    const step = await notifyFindings(ports, RUN, samplePlan(), EXPIRES);
    expect(step.status).toBe('not-updated');
    expect(step.reason).toMatch(/^credsweep may not read or update Security Hub findings here/);
  });

  it('updates at most 100 findings per BatchUpdateFindings call', async () => {
    const many = Array.from({ length: 150 }, (_, i) => ({
      ...userFinding('IAM.8', 'carol', at()),
      Id: `arn:aws:securityhub:us-east-1:${ACCOUNT}:security-control/IAM.8/finding/${i}`,
    }));
    const hub = withFindings(ports, many);
    const step = await notifyFindings(ports, RUN, samplePlan(), EXPIRES);
    expect(step.status).toBe('updated');
    expect(hub.calls().BatchUpdateFindings).toBe(2);
    expect(hub.toSeed()?.findings.every((f) => f.Workflow?.Status === 'NOTIFIED')).toBe(true);
  });

  it('retries a ConcurrentUpdateError once and records a finding Security Hub would not take', async () => {
    const hub = withFindings(ports, [
      userFinding('IAM.8', 'carol', at()),
      userFinding('IAM.22', 'carol', at()),
    ]);
    const [first, second] = hub.toSeed()?.findings ?? [];
    const calls: FindingUpdate[] = [];
    const update = hub.updateFindings.bind(hub);
    ports.securityHub = Object.assign(Object.create(hub) as SandboxSecurityHub, {
      updateFindings: async (u: FindingUpdate) => {
        calls.push(u);
        if (calls.length === 1) {
          const ref = (id: string) => u.findings.find((f) => f.id === id) ?? { id, productArn: '' };
          return {
            unprocessed: [
              {
                finding: ref(first?.Id ?? ''),
                errorCode: 'ConcurrentUpdateError',
                errorMessage: 'Concurrent finding updates detected',
              },
              { finding: ref(second?.Id ?? ''), errorCode: 'InvalidInput', errorMessage: 'Invalid Input' },
            ],
          };
        }
        return update(u);
      },
    });

    const step = await notifyFindings(ports, RUN, samplePlan(), EXPIRES);

    expect(calls.map((c) => c.findings.map((f) => f.id))).toEqual([[first?.Id, second?.Id], [first?.Id]]);
    expect(step.status).toBe('partly-updated');
    expect(step.findings.find((f) => f.id === first?.Id)).toMatchObject({ after: 'NOTIFIED', error: null });
    expect(step.findings.find((f) => f.id === second?.Id)).toMatchObject({
      before: 'NEW',
      after: 'NEW',
      error: 'InvalidInput: Invalid Input',
    });
  });
});

describe('settleFindings (the run ends)', () => {
  it("rejected: NEW with the approver's reason, neutralised and within 512 characters", async () => {
    const hub = withFindings(ports, [userFinding('IAM.8', 'carol', { ...at(), status: 'NOTIFIED' })]);
    const id = hub.toSeed()?.findings[0]?.Id ?? '';
    const reason = `not now\u202e\u0007 ${'x'.repeat(900)}`;

    const step = await settleFindings(ports, rejectedEvidence(reason));

    expect(statusOf(hub, id)).toBe('NEW');
    const text = noteOf(hub, id)?.Text ?? '';
    expect(text).toMatch(
      new RegExp(
        `^credsweep run ${RUN}: rejected by alice.sec@example.com \\("not now\uFFFD\uFFFD x+…"\\); nothing was changed.$`,
      ),
    );
    expect([...text].length).toBeLessThanOrEqual(512);
    expect(step.findings[0]).toMatchObject({ action: 'reopened', before: 'NOTIFIED', after: 'NEW' });
  });
});

describe('settleFindings: every ending, and where credsweep and Security Hub disagree', () => {
  it('timed out: NEW, the note says no approver decided before the window closed', async () => {
    const hub = withFindings(ports, [userFinding('IAM.22', 'carol', { ...at(), status: 'NOTIFIED' })]);
    const id = hub.toSeed()?.findings[0]?.Id ?? '';
    const evidence = rejectedEvidence('');
    evidence.outcome = 'timed-out';
    if (evidence.approval) evidence.approval = { ...evidence.approval, status: 'pending', decision: null };

    const step = await settleFindings(ports, evidence);

    expect(statusOf(hub, id)).toBe('NEW');
    expect(noteOf(hub, id)?.Text).toBe(
      `credsweep run ${RUN}: no approver decided before ${EXPIRES}; nothing was changed.`,
    );
    expect(step.findings[0]).toMatchObject({ action: 'reopened', why: 'no approver decided in time' });
  });

  it('rejected: a finding a person RESOLVED or SUPPRESSED is left as they set it, and no update is sent for it', async () => {
    const hub = withFindings(ports, [userFinding('IAM.8', 'carol', { ...at(), status: 'SUPPRESSED' })]);
    const id = hub.toSeed()?.findings[0]?.Id ?? '';

    const step = await settleFindings(ports, rejectedEvidence('no'));

    expect(statusOf(hub, id)).toBe('SUPPRESSED');
    expect(noteOf(hub, id)).toBeUndefined();
    expect(hub.calls().BatchUpdateFindings).toBe(0);
    expect(step).toMatchObject({ status: 'unchanged' });
    expect(step.findings[0]?.why).toBe(
      'rejected by alice.sec@example.com; left SUPPRESSED as someone set it',
    );
  });

  it('exempt by the exemption list: SUPPRESSED, the note names the list as an accepted risk', async () => {
    const hub = withFindings(ports, [userFinding('IAM.22', 'break.glass', at())]);
    const id = hub.toSeed()?.findings[0]?.Id ?? '';
    const evidence = rejectedEvidence('no');
    evidence.exempt = [{ userName: 'break.glass', by: 'exemption-list', until: null }];

    await settleFindings(ports, evidence);

    expect(statusOf(hub, id)).toBe('SUPPRESSED');
    expect(noteOf(hub, id)?.Text).toBe(
      `credsweep run ${RUN}: break.glass is exempt by the exemption list, an accepted risk on record; credsweep does not change it.`,
    );
  });

  it('reset-recently: a user credsweep did not propose keeps its finding, and the evidence says why they disagree', async () => {
    const hub = withFindings(ports, [userFinding('IAM.8', 'gina', at())]);
    const evidence = rejectedEvidence('no');
    evidence.outcome = 'remediated';
    evidence.skipped = [{ userName: 'gina', reason: 'reset-recently', credential: 'console-password' }];

    const step = await settleFindings(ports, evidence);

    expect(hub.calls().BatchUpdateFindings).toBe(0);
    expect(step.findings[0]).toMatchObject({ userName: 'gina', action: 'left', before: 'NEW', after: 'NEW' });
    expect(step.findings[0]?.why).toContain(
      'credsweep ages it from the reset (reset-recently), Security Hub from the last use',
    );
  });

  it('reset-recently next to a disabled key: the finding is not RESOLVED (Security Hub still counts the password), it goes back to NEW saying why', async () => {
    const hub = withFindings(ports, [userFinding('IAM.8', 'carol', { ...at(), status: 'NOTIFIED' })]);
    const id = hub.toSeed()?.findings[0]?.Id ?? '';
    const evidence = rejectedEvidence('');
    evidence.outcome = 'remediated';
    const carolKey = evidence.unchanged.find(
      (r) => r.userName === 'carol' && r.credential !== 'console-password',
    );
    if (!carolKey) throw new Error('samplePlan has no key of carol');
    evidence.changes = [
      {
        ...carolKey,
        approved: true,
        result: 'disabled',
        verification: { ok: true, observed: 'Inactive' } as never,
      },
    ];
    evidence.unchanged = [];
    evidence.skipped = [{ userName: 'carol', reason: 'reset-recently', credential: 'console-password' }];

    const step = await settleFindings(ports, evidence);

    expect(statusOf(hub, id)).toBe('NEW');
    expect(noteOf(hub, id)?.Text).toBe(
      `credsweep run ${RUN}: disabled access key ${carolKey.accessKeyId}, but its console password was set again after its last use: credsweep ages it from the reset (reset-recently), Security Hub from the last use, so the finding stays open.`,
    );
    expect(step.findings[0]).toMatchObject({ action: 'reopened', after: 'NEW' });
  });
});

describe("the sandbox keeps Security Hub's limits", () => {
  it('rejects more than 100 findings and notes longer than 512 characters, as BatchUpdateFindings does', async () => {
    const hub = withFindings(ports, [userFinding('IAM.8', 'carol', at())]);
    const ref = { id: 'x', productArn: 'y' };
    const note = { text: 'n', updatedBy: 'credsweep/run' };
    const tooMany = await thrown(() =>
      hub.updateFindings({ findings: Array.from({ length: 101 }, () => ref), status: 'NEW', note }),
    );
    expect(tooMany).toBeInstanceOf(SandboxSecurityHubError);
    expect(tooMany).toMatchObject({ name: 'InvalidInputException' });
    const longNote = await thrown(() =>
      hub.updateFindings({ findings: [ref], status: 'NEW', note: { ...note, text: 'n'.repeat(513) } }),
    );
    expect(longNote).toMatchObject({
      name: 'InvalidInputException',
      message: 'Note.Text must be 1 to 512 characters, got 513',
    });
    const unknown = await hub.updateFindings({ findings: [ref, ref], status: 'NEW', note });
    expect(unknown.unprocessed.map((u) => u.errorCode)).toEqual([
      'FindingNotFound',
      'DuplicatedFindingIdentifier',
    ]);
  });
});

describe('settleFindings: the lifecycle', () => {
  it('leaves a finding whose owner was warned (naming the dates), names break-glass and unreadable exemptions, and suppresses a dated exemption with its day', async () => {
    // Prepare: a run that only warned olga's owner; bg is break-glass, ivan's tag unreadable, fay exempt through a day.
    const hub = withFindings(ports, [
      userFinding('IAM.8', 'olga', at()),
      userFinding('IAM.8', 'bg', at()),
      userFinding('IAM.8', 'ivan', at()),
      userFinding('IAM.8', 'fay', at()),
    ]);
    const ids = Object.fromEntries(
      (hub.toSeed()?.findings ?? []).map((f) => [userNameOfArn(f.Resources?.[0]?.Id ?? '') ?? '', f.Id]),
    );
    const base = rejectedEvidence('unused');
    const evidence: Omit<Evidence, 'summary' | 'securityHub'> = {
      ...base,
      outcome: 'nothing-to-do',
      approval: null,
      changes: [],
      unchanged: [],
      skipped: [
        { userName: 'bg', reason: 'break-glass' },
        { userName: 'ivan', reason: 'exempt-tag-invalid', value: 'until March' },
        { userName: 'fay', reason: 'exempt-tag', until: '2025-06-20' },
      ],
      exempt: [{ userName: 'fay', by: 'tag', until: '2025-06-20' }],
      lifecycle: {
        warnDays: 7,
        deleteAfterDays: null,
        consoleAction: 'disable',
        ownerTagKey: 'credsweep:owner',
        warnings: [
          {
            userName: 'olga',
            credential: 'console-password',
            accessKeyId: null,
            owner: 'owner@example.com',
            lastUsed: '2025-04-01T00:00:00.000Z',
            daysUnused: 61,
            stale: true,
            warnedAt: '2025-06-01T12:00:00.000Z',
            warnedBy: RUN,
            disableFrom: '2025-06-08T12:00:00.000Z',
            mailed: true,
            proposed: false,
          },
        ],
        breakGlass: [],
        ownerTagInvalid: [],
        exemptions: [{ userName: 'fay', until: '2025-06-20', expired: false }],
      },
    };

    // Act
    const step = await settleFindings(ports, evidence);

    // Assess
    const why = (user: string) => step.findings.find((f) => f.id === ids[user])?.why ?? '';
    expect(statusOf(hub, ids.olga ?? '')).toBe('NEW');
    expect(why('olga')).toBe('its owner was warned on 2025-06-01; credsweep may disable it from 2025-06-08');
    expect(why('bg')).toMatch(/^a break-glass user/);
    expect(why('ivan')).toMatch(/exemption tag is neither true nor a day/);
    expect(statusOf(hub, ids.fay ?? '')).toBe('SUPPRESSED');
    expect(noteOf(hub, ids.fay ?? '')?.Text).toContain('credsweep:exempt=2025-06-20 (through that day, UTC)');
  });
});

describe('a finding is settled only in the account its user ARN names', () => {
  const finding = (userArn: string) => ({
    Id: 'f-1',
    ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub',
    GeneratorId: 'security-control/IAM.8',
    AwsAccountId: '111122223333',
    Compliance: { Status: 'FAILED', SecurityControlId: 'IAM.8' },
    Resources: [{ Type: 'AwsIamUser', Id: userArn }],
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
  });

  it("follows a finding whose user is in the run's account, and leaves one naming another account's user", () => {
    expect(fromAsff(finding('arn:aws:iam::111122223333:user/alice'), '111122223333')).not.toBeNull();
    expect(fromAsff(finding('arn:aws:iam::444455556666:user/alice'), '111122223333')).toBeNull();
  });
});
