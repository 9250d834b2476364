/**
 * Findings follow the run (DESIGN.md "Security Hub"): the rules that decide what each IAM.8 /
 * IAM.22 / CIS unused-credential finding of the account becomes at each moment of a run, and the
 * one place that applies them through the SecurityHubPort.
 *
 * - approval requested: the findings of the users in the plan go to NOTIFIED;
 * - every stale credential of the user disabled and verified: RESOLVED;
 * - rejected, not approved, timed out, skipped at re-check, backed out: back to NEW, with why;
 * - exempt (list or tag): SUPPRESSED, naming the exemption;
 * - a requested backout: the findings the backed-out run resolved go back to NEW.
 *
 * Security Hub never decides the run: a failure to read or update findings is recorded in the
 * evidence (with AWS's reason, e.g. "not subscribed") and the run goes on.
 */
import type { Ports } from '../../ports/index.js';
import type {
  CredentialFinding,
  FindingRef,
  SecurityHubPort,
  WorkflowStatus,
} from '../../ports/security-hub.js';
import type {
  CredentialRecord,
  Evidence,
  FindingAction,
  FindingRecord,
  SecurityHubEvidence,
  SecurityHubStep,
} from '../evidence/schema.js';
import { accountRunId, splitAccountRunId } from '../shared/run-ids.js';
import { evidenceKey, runPrefix } from '../shared/run-keys.js';
import type { Plan } from '../shared/types.js';
import { controlName, MAX_FINDINGS_PER_UPDATE, userNameOfArn } from './controls.js';
import { describeAll, note, quoted, runNames, updatedBy } from './notes.js';

export const notifiedKey = (runPrefix: string) => `${runPrefix}/security-hub-notified.json`;

/**
 * Security Hub off in the account (GetFindings answers InvalidAccessException, "not subscribed"):
 * nothing to follow, which is information, not a failure of the run.
 */
export const notEnabledText = (accountId: string) =>
  `Security Hub is not enabled in account ${accountId} in this Region: there are no findings to follow`;

/** Why Security Hub could not be used, in words (the error's AWS name kept). */
export function unavailableReason(err: unknown, accountId: string): string {
  const name = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'AccountUnreachable') {
    return `${message}, so its Security Hub findings were left untouched`;
  }
  if (name === 'InvalidAccessException') return notEnabledText(accountId);
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    return `credsweep may not read or update Security Hub findings here, so they were not updated (${name}: ${message})`;
  }
  return `Security Hub findings were not updated (${name}: ${message})`;
}

interface Decision {
  status: WorkflowStatus | null;
  action: FindingAction;
  why: string;
  note: string | null;
}

const left = (why: string): Decision => ({ status: null, action: 'left', why, note: null });

/** Statuses credsweep may move to NEW or NOTIFIED: its own, never a person's RESOLVED or SUPPRESSED. */
const OPEN: readonly WorkflowStatus[] = ['NEW', 'NOTIFIED'];

function reopen(f: CredentialFinding, why: string, text: string): Decision {
  if (!OPEN.includes(f.workflowStatus)) {
    return left(`${why}; left ${f.workflowStatus} as someone set it`);
  }
  return { status: 'NEW', action: 'reopened', why, note: note(text) };
}

function baseRecord(f: CredentialFinding) {
  return {
    id: f.id,
    productArn: f.productArn,
    control: controlName(f),
    userName: userNameOfArn(f.userArn),
    complianceStatus: f.complianceStatus,
    before: f.workflowStatus,
  };
}

