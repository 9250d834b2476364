/**
 * Where runs are read from: Step Functions (and the evidence bucket) in AWS (cli/aws/runs.ts), or the
 * records and run directories a local home keeps (`credsweep demo`, `start --local`,
 * `backout --local`), here. Both give the same `RunView`s (cli/timeline/run-view.ts) and the same evidence
 * files, so every command has one code path for both.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Evidence } from '../handlers/core/evidence/schema.js';
import type { OrgEvidence } from '../handlers/core/organization/org-evidence.js';
import { InputError } from '../handlers/core/shared/errors.js';
import { EVIDENCE_FILES, runPrefix } from '../handlers/core/shared/run-keys.js';
import { listExecutionHeads, listExecutions as listLocal, readExecution } from './local/executions.js';
import { type ExecutionStatus, fromLocalEvents, localRecord } from './timeline/events.js';
import { type RunView, viewRun } from './timeline/run-view.js';

export type EvidenceFileName = (typeof EVIDENCE_FILES)[number];

export interface EvidenceFile {
  name: EvidenceFileName;
  /** null when the file does not exist (yet). */
  text: string | null;
}

/** A run as the execution list gives it, without its history. */
export interface RunListing {
  name: string;
  executionArn: string;
  /** A run of the organization workflow. */
  organization: boolean;
  status: ExecutionStatus;
  startDate: string;
  stopDate: string | null;
}

/** What reading one of a run's files needs: its execution ARN (a RunView or a RunListing's). */
export interface RunRef {
  execution: { executionArn: string };
}

export interface RunSource {
  kind: 'aws' | 'local';
  /** Where the runs are, for messages: the state machine ARN or the local home. */
  where: string;
  /** One run, with its whole history. */
  view(ref: string): Promise<RunView>;
  /** Recent runs, newest first, each from its newest events (enough for outcome and counts). */
  list(limit: number): Promise<RunView[]>;
  /** Every run started from `from` (included) to `to` (excluded), oldest first, from the execution lists alone. */
  between(from: Date, to: Date): Promise<RunListing[]>;
  /** The deployment's schedule expression (`rate(7 days)`, `cron(…)`) when known; null when not. */
  schedule: string | null;
  /**
   * The run's evidence directory: `s3://bucket/runs/<name>/` or a local path; null if unknown. With
   * `accountId` (organization runs): that account's folder, `…/runs/<name>/accounts/<id>/`.
   */
  evidenceLocation(run: RunRef, accountId?: string): string | null;
  /** The three evidence files of a run, or of one account of an organization run. */
  evidenceFiles(view: RunView, accountId?: string): Promise<EvidenceFile[]>;
  /** One file the run keeps under its prefix (`accounts.json`, `accounts/<id>/evidence.json`); null if absent. */
  file(run: RunRef, path: string): Promise<string | null>;
}

/** Where an account's folder is inside its organization run's prefix. */
export const accountFolder = (accountId?: string) => (accountId ? `accounts/${accountId}/` : '');

function readLocal(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export function localRuns(home: string): RunSource {
  const dir = (run: RunRef) => join(home, runPrefix(run.execution.executionArn));

  return {
    kind: 'local',
    where: resolve(home),
    async view(ref) {
      const execution = readExecution(home, ref);
      if (!execution) {
        throw new InputError(
          `no local run ${JSON.stringify(ref)} in ${join(home, 'executions')}; list them with \`credsweep history --local\`` +
            (home === '.credsweep' ? '' : ` --home ${home}`),
        );
      }
      return viewRun(localRecord(execution), fromLocalEvents(execution.events), {
        organization: isLocalOrganization(execution.stateMachineArn),
      });
    },
    async list(limit) {
      return listLocal(home)
        .slice(0, limit)
        .map((e) =>
          viewRun(localRecord(e), fromLocalEvents(e.events), {
            organization: isLocalOrganization(e.stateMachineArn),
          }),
        );
    },
    async between(from, to) {
      return listExecutionHeads(home)
        .filter((e) => e.startDate >= from.toISOString() && e.startDate < to.toISOString())
        .map((e) => ({
          name: e.name,
          executionArn: e.executionArn,
          organization: isLocalOrganization(e.stateMachineArn),
          status: e.status,
          startDate: e.startDate,
          stopDate: e.stopDate,
        }));
    },
    schedule: null,
    evidenceLocation(view, accountId) {
      return `${dir(view)}/${accountFolder(accountId)}`;
    },
    async evidenceFiles(view, accountId) {
      return EVIDENCE_FILES.map((name) => ({
        name,
        text: readLocal(join(dir(view), accountFolder(accountId), name)),
      }));
    },
    async file(run, path) {
      return readLocal(join(dir(run), path));
    },
  };
}

/** Local runs of the organization workflow run as `credsweep-organization` (cli/local/demo-run.ts). */
const isLocalOrganization = (stateMachineArn: string) =>
  stateMachineArn.endsWith(':stateMachine:credsweep-organization');

/**
 * The run's evidence.json (or, with `accountId`, that account's), or null when it has not been written
 * (yet) or cannot be read. An organization run's own evidence.json is its org summary: readOrgEvidence.
 */
export async function readEvidence(
  source: RunSource,
  view: RunView,
  accountId?: string,
): Promise<Evidence | null> {
  const json = await source.file(view, `${accountFolder(accountId)}evidence.json`);
  if (!json) return null;
  const parsed = JSON.parse(json) as Evidence | OrgEvidence;
  return parsed.schemaVersion === 2 && !('kind' in parsed) ? parsed : null;
}

/** The org summary of an organization run (its evidence.json), or null when not written (yet). */
export async function readOrgEvidence(source: RunSource, view: RunView): Promise<OrgEvidence | null> {
  const json = await source.file(view, 'evidence.json');
  if (!json) return null;
  const parsed = JSON.parse(json) as Evidence | OrgEvidence;
  return parsed.schemaVersion === 2 && 'kind' in parsed && parsed.kind === 'organization' ? parsed : null;
}
