/** The execution input: what an admin, the schedule or `credsweep start/backout` may ask for. */
import * as z from 'zod';
import { CONSOLE_ACTIONS } from './defaults.js';
import { InputError } from './errors.js';
import { MAX_PLAN_CREDENTIALS, quotaProblem } from './quotas.js';

/** IAM's user name pattern. */
export const userNameSchema = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'not a valid IAM user name');

export const runRequestSchema = z
  .object({
    mode: z.enum(['remediate', 'backout']).default('remediate'),
    days: z.number().int().min(1).max(3650).optional(),
    users: z.array(userNameSchema).min(1).optional(),
    exemptUsers: z.array(userNameSchema).optional(),
    dryRun: z.boolean().optional(),
    /** Raises (or lowers) the blast-radius guard for this run; bounded by the quotas (maxCredentialsOf). */
    maxCredentials: z.number().int().min(0).max(MAX_PLAN_CREDENTIALS).optional(),
    /** Lifecycle overrides for this run (docs/lifecycle.md); 0 turns warnings / the delete stage off. */
    warnDays: z.number().int().min(0).max(365).optional(),
    deleteAfterDays: z.number().int().min(0).max(3650).optional(),
    consoleAction: z.enum(CONSOLE_ACTIONS).optional(),
    /** With mode=backout: the execution (ARN or name) whose changes to restore. */
    backoutOf: z.string().min(1).optional(),
    /** Who started it, for the record (the CLI fills in the caller identity). */
    startedBy: z.string().max(256).optional(),
    /** Organization runs: only these member accounts (default: every ACTIVE account). */
    accounts: z
      .array(z.string().regex(/^\d{12}$/, 'not a 12-digit AWS account id'))
      .min(1)
      .optional(),
    /** Organization runs: only the accounts of these OUs (and the OUs below them). */
    ous: z
      .array(
        z.string().regex(/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/, 'not an OU or root id'),
      )
      .min(1)
      .optional(),
    /** Organization runs: the blast-radius limit of all accounts together (default 500). */
    maxCredentialsTotal: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((r) => r.mode !== 'backout' || r.backoutOf !== undefined, {
    message: 'mode "backout" needs backoutOf: the execution to restore',
    path: ['backoutOf'],
  });

export type RunRequest = z.infer<typeof runRequestSchema>;

/**
 * The execution ARN of `nameOrArn`: an ARN as it is, a bare name as an execution of the same state
 * machine as `currentExecutionId` (the ledger is keyed by ARN; admins type names).
 */
export function executionArnOf(nameOrArn: string, currentExecutionId: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  return currentExecutionId.replace(/:[^:]*$/, `:${nameOrArn}`);
}

/**
 * The blast-radius limit of a run: the request's `maxCredentials` override, else the deployment's.
 * An override that, with the deployment's `batchSize`, could exceed Step Functions' quotas is an
 * InputError naming both, raised before anything is asked or changed.
 */
export function maxCredentialsOf(
  request: Pick<RunRequest, 'maxCredentials'>,
  settings: { maxCredentials: number; batchSize: number },
): number {
  const limit = request.maxCredentials ?? settings.maxCredentials;
  const problem = quotaProblem(limit, settings.batchSize);
  if (problem) {
    throw new InputError(
      `${request.maxCredentials !== undefined ? 'The run input is refused: ' : ''}${problem}. Nothing was changed.`,
    );
  }
  return limit;
}