/** Applies the decisions: one BatchUpdateFindings per (status, note), at most 100 findings a call. */
async function apply(
  hub: SecurityHubPort,
  decided: { finding: CredentialFinding; decision: Decision }[],
  author: string,
): Promise<FindingRecord[]> {
  const errors = new Map<string, string>();
  const groups = new Map<string, { status: WorkflowStatus; text: string; refs: FindingRef[] }>();
  for (const { finding, decision } of decided) {
    if (decision.status === null || decision.note === null) continue;
    const key = `${decision.status}\n${decision.note}`;
    const group = groups.get(key) ?? { status: decision.status, text: decision.note, refs: [] };
    group.refs.push({ id: finding.id, productArn: finding.productArn });
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    for (let i = 0; i < group.refs.length; i += MAX_FINDINGS_PER_UPDATE) {
      const refs = group.refs.slice(i, i + MAX_FINDINGS_PER_UPDATE);
      const update = { status: group.status, note: { text: group.text, updatedBy: author } };
      try {
        let { unprocessed } = await hub.updateFindings({ ...update, findings: refs });
        // A concurrent update or an internal failure is worth one more try; the rest are final.
        const again = unprocessed.filter((u) =>
          ['ConcurrentUpdateError', 'InternalFailure'].includes(u.errorCode),
        );
        if (again.length > 0) {
          const retried = await hub.updateFindings({ ...update, findings: again.map((u) => u.finding) });
          unprocessed = [...unprocessed.filter((u) => !again.includes(u)), ...retried.unprocessed];
        }
        for (const u of unprocessed) errors.set(u.finding.id, `${u.errorCode}: ${u.errorMessage}`);
      } catch (err) {
        const reason = `${err instanceof Error ? err.name : 'Error'}: ${err instanceof Error ? err.message : String(err)}`;
        for (const ref of refs) errors.set(ref.id, reason);
      }
    }
  }
  return decided.map(({ finding, decision }) => {
    const error = errors.get(finding.id) ?? null;
    const changed = decision.status !== null && error === null;
    return {
      ...baseRecord(finding),
      after: changed && decision.status ? decision.status : finding.workflowStatus,
      action: decision.action,
      why: decision.why,
      note: decision.note,
      error,
    };
  });
}

function stepStatus(records: FindingRecord[]): SecurityHubStep['status'] {
  const asked = records.filter((r) => r.note !== null);
  if (asked.length === 0) return 'unchanged';
  return asked.some((r) => r.error !== null) ? 'partly-updated' : 'updated';
}

/** Reads the account's findings and applies `decide` to each; never throws for Security Hub's sake. */
async function step(
  ports: Ports,
  run: string,
  decide: (f: CredentialFinding) => Decision,
): Promise<SecurityHubStep> {
  const at = ports.now().toISOString();
  const accountId = ports.settings.accountId;
  let findings: CredentialFinding[];
  try {
    findings = await ports.securityHub.findCredentialFindings(accountId);
  } catch (err) {
    const status =
      err instanceof Error && err.name === 'InvalidAccessException' ? 'not-enabled' : 'not-updated';
    return { at, status, reason: unavailableReason(err, accountId), findings: [] };
  }
  const decided = findings.map((finding) => ({ finding, decision: decide(finding) }));
  const records = await apply(ports.securityHub, decided, updatedBy(run));
  const status = stepStatus(records);
  return {
    at,
    status,
    reason:
      status === 'partly-updated'
        ? 'Security Hub did not take some updates; each such finding shows its error'
        : null,
    findings: records,
  };
}

// ---- approval requested ----------------------------------------------------------------------

/** At approval request: the findings of each user in the plan go to NOTIFIED, naming the run and the proposal. */
export async function notifyFindings(
  ports: Ports,
  run: string,
  plan: Plan,
  expiresAt: string,
): Promise<SecurityHubStep> {
  const proposed = new Map<string, Plan['items']>();
  for (const item of plan.items) proposed.set(item.userName, [...(proposed.get(item.userName) ?? []), item]);
  const label = runNames(run).label;
  return step(ports, run, (f) => {
    const userName = userNameOfArn(f.userArn);
    const items = userName ? proposed.get(userName) : undefined;
    if (!items) return left("not in this run's proposal");
    if (!OPEN.includes(f.workflowStatus)) {
      return left(`proposed for approval; left ${f.workflowStatus} as someone set it`);
    }
    const creds = describeAll(
      items.map((i) => ({ credential: i.credential, accessKeyId: i.accessKeyId ?? null })),
    );
    return {
      status: 'NOTIFIED',
      action: 'notified',
      why: `proposed for approval in run ${label}`,
      note: note(
        `credsweep run ${label}: approval requested to disable ${creds} (unused ${plan.thresholdDays}+ days). ` +
          `Nothing changes before an approver decides; the request expires ${expiresAt}.`,
      ),
    };
  });
}

