/**
 * Named errors. The name is what Step Functions sees as the task's Error (Lambda's errorType),
 * so the ASL's Retry/Catch and the execution history speak these names.
 */
export class CredsweepError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** The credential report cannot be read: names the line, the column and the user. */
export class ReportFormatError extends CredsweepError {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: string,
    readonly userName?: string,
  ) {
    super('ReportFormatError', message);
  }
}

/** A request (execution input, CLI option, HTTP body) that does not validate. */
export class InputError extends CredsweepError {
  constructor(message: string) {
    super('InputError', message);
  }
}

/** The run would disable more credentials than allowed; nothing was changed. */
export class BlastRadiusExceeded extends CredsweepError {
  constructor(count: number, limit: number) {
    super(
      'BlastRadiusExceeded',
      `This run would disable ${count} credentials, more than the limit of ${limit}. Nothing was changed. ` +
        'Narrow it (users, days) or raise maxCredentials in the run input if this is intended.',
    );
  }
}

/** The plan is too large for one approval record (handlers/core/shared/quotas.ts); nothing was changed. */
export class ApprovalTooLarge extends CredsweepError {
  constructor(problem: string) {
    super(
      'ApprovalTooLarge',
      `This run cannot ask for approval: ${problem}. Nobody was asked and nothing was changed. ` +
        'Run it in parts (accounts, OUs, users) or lower maxCredentials / maxCredentialsTotal.',
    );
  }
}

/** Live state after the change does not match the ledger. */
export class VerificationFailed extends CredsweepError {
  constructor(message: string) {
    super('VerificationFailed', message);
  }
}
