import { awsPorts } from './aws/ports.js';
import { reportEvent } from './core/events.js';
import { reportRun } from './core/report-run.js';
import { parseWith } from './core/validate.js';
import type { Ports } from './ports/index.js';

/** Writes the run's evidence and mails the summary. */
export async function report(event: unknown, ports: Ports) {
  const { planKey: _planKey, ...task } = parseWith(reportEvent, event, 'Report event');
  return reportRun(ports, task);
}

export const handler = (event: unknown) => report(event, awsPorts());
