/**
 * The sandbox account's Security Hub: the SecurityHubPort over the seed's `securityHub.findings`
 * (ASFF), with Security Hub's own answers where credsweep can tell the difference: an account whose
 * seed has no `securityHub` is not subscribed (InvalidAccessException); BatchUpdateFindings takes 1
 * to 100 findings and a Note whose Text and UpdatedBy are 1 to 512 characters (else
 * InvalidInputException); unknown or repeated findings come back as UnprocessedFindings
 * (FindingNotFound, DuplicatedFindingIdentifier). `toSeed()` gives the findings back, updated.
 */
import { fromAsff } from '../../handlers/core/security-hub/asff.js';
import { updateProblem } from '../../handlers/core/security-hub/controls.js';
import type {
  CredentialFinding,
  FindingUpdate,
  SecurityHubPort,
  UnprocessedFinding,
} from '../../handlers/ports/security-hub.js';
import type { SeedFinding } from './seed.js';

export const SECURITY_HUB_OPERATIONS = ['GetFindings', 'BatchUpdateFindings'] as const;
export type SecurityHubOperation = (typeof SECURITY_HUB_OPERATIONS)[number];

/** Thrown by the sandbox's Security Hub: `name` is AWS's error code. */
export class SandboxSecurityHubError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Where the findings live between processes (a local home): read fresh, saved under the account's lock. */
export interface FindingsStore {
  /** The findings as last saved, when saved since this process last read or wrote them; else null. */
  changed(): SeedFinding[] | null;
  save(findings: SeedFinding[]): void;
  locked<T>(change: () => T): T;
}

export class SandboxSecurityHub implements SecurityHubPort {
  private findings: SeedFinding[] | null;
  private counts: Record<SecurityHubOperation, number> = { GetFindings: 0, BatchUpdateFindings: 0 };

  constructor(
    private readonly accountId: string,
    /** The seed's findings; undefined: Security Hub is not enabled in this account. */
    findings: SeedFinding[] | undefined,
    private readonly now: () => Date,
    private readonly store?: FindingsStore,
  ) {
    this.findings = findings ? structuredClone(findings) : null;
  }

  async findCredentialFindings(accountId: string): Promise<CredentialFinding[]> {
    this.counts.GetFindings += 1;
    const findings = this.subscribed();
    return findings.flatMap((f) => fromAsff(f, accountId) ?? []);
  }

  async updateFindings(update: FindingUpdate): Promise<{ unprocessed: UnprocessedFinding[] }> {
    this.counts.BatchUpdateFindings += 1;
    if (!this.store) return this.update(update);
    const store = this.store;
    return store.locked(() => {
      const done = this.update(update);
      if (this.findings) store.save(this.findings);
      return done;
    });
  }

  private update(update: FindingUpdate): { unprocessed: UnprocessedFinding[] } {
    const findings = this.subscribed();
    const problem = updateProblem(update);
    if (problem) throw new SandboxSecurityHubError('InvalidInputException', problem);
    const { text, updatedBy } = update.note;
    const unprocessed: UnprocessedFinding[] = [];
    const seen = new Set<string>();
    const at = this.now().toISOString();
    for (const ref of update.findings) {
      const key = `${ref.productArn} ${ref.id}`;
      if (seen.has(key)) {
        unprocessed.push({
          finding: ref,
          errorCode: 'DuplicatedFindingIdentifier',
          errorMessage: 'Finding Identifier is duplicated',
        });
        continue;
      }
      seen.add(key);
      const finding = findings.find((f) => f.Id === ref.id && f.ProductArn === ref.productArn);
      if (!finding) {
        unprocessed.push({ finding: ref, errorCode: 'FindingNotFound', errorMessage: 'Finding Not Found' });
        continue;
      }
      finding.Workflow = { ...finding.Workflow, Status: update.status };
      if ('WorkflowState' in finding) finding.WorkflowState = update.status;
      finding.Note = { Text: text, UpdatedBy: updatedBy, UpdatedAt: at };
    }
    return { unprocessed };
  }

  // ---- for the demo and the tests ----

  /** The findings in the seed format, updated; undefined when Security Hub is not enabled. */
  toSeed(): { findings: SeedFinding[] } | undefined {
    this.refresh();
    return this.findings ? { findings: structuredClone(this.findings) } : undefined;
  }

  calls(): Record<SecurityHubOperation, number> {
    return { ...this.counts };
  }

  private refresh(): void {
    const saved = this.store?.changed();
    if (saved) this.findings = saved;
  }

  private subscribed(): SeedFinding[] {
    this.refresh();
    if (!this.findings) {
      throw new SandboxSecurityHubError(
        'InvalidAccessException',
        `Account ${this.accountId} is not subscribed to AWS Security Hub`,
      );
    }
    return this.findings;
  }
}
