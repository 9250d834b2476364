import { awsPorts } from './aws/ports.js';
import { verifyEvent } from './core/events.js';
import { parseWith } from './core/validate.js';
import { verifyRun } from './core/verify.js';
import type { Ports } from './ports/index.js';

/** Reads back every change of the run from live IAM state; fails (and so backs out) on a mismatch. */
export async function verify(event: unknown, ports: Ports) {
  const { executionId } = parseWith(verifyEvent, event, 'Verify event');
  return verifyRun(ports, executionId);
}

export const handler = (event: unknown) => verify(event, awsPorts());
