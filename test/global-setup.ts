/**
 * Before any suite: builds dist/cli/ from the current source (scripts/build.ts, about a second), so
 * the tests that run the `credsweep` bin as a user does never run a stale build.
 */
import { buildCli } from '../scripts/build.js';

export default async function setup(): Promise<void> {
  await buildCli();
}
