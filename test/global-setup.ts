/**
 * Before any suite: builds dist/ from the current source (scripts/build.ts: the command and the
 * Lambda bundles, a few seconds), so the tests that run the `credsweep` bin or synthesize the stack
 * never use a stale build.
 */
import { buildAll } from '../scripts/build.js';

export default async function setup(): Promise<void> {
  await buildAll();
}
