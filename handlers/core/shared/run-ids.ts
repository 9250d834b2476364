/**
 * Run ids. An organization run keeps each account's plan, ledger and evidence under the account's
 * own run id, so every rule applies to one account as it does to a single-account run.
 */

/** The run id of one account of an organization run: its ledger, plan and evidence live under it. */
export const accountRunId = (executionId: string, accountId?: string) =>
  accountId ? `${executionId}/accounts/${accountId}` : executionId;

/** The organization run and the account of an account run id (the inverse of accountRunId). */
export function splitAccountRunId(runId: string): { executionId: string; accountId: string | null } {
  const match = /^(.*)\/accounts\/(\d{12})$/.exec(runId);
  return match
    ? { executionId: match[1] ?? runId, accountId: match[2] ?? null }
    : { executionId: runId, accountId: null };
}
