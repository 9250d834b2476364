/** The execution input: what an admin, the schedule or `credsweep start/backout` may ask for. */
import * as z from 'zod';
import {
  CONSOLE_ACTIONS,
  DEFAULT_APPROVALS_REQUIRED,
  DEFAULT_DELETE_APPROVALS_REQUIRED,
  MAX_APPROVALS_REQUIRED,
} from './defaults.js';
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
    /** Raises the approval quorum for this run (never lowers the deployment's): see quorumOf. */
    approvalsRequired: z.number().int().min(1).max(MAX_APPROVALS_REQUIRED).optional(),
    /** Raises the quorum of a plan that deletes anything, for this run (never lowers it). */
    deleteApprovalsRequired: z.number().int().min(1).max(MAX_APPROVALS_REQUIRED).optional(),
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

/** The deployment's quorum settings (Settings, with their defaults). */
export interface QuorumSettings {
  approverEmails: readonly string[];
  approvalsRequired?: number;
  deleteApprovalsRequired?: number;
}

/**
 * How many different people must approve a run: `approvalsRequired`, or `deleteApprovalsRequired`
 * when the plan deletes anything (whichever is larger). A run's input may raise either, never lower
 * it: a lower value is an InputError naming the setting. A quorum larger than the number of distinct
 * approvers could never be reached: an InputError naming both settings, raised before anyone is asked.
 */
export function quorumOf(
  request: Pick<RunRequest, 'approvalsRequired' | 'deleteApprovalsRequired'>,
  settings: QuorumSettings,
  deletes: boolean,
): number {
  const base = settings.approvalsRequired ?? DEFAULT_APPROVALS_REQUIRED;
  const forDelete = settings.deleteApprovalsRequired ?? DEFAULT_DELETE_APPROVALS_REQUIRED;
  const lowered = [
    ['approvalsRequired', request.approvalsRequired, base],
    ['deleteApprovalsRequired', request.deleteApprovalsRequired, forDelete],
  ] as const;
  for (const [name, asked, deployed] of lowered) {
    if (asked !== undefined && asked < deployed) {
      throw new InputError(
        `The run input is refused: ${name} ${asked} would lower the deployment's quorum (${deployed}); a run may raise it, never lower it. Nothing was changed.`,
      );
    }
  }
  const required = Math.max(
    request.approvalsRequired ?? base,
    deletes ? (request.deleteApprovalsRequired ?? forDelete) : 0,
  );
  const people = new Set(settings.approverEmails.map((a) => a.toLowerCase())).size;
  if (required > people) {
    throw new InputError(
      `The quorum cannot be reached: ${required} approvals are required (approvalsRequired ${request.approvalsRequired ?? base}, deleteApprovalsRequired ${request.deleteApprovalsRequired ?? forDelete}${deletes ? ', the plan deletes' : ''}) but only ${people} approver${people === 1 ? ' is' : 's are'} configured (approverEmails). Nothing was changed.`,
    );
  }
  return required;
}
