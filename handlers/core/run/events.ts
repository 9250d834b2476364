/** zod schemas of every task's event: what the state machine passes in (see the ASL Parameters). */
import * as z from 'zod';
import { OUTCOMES } from '../shared/outcomes.js';
import { runRequestSchema } from '../shared/request.js';

const executionId = z.string().min(1);
/** Set by the organization workflow: the member account a task works on (absent: the hub's own). */
const accountId = z
  .string()
  .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
  .optional();
const errorInfo = z
  .object({ Error: z.string(), Cause: z.string().default('') })
  .nullable()
  .optional();

export const generateReportEvent = z.object({ attempt: z.number().int().min(0), accountId });

export const analyzeEvent = z.object({ executionId, request: runRequestSchema, accountId });

export const batchEvent = z.object({
  executionId,
  approvalId: z.string().min(1),
  thresholdDays: z.number().int().min(1),
  batch: z.object({ index: z.number().int().min(0), key: z.string().min(1), size: z.number().int().min(0) }),
  accountId,
});

export const verifyEvent = z.object({ executionId, accountId });

export const backoutEvent = z.object({ executionId, request: runRequestSchema, accountId });

export const reportEvent = z.object({
  executionId,
  outcome: z.enum(OUTCOMES),
  request: runRequestSchema.optional(),
  approvalId: z.string().optional(),
  error: errorInfo,
  backoutError: errorInfo,
  accountId,
});

/** The organization tasks: list the accounts, build the one plan, write the org summary. */
export const orgEvent = z.object({ executionId, request: runRequestSchema });

export const accountPlanEvent = z.object({ executionId, accountId: accountId.unwrap() });

export const orgReportEvent = z.object({
  executionId,
  outcome: z.enum(OUTCOMES),
  request: runRequestSchema,
  /** null until an approval was requested. */
  approvalId: z
    .string()
    .nullish()
    .transform((v) => v ?? undefined),
  error: errorInfo,
});
