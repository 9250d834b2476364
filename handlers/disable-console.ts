import { awsPorts } from './aws/ports.js';
import { batchEvent } from './core/events.js';
import { disableConsoleAccess } from './core/remediate.js';
import { parseWith } from './core/validate.js';
import type { Ports } from './ports/index.js';

/** Deletes the login profile of each approved, still-unused console password in the batch. */
export async function disableConsole(event: unknown, ports: Ports) {
  return disableConsoleAccess(ports, parseWith(batchEvent, event, 'DisableConsoleAccess event'));
}

export const handler = (event: unknown) => disableConsole(event, awsPorts());