// ---- the run's end -------------------------------------------------------------------------------

type RunEvidence = Omit<Evidence, 'summary' | 'securityHub'>;

/** A credential counts as settled when it is disabled and verified, or was found already off or gone. */
function settled(r: CredentialRecord): boolean {
  if (r.result === 'disabled') return r.verification?.ok === true;
  return r.result === 'skipped' && (r.skipReason === 'already-disabled' || r.skipReason === 'gone');
}

const SKIP_WORDS: Record<string, string> = {
  'used-since-report': 'used since the credential report',
  'already-disabled': 'already disabled',
  gone: 'no longer exists',
  'exempt-tag': 'tagged exempt during the approval window',
  'not-changed': 'not changed',
  'not-approved': 'left out by the approver',
};

function whyNot(r: CredentialRecord): string {
  switch (r.result) {
    case 'skipped':
      return SKIP_WORDS[r.skipReason ?? ''] ?? 'skipped';
    case 'not-approved':
      return 'left out by the approver';
    case 'unresolved':
      return 'not found in IAM any more';
    case 'disabled':
      return 'disabled but not verified';
    default:
      return r.result.replace(/-/g, ' ');
  }
}

/** Why a user credsweep did not propose may still have a finding. */
const SKIPPED_USER: Record<string, string> = {
  'not-selected': 'not among the users this run was asked to handle',
  root: 'the root user is never changed by credsweep',
  'reset-recently':
    'its console password was set again after its last use: credsweep ages it from the reset (reset-recently), Security Hub from the last use',
  'break-glass':
    'a break-glass user (credsweep:break-glass=true): never changed by credsweep; test its credentials instead',
  'exempt-tag-invalid':
    'its exemption tag is neither true nor a day YYYY-MM-DD: credsweep never acts on an unclear intent; fix the tag',
};

interface EndContext {
  /** For a requested backout: the findings the backed-out run resolved. */
  backoutResolved: Set<string>;
  /** Where the run's evidence is, as a person finds it (an S3 URL or a local path). */
  evidenceAt: string;
  exemptTagKey: string;
}

