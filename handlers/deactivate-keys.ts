import { awsPorts } from './aws/ports.js';
import { batchEvent } from './core/events.js';
import { deactivateAccessKeys } from './core/remediate.js';
import { parseWith } from './core/validate.js';
import type { Ports } from './ports/index.js';

/** Sets each approved, still-unused access key of the batch to Inactive (never deletes it). */
export async function deactivateKeys(event: unknown, ports: Ports) {
  return deactivateAccessKeys(ports, parseWith(batchEvent, event, 'DeactivateAccessKeys event'));
}

export const handler = (event: unknown) => deactivateKeys(event, awsPorts());
