/**
 * `credsweep status <execution> [--account ID]`: where a run is, or how it ended, with its counts;
 * for an organization run, each account's outcome (or one account's, with --account).
 */
import { commandHint, type SourceFlags } from '../source-options.js';
import { accountLines, accountsLines, orgOf } from './accounts.js';
import { describeRun, printJson, printLine, runJson, runSource, withApprovalProgress } from './common.js';

export interface RunFlags extends SourceFlags {
  /** Organization runs: only this account. */
  account?: string;
}

export async function status(ref: string, flags: RunFlags): Promise<void> {
  const source = await runSource(flags);
  const view = await withApprovalProgress(source, await source.view(ref));
  const evidenceAt = view.execution.status === 'RUNNING' ? null : source.evidenceLocation(view);
  const { org, account, note } = await orgOf(source, view, flags.account);
  if (flags.json) {
    printJson({
      ...runJson(view, evidenceAt),
      ...(org ? { accounts: org.accounts } : {}),
      ...(account ? { account } : {}),
    });
    return;
  }
  const command = commandHint(flags);
  const lines = describeRun(view, evidenceAt, command);
  if (account) {
    lines.push(
      '',
      ...accountLines(
        account,
        source.evidenceLocation(view, account.accountId),
        view.execution.name,
        command,
      ),
    );
  } else if (org) {
    if (org.summary) lines.push('', org.summary);
    lines.push(...accountsLines(org));
  } else if (note) {
    lines.push('', `(${note})`);
  }
  for (const line of lines) printLine(line);
}
