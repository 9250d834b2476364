/**
 * Writes a large sandbox account in the seed format, for `credsweep demo --seed`:
 *   npx tsx scripts/generate-seed.ts --users 5000 --stale 0.05 [--now ISO] [--rng 42] > seed-5000.json
 */
import { parseArgs } from 'node:util';
import { largeAccountSeed } from '../test/helpers/large-account.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '5000' },
    stale: { type: 'string', default: '0.05' },
    now: { type: 'string' },
    rng: { type: 'string', default: '42' },
  },
});
const seed = largeAccountSeed({
  users: Number(values.users),
  staleFraction: Number(values.stale),
  now: values.now ? new Date(values.now) : new Date(),
  seed: Number(values.rng),
});
process.stdout.write(`${JSON.stringify(seed)}\n`);