function decideAtEnd(e: RunEvidence, ctx: EndContext, f: CredentialFinding): Decision {
  const names = runNames(e.execution.name);
  const run = names.label;
  const userName = userNameOfArn(f.userArn);
  if (userName === null) return left('its resource is not an IAM user ARN credsweep can read');

  if (e.execution.mode === 'backout') {
    const source = runNames(sourceRunOf(e)?.split(':').pop() ?? '?').label;
    const restored = [...e.changes, ...e.unchanged].filter(
      (r) => r.userName === userName && r.result === 'restored',
    );
    if (!ctx.backoutResolved.has(f.id)) return left(`run ${source} did not resolve it`);
    if (restored.length === 0) return left(`this backout restored no credential of ${userName}`);
    if (f.workflowStatus !== 'RESOLVED')
      return left(`resolved by ${source}, but now ${f.workflowStatus}; left as it is`);
    return {
      status: 'NEW',
      action: 'reopened',
      why: `backout ${run} restored ${describeAll(restored)} that run ${source} had disabled`,
      note: note(
        `credsweep backout ${run} restored ${describeAll(restored)} that run ${source} disabled; ` +
          `the finding is open again. Evidence: ${names.evidence}.`,
      ),
    };
  }

  if (e.outcome === 'dry-run') return left('dry run: nothing was asked or changed');
  if (e.outcome === 'unreachable' || e.outcome === 'suspended') {
    return left(
      `account ${f.awsAccountId} was ${e.outcome === 'suspended' ? 'suspended' : 'not reachable through the member role'}: ` +
        'credsweep read and changed nothing there',
    );
  }
  if (e.outcome === 'failed') {
    return left(
      `the run stopped before approval (${e.error?.Error ?? 'error'}): nothing was asked or changed`,
    );
  }

  const exempt = e.exempt.find((x) => x.userName === userName);
  const records = [...e.changes, ...e.unchanged].filter((r) => r.userName === userName);
  const tagSkip = records.some((r) => r.result === 'skipped' && r.skipReason === 'exempt-tag');
  if (exempt || tagSkip) {
    const tag = exempt?.until
      ? `the tag ${ctx.exemptTagKey}=${exempt.until} (through that day, UTC)`
      : `the tag ${ctx.exemptTagKey}=true`;
    const by =
      exempt?.by === 'exemption-list'
        ? 'the exemption list'
        : exempt
          ? tag
          : `${tag} (set during the approval window)`;
    if (f.workflowStatus === 'SUPPRESSED') return left(`exempt by ${by}; already SUPPRESSED`);
    return {
      status: 'SUPPRESSED',
      action: 'suppressed',
      why: `exempt by ${by}: an accepted risk`,
      note: note(
        `credsweep run ${run}: ${userName} is exempt by ${by}, an accepted risk on record; credsweep does not change it.`,
      ),
    };
  }

  if (records.length === 0) {
    // The lifecycle: a stale credential of a user with an owner waits for the owner's warning.
    const held = e.lifecycle?.warnings.filter((w) => w.userName === userName && !w.proposed) ?? [];
    if (held.length > 0) {
      const w = held[0] as (typeof held)[number];
      return left(
        `its owner was warned on ${w.warnedAt.slice(0, 10)}; credsweep may disable it from ${w.disableFrom.slice(0, 10)}`,
      );
    }
    const skipped = e.skipped.find((s) => s.userName === userName);
    if (skipped) return left(SKIPPED_USER[skipped.reason] ?? `skipped by credsweep (${skipped.reason})`);
    const days = e.report?.thresholdDays ?? '?';
    return left(
      `credsweep found no credential of ${userName} unused for ${days} days or more as of ${e.report?.asOf ?? e.writtenAt} ` +
        '(Security Hub may have evaluated before a recent use, or the user no longer exists)',
    );
  }

  const decision = e.approval?.decision ?? null;
  switch (e.outcome) {
    case 'remediated': {
      const disabled = records.filter((r) => r.result === 'disabled');
      const reset = e.skipped.find((s) => s.userName === userName && s.reason === 'reset-recently');
      if (reset && records.every(settled) && disabled.length > 0) {
        // Where credsweep and Security Hub disagree: the finding is not resolved by this run.
        const why = `disabled ${describeAll(disabled)}, but ${SKIPPED_USER['reset-recently']}, so the finding stays open`;
        return reopen(f, why, `credsweep run ${run}: ${why}.`);
      }
      if (records.every(settled) && disabled.length > 0) {
        const verifiedAt = e.verification?.verifiedAt ?? '?';
        const approver = decision?.approver ?? 'an approver';
        return {
          status: 'RESOLVED',
          action: 'resolved',
          why: `every stale credential of ${userName} disabled and verified`,
          note: note(
            `credsweep run ${run} disabled ${describeAll(disabled)}, approved by ${approver} at ${decision?.decidedAt ?? '?'}, ` +
              `verified ${verifiedAt}. Evidence: ${ctx.evidenceAt}. Back out: ${names.backout}.`,
          ),
        };
      }
      const open = records.filter((r) => !settled(r));
      const reasons = open.map((r) => `${describeAll([r])} ${whyNot(r)}`).join('; ');
      const done = disabled.length > 0 ? `disabled ${describeAll(disabled)}; ` : '';
      return reopen(
        f,
        `not every stale credential was disabled: ${reasons}`,
        `credsweep run ${run}: ${done}not disabled: ${reasons}.`,
      );
    }
    case 'rejected':
      return reopen(
        f,
        `rejected by ${decision?.approver ?? 'an approver'}`,
        `credsweep run ${run}: rejected by ${decision?.approver ?? 'an approver'}` +
          `${decision?.reason ? ` (${quoted(decision.reason)})` : ''}; nothing was changed.`,
      );
    case 'nothing-approved':
      return reopen(
        f,
        `not approved by ${decision?.approver ?? 'the approver'}`,
        `credsweep run ${run}: the approver kept this account's credentials out; nothing was changed here.`,
      );
    case 'timed-out':
      return reopen(
        f,
        'no approver decided in time',
        `credsweep run ${run}: no approver decided before ${e.approval?.expiresAt ?? 'the window closed'}; nothing was changed.`,
      );
    case 'backed-out':
    case 'backout-failed':
      return reopen(
        f,
        `the run ${e.outcome === 'backed-out' ? 'was backed out' : 'could not finish its backout'}`,
        `credsweep run ${run}: ${e.error ? `${e.error.Error}; ` : ''}` +
          (e.outcome === 'backed-out'
            ? `the run was backed out and ${userName}'s credentials restored.`
            : `the backout could not finish; see ${names.evidence}.`),
      );
    default:
      return left(`run ended ${e.outcome}`);
  }
}

