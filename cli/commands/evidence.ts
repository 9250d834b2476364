/**
 * `credsweep evidence <execution> [--out DIR]`: copies a run's evidence (evidence.json, findings.csv,
 * report.html) from the bucket (S3 GetObject) or the local run directory into DIR.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../handlers/core/errors.js';
import { printError } from '../output.js';
import type { SourceFlags } from '../source-options.js';
import { printJson, printLine, runSource } from './common.js';

export interface EvidenceFlags extends SourceFlags {
  out?: string;
}

export async function evidence(ref: string, flags: EvidenceFlags): Promise<void> {
  const source = await runSource(flags, true);
  const view = await source.view(ref);
  const name = view.execution.name;
  const from = source.evidenceLocation(view) ?? source.where;
  const files = await source.evidenceFiles(view);
  if (!files.find((f) => f.name === 'evidence.json')?.text) {
    throw new InputError(
      view.execution.status === 'RUNNING'
        ? `${name} is still running; its evidence is written when it ends (credsweep status ${name}).`
        : `no evidence.json for ${name} in ${from}: the run ended before its Report task ran (credsweep show ${name}).`,
    );
  }
  const dir = resolve(flags.out ?? join('credsweep-evidence', name));
  writable(dir, () => mkdirSync(dir, { recursive: true }));
  const written: { name: string; path: string; bytes: number }[] = [];
  for (const file of files) {
    if (file.text === null) {
      printError(`warning: ${from}${file.name} does not exist (a run reported before it was added)`);
      continue;
    }
    const path = join(dir, file.name);
    const text = file.text;
    writable(path, () => writeFileSync(path, text));
    written.push({ name: file.name, path, bytes: Buffer.byteLength(file.text) });
  }
  if (flags.json) {
    printJson({ execution: view.execution.executionArn, name, from, dir, files: written });
    return;
  }
  printLine(`Evidence of ${name} (${view.outcome}) from ${from}:`);
  for (const f of written) printLine(`  ${f.path}  (${f.bytes} bytes)`);
  printLine(
    'Open report.html in a browser to read or print it; evidence.json is the record (docs/compliance.md).',
  );
}

/** A file problem (--out names a file, no permission, disk full) as one line naming the path. */
function writable(path: string, write: () => void): void {
  try {
    write();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why: Record<string, string> = {
      EEXIST: 'it exists and is not a directory',
      ENOTDIR: 'a part of the path is a file, not a directory',
      EISDIR: 'it is a directory',
      EACCES: 'permission denied',
      EROFS: 'the file system is read-only',
      ENOSPC: 'no space left on the device',
    };
    throw new InputError(`cannot write the evidence to ${path}: ${why[e.code ?? ''] ?? e.message}`);
  }
}
