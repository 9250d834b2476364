/** zod schemas of every task's event: what the state machine passes in (see the ASL Parameters). */
import * as z from 'zod';
import { OUTCOMES } from './outcomes.js';
import { runRequestSchema } from './request.js';

const executionId = z.string().min(1);
const errorInfo = z
  .object({ Error: z.string(), Cause: z.string().default('') })
  .nullable()
  .optional();

export const generateReportEvent = z.object({ attempt: z.number().int().min(0) });

export const analyzeEvent = z.object({ executionId, request: runRequestSchema });

export const batchEvent = z.object({
  executionId,
  approvalId: z.string().min(1),
  thresholdDays: z.number().int().min(1),
  batch: z.object({ index: z.number().int().min(0), key: z.string().min(1), size: z.number().int().min(0) }),
});

export const verifyEvent = z.object({ executionId });

export const backoutEvent = z.object({ executionId, request: runRequestSchema });

export const reportEvent = z.object({
  executionId,
  outcome: z.enum(OUTCOMES),
  request: runRequestSchema.optional(),
  approvalId: z.string().optional(),
  error: errorInfo,
  backoutError: errorInfo,
});