/**
 * At the run's end (the Report task): every finding of the account, what credsweep did with it and
 * why. `backoutResolved`: for a requested backout, the ids of the findings the backed-out run resolved.
 */
export async function settleFindings(
  ports: Ports,
  evidence: RunEvidence,
  backoutResolved: Set<string> = new Set(),
): Promise<SecurityHubStep> {
  const ctx: EndContext = {
    backoutResolved,
    evidenceAt: `${ports.settings.evidenceLocation ?? ''}${runPrefix(evidence.execution.id)}/`,
    exemptTagKey: ports.settings.exemptTagKey,
  };
  return step(ports, evidence.execution.name, (f) => decideAtEnd(evidence, ctx, f));
}

/**
 * The run a backout restores, as the run that resolved the findings: for one account of an
 * organization backout, that account's run of the backed-out organization run.
 */
function sourceRunOf(e: Pick<RunEvidence, 'execution' | 'backout'>): string | null {
  const source = e.backout?.sourceExecutionId;
  if (!source) return null;
  const { accountId } = splitAccountRunId(e.execution.id);
  return accountId && splitAccountRunId(source).accountId === null ? accountRunId(source, accountId) : source;
}

/** The ids of the findings a run resolved, from its evidence (none when it has no evidence). */
async function resolvedBy(ports: Ports, executionId: string): Promise<Set<string>> {
  try {
    const source = JSON.parse(await ports.blobs.get(evidenceKey(executionId))) as Partial<Evidence>;
    return new Set(
      (source.securityHub?.findings ?? [])
        .filter((f) => f.action === 'resolved' && f.after === 'RESOLVED')
        .map((f) => f.id),
    );
  } catch (err) {
    if ((err as Error).name === 'NoSuchKey') return new Set();
    throw err;
  }
}

/** The Report task's Security Hub step: settles the findings and gathers the section of the evidence. */
export async function followFindingsAtEnd(ports: Ports, evidence: RunEvidence): Promise<SecurityHubEvidence> {
  const notified = await ports.blobs
    .get(notifiedKey(runPrefix(evidence.execution.id)))
    .then((text) => JSON.parse(text) as SecurityHubStep)
    .catch((err: Error) => {
      if (err.name === 'NoSuchKey') return null;
      throw err;
    });
  const source = sourceRunOf(evidence);
  const backoutResolved =
    evidence.execution.mode === 'backout' && source ? await resolvedBy(ports, source) : new Set<string>();
  const end = await settleFindings(ports, evidence, backoutResolved);
  if (evidence.outcome === 'suspended' && end.status === 'not-updated') {
    // Its findings are out of reach because the account is suspended, not because of a role.
    const reason = `Account ${evidence.execution.accountId} is suspended, so its Security Hub findings were not read`;
    return { ...end, reason, notified };
  }
  return { ...end, notified };
}
