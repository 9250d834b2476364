/**
 * Where a run keeps its things in the blob store (S3 locally a folder): one place for every key.
 */

/** Execution ids are ARNs; only their last segment (the name) is used. */
export function runPrefix(executionId: string): string {
  const name = executionId.split(':').pop() ?? executionId;
  return `runs/${name}`;
}

export const planKey = (executionId: string) => `${runPrefix(executionId)}/plan.json`;
export const batchKey = (executionId: string, index: number) =>
  `${runPrefix(executionId)}/batches/${String(index).padStart(4, '0')}.json`;

/** How far the approval is (ApprovalProgress): written while it waits for more approvals; `status` reads it. */
export const approvalProgressKey = (executionId: string) => `${runPrefix(executionId)}/approval.json`;
export const evidenceKey = (executionId: string) => `${runPrefix(executionId)}/evidence.json`;
export const findingsCsvKey = (executionId: string) => `${runPrefix(executionId)}/findings.csv`;
export const reportHtmlKey = (executionId: string) => `${runPrefix(executionId)}/report.html`;

/** The three files of a run's evidence, as named in its directory (S3 prefix or local `runs/<name>/`). */
export const EVIDENCE_FILES = ['evidence.json', 'findings.csv', 'report.html'] as const;

/** An organization run's accounts, as ListAccounts stored them. */
export const accountsKey = (executionId: string) => `${runPrefix(executionId)}/accounts.json`;
