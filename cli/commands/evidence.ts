/**
 * `credsweep evidence <execution> [--out DIR] [--account ID]`: copies a run's evidence (evidence.json,
 * findings.csv, report.html) from the bucket (S3 GetObject) or the local run directory into DIR.
 * An organization run's is its org summary and one folder per account (`accounts/<id>/`, which the
 * summary's report.html links to); `--account` copies only that account's folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../handlers/core/shared/errors.js';
import { inBatches } from '../org-run.js';
import { printError } from '../output.js';
import { accountFolder, type EvidenceFile } from '../runs.js';
import { commandHint } from '../source-options.js';
import { orgOf } from './accounts.js';
import { printJson, printLine, runSource } from './common.js';
import type { RunFlags } from './status.js';

export interface EvidenceFlags extends RunFlags {
  out?: string;
}

export async function evidence(ref: string, flags: EvidenceFlags): Promise<void> {
  const source = await runSource(flags, true);
  const view = await source.view(ref);
  const name = view.execution.name;
  const { org, account } = await orgOf(source, view, flags.account);
  const accountId = account?.accountId;
  const from = source.evidenceLocation(view, accountId) ?? source.where;
  const files = await source.evidenceFiles(view, accountId);
  if (!files.find((f) => f.name === 'evidence.json')?.text) {
    throw new InputError(
      view.execution.status === 'RUNNING'
        ? `${name} is still running; its evidence is written when it ends (${commandHint(flags)(`status ${name}`)}).`
        : `no evidence.json for ${name}${accountId ? ` account ${accountId}` : ''} in ${from}: the run ended before its Report task ran (${commandHint(flags)(`show ${name}`)}).`,
    );
  }
  // The org summary's report.html links to each account's folder: they come with it.
  const folders: { accountId?: string; files: EvidenceFile[] }[] = [
    { ...(accountId ? { accountId } : {}), files },
  ];
  if (org && !account) {
    folders.push(
      ...(await inBatches(org.accounts, 8, async (a) => ({
        accountId: a.accountId,
        files: await source.evidenceFiles(view, a.accountId),
      }))),
    );
  }
  const dir = resolve(flags.out ?? join('credsweep-evidence', accountId ? `${name}-${accountId}` : name));
  const written: { name: string; path: string; bytes: number; accountId?: string }[] = [];
  for (const folder of folders) {
    const into = join(dir, account ? '' : accountFolder(folder.accountId));
    writable(into, () => mkdirSync(into, { recursive: true }));
    for (const file of folder.files) {
      if (file.text === null) {
        printError(
          `warning: ${source.evidenceLocation(view, folder.accountId) ?? from}${file.name} does not exist (a run reported before it was added)`,
        );
        continue;
      }
      const path = join(into, file.name);
      const text = file.text;
      writable(path, () => writeFileSync(path, text));
      written.push({
        name: file.name,
        path,
        bytes: Buffer.byteLength(file.text),
        ...(folder.accountId ? { accountId: folder.accountId } : {}),
      });
    }
  }
  if (flags.json) {
    printJson({
      execution: view.execution.executionArn,
      name,
      ...(view.organization ? { organization: true } : {}),
      ...(account ? { account } : {}),
      ...(org && !account ? { accounts: org.accounts } : {}),
      from,
      dir,
      files: written,
    });
    return;
  }
  if (account) {
    printLine(
      `Evidence of account ${account.accountId} ${account.name} (${account.outcome}) in ${name} from ${from}:`,
    );
  } else {
    printLine(
      `Evidence of ${name} (${view.outcome}) from ${from}` +
        (org ? `: the org summary and ${org.accounts.length} account folders` : '') +
        ':',
    );
  }
  const shown = org && !account ? written.filter((f) => !f.accountId) : written;
  for (const f of shown) printLine(`  ${f.path}  (${f.bytes} bytes)`);
  if (org && !account) {
    printLine(`  ${join(dir, 'accounts')}/<account id>/  (${written.length - shown.length} files)`);
  }
  printLine(
    'Open report.html in a browser to read or print it; evidence.json is the record (docs/compliance.md).',
  );
}

/** A file problem (--out names a file, no permission, disk full) as one line naming the path. */
export function writable(path: string, write: () => void, what = 'the evidence'): void {
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
    throw new InputError(`cannot write ${what} to ${path}: ${why[e.code ?? ''] ?? e.message}`);
  }
}
