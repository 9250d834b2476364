/**
 * `credsweep evidence <execution> [--out DIR]`: copies a run's evidence (evidence.json, findings.csv,
 * report.html) from the bucket (S3 GetObject) or the local run directory into DIR.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../handlers/core/errors.js';
import { addSourceOptions, printJson, runSource, type SourceFlags } from './common.js';

interface EvidenceFlags extends SourceFlags {
  out?: string;
}

export function registerEvidence(program: Command): void {
  const command = program
    .command('evidence')
    .description("copy a run's evidence (evidence.json, findings.csv, report.html) into a directory")
    .argument('<execution>', 'the run: its name or execution ARN')
    .option('--out <dir>', 'where to write the files (default ./credsweep-evidence/<execution name>)');
  addSourceOptions(command, { bucket: true }).action(async (ref: string, flags: EvidenceFlags) => {
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
    mkdirSync(dir, { recursive: true });
    const written: { name: string; path: string; bytes: number }[] = [];
    for (const file of files) {
      if (file.text === null) {
        console.error(
          `credsweep: warning: ${from}${file.name} does not exist (a run reported before it was added)`,
        );
        continue;
      }
      const path = join(dir, file.name);
      writeFileSync(path, file.text);
      written.push({ name: file.name, path, bytes: Buffer.byteLength(file.text) });
    }
    if (flags.json) {
      printJson({ execution: view.execution.executionArn, name, from, dir, files: written });
      return;
    }
    console.log(`Evidence of ${name} (${view.outcome}) from ${from}:`);
    for (const f of written) console.log(`  ${f.path}  (${f.bytes} bytes)`);
    console.log(
      'Open report.html in a browser to read or print it; evidence.json is the record (docs/compliance.md).',
    );
  });
}
