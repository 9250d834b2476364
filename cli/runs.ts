/**
 * Where runs are read from: Step Functions (and the evidence bucket) in AWS (cli/aws/runs.ts), or the
 * records and run directories a local home keeps (`credsweep demo`, `start --local`,
 * `backout --local`), here. Both give the same `RunView`s (cli/timeline.ts) and the same evidence
 * files, so every command has one code path for both.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../handlers/core/errors.js';
import { EVIDENCE_FILES, type Evidence } from '../handlers/core/evidence.js';
import { runPrefix } from '../handlers/core/plan.js';
import { listExecutions as listLocal, readExecution } from './local/executions.js';
import { fromLocalEvents, localRecord, type RunView, viewRun } from './timeline.js';

export type EvidenceFileName = (typeof EVIDENCE_FILES)[number];

export interface EvidenceFile {
  name: EvidenceFileName;
  /** null when the file does not exist (yet). */
  text: string | null;
}

export interface RunSource {
  kind: 'aws' | 'local';
  /** Where the runs are, for messages: the state machine ARN or the local home. */
  where: string;
  /** One run, with its whole history. */
  view(ref: string): Promise<RunView>;
  /** Recent runs, newest first, each from its newest events (enough for outcome and counts). */
  list(limit: number): Promise<RunView[]>;
  /** The run's evidence directory: `s3://bucket/runs/<name>/` or a local path; null if unknown. */
  evidenceLocation(view: RunView): string | null;
  /** The three evidence files of a run. */
  evidenceFiles(view: RunView): Promise<EvidenceFile[]>;
}

export function localRuns(home: string): RunSource {
  const dir = (view: RunView) => join(home, runPrefix(view.execution.executionArn));
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
      return viewRun(localRecord(execution), fromLocalEvents(execution.events));
    },
    async list(limit) {
      return listLocal(home)
        .slice(0, limit)
        .map((e) => viewRun(localRecord(e), fromLocalEvents(e.events)));
    },
    evidenceLocation(view) {
      return `${dir(view)}/`;
    },
    async evidenceFiles(view) {
      return EVIDENCE_FILES.map((name) => {
        try {
          return { name, text: readFileSync(join(dir(view), name), 'utf8') };
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { name, text: null };
          throw err;
        }
      });
    },
  };
}

/** The run's evidence.json, or null when it has not been written (yet) or cannot be read. */
export async function readEvidence(source: RunSource, view: RunView): Promise<Evidence | null> {
  const files = await source.evidenceFiles(view);
  const json = files.find((f) => f.name === 'evidence.json')?.text;
  if (!json) return null;
  const parsed = JSON.parse(json) as Evidence;
  return parsed.schemaVersion === 2 ? parsed : null;
}
