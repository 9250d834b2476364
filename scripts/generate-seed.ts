/**
 * Writes a large sandbox account, or organization, in the seed format, for `credsweep demo --seed`:
 *   npx tsx scripts/generate-seed.ts --users 5000 --stale 0.05 [--now ISO] [--rng 42] > seed-5000.json
 *   npx tsx scripts/generate-seed.ts --org 1000 --users 5 > org-1000.json   (1,000 accounts of 5 users)
 */
import { parseArgs } from 'node:util';
import { largeAccountSeed } from '../test/helpers/large-account.js';
import { largeOrganizationSeed } from '../test/helpers/large-organization.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '5000' },
    stale: { type: 'string', default: '0.05' },
    now: { type: 'string' },
    rng: { type: 'string', default: '42' },
    org: { type: 'string' },
  },
});
const options = {
  staleFraction: Number(values.stale),
  now: values.now ? new Date(values.now) : new Date(),
  seed: Number(values.rng),
};
const seed = values.org
  ? largeOrganizationSeed({ ...options, accounts: Number(values.org), usersPerAccount: Number(values.users) })
  : largeAccountSeed({ ...options, users: Number(values.users) });
process.stdout.write(`${JSON.stringify(seed)}\n`);
