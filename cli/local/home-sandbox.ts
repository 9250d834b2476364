/**
 * A local home's sandbox (docs/local-home.md): every account and organization the home has seen,
 * kept as its runs left them, so another demo, a concurrent backout or a killed process loses
 * nothing. Under `<home>/sandbox/`:
 *
 *   current.json                          what `start --local` runs over: the last demo's account or organization
 *   organizations/<management id>.json    an organization: its accounts' ids, names, OUs, status, member role
 *   accounts/<id>/account.json            the account as a demo last seeded it (seed format)
 *   accounts/<id>/users/<user>.json       a user as changed since: replaces its entry of account.json
 *   accounts/<id>/security-hub.json       the account's findings as changed since
 *   accounts/<id>/lock                    held (with its pid) while a change is written
 *
 * Each change is one small file of one user, written before the IAM call returns. A home written by
 * an earlier credsweep (one `<home>/sandbox.json`) is taken in on first use.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CredsweepError } from '../../handlers/core/shared/errors.js';
import { LOCAL_STATE_MACHINES, readExecution } from './executions.js';
import { withFileLock } from './file-lock.js';
import { readJson, safeName, writeFileAtomic } from './files.js';
import type { SandboxStore } from './sandbox-account.js';
import {
  type AnySeed,
  isOrganizationSeed,
  type OrganizationSeed,
  type OrgSeedAccount,
  parseAnySeed,
  type Seed,
  type SeedFinding,
  type SeedUser,
} from './seed.js';

type Target = { accountId: string } | { organization: string };
type OrgMember = Pick<OrgSeedAccount, 'accountId' | 'name' | 'ou' | 'status' | 'memberRole'>;
interface OrgFile {
  managementAccountId: string;
  accounts: OrgMember[];
}

const root = (home: string) => join(home, 'sandbox');
const currentFile = (home: string) => join(root(home), 'current.json');
const orgFile = (home: string, managementAccountId: string) =>
  join(root(home), 'organizations', `${managementAccountId}.json`);
const accountDir = (home: string, accountId: string) => join(root(home), 'accounts', accountId);
const accountFile = (home: string, accountId: string) => join(accountDir(home, accountId), 'account.json');
const usersDir = (home: string, accountId: string) => join(accountDir(home, accountId), 'users');
const userFile = (home: string, accountId: string, userName: string) =>
  join(usersDir(home, accountId), `${safeName(userName)}.json`);
const findingsFile = (home: string, accountId: string) =>
  join(accountDir(home, accountId), 'security-hub.json');
const lockFile = (home: string, accountId: string) => join(accountDir(home, accountId), 'lock');
/** The one file of a home written by credsweep before homes kept every account. */
const legacyFile = (home: string) => join(home, 'sandbox.json');

const pretty = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The sandbox accounts' state in a home, shared by every process using the home (the SandboxStore). */
export class HomeSandbox implements SandboxStore {
  /** What this process last read or wrote of each file: a file that differs was saved by another. */
  private readonly seen = new Map<string, string>();

  constructor(private readonly home: string) {}

  changedUser(accountId: string, userName: string): SeedUser | null {
    return this.changed<SeedUser>(userFile(this.home, accountId, userName));
  }

  saveUser(accountId: string, user: SeedUser): void {
    this.save(userFile(this.home, accountId, user.userName), user);
  }

  changedFindings(accountId: string): SeedFinding[] | null {
    return this.changed<{ findings: SeedFinding[] }>(findingsFile(this.home, accountId))?.findings ?? null;
  }

  saveFindings(accountId: string, findings: SeedFinding[]): void {
    this.save(findingsFile(this.home, accountId), { findings });
  }

  locked<T>(accountId: string, change: () => T): T {
    return withFileLock(lockFile(this.home, accountId), change);
  }

  private changed<T>(path: string): T | null {
    const stat = statSync(path, { bigint: true, throwIfNoEntry: false });
    if (!stat) return null;
    const version = `${stat.ino}:${stat.size}:${stat.mtimeNs}`;
    if (this.seen.get(path) === version) return null;
    const value = readJson<T>(path);
    this.seen.set(path, version);
    return value;
  }

  private save(path: string, value: unknown): void {
    writeFileAtomic(path, pretty(value));
    const stat = statSync(path, { bigint: true });
    this.seen.set(path, `${stat.ino}:${stat.size}:${stat.mtimeNs}`);
  }
}

/**
 * Seeds the home with a demo's account or organization: each of its accounts starts again from the
 * seed (other accounts of the home stay as they are), and it becomes the home's current one.
 */
export function seedHome(home: string, seed: AnySeed): void {
  if (isOrganizationSeed(seed)) {
    const { managementAccountId, accounts } = seed.organization;
    const members: OrgMember[] = accounts.map(({ accountId, name, ou, status, memberRole, ...state }) => {
      seedAccount(home, { accountId, ...state });
      return { accountId, name, ou, status, memberRole };
    });
    writeFileAtomic(orgFile(home, managementAccountId), pretty({ managementAccountId, accounts: members }));
    writeFileAtomic(currentFile(home), pretty({ organization: managementAccountId }));
  } else {
    seedAccount(home, seed);
    writeFileAtomic(currentFile(home), pretty({ accountId: seed.accountId }));
  }
}

function seedAccount(home: string, seed: Seed): void {
  mkdirSync(accountDir(home, seed.accountId), { recursive: true });
  withFileLock(lockFile(home, seed.accountId), () => {
    writeFileAtomic(accountFile(home, seed.accountId), pretty(seed));
    rmSync(usersDir(home, seed.accountId), { recursive: true, force: true });
    rmSync(findingsFile(home, seed.accountId), { force: true });
  });
}

/**
 * The account or organization a local run works on, as the home has it now, in the seed format:
 * the one `run` (a name or execution ARN) ran over, or without a run the home's current one.
 */
export function loadLocalAccount(home: string, run?: string): AnySeed {
  takeInLegacyHome(home);
  const target = (run && targetOfRun(home, run)) || readJson<Target>(currentFile(home));
  if (!target) {
    throw new CredsweepError(
      'NoLocalAccount',
      `no local account in ${home}: run \`credsweep demo\` first (it keeps the account in ${root(home)})`,
    );
  }
  const seed =
    'organization' in target
      ? readOrganization(home, target.organization)
      : readAccount(home, target.accountId);
  if (!seed) {
    const what =
      'organization' in target ? `organization ${target.organization}` : `account ${target.accountId}`;
    throw new CredsweepError(
      'NoLocalAccount',
      `${home} no longer has the ${what}${run ? ` that ${run} ran over` : ''} (a home of an earlier ` +
        'credsweep kept only its last demo): nothing was run or changed',
    );
  }
  return seed;
}

/** The account or organization of a local run, from its execution ARN (its hub account, its workflow). */
function targetOfRun(home: string, run: string): Target | null {
  const arn = run.startsWith('arn:') ? run : readExecution(home, run)?.executionArn;
  const [, , , , hub, , stateMachine] = arn?.split(':') ?? [];
  if (!hub) return null;
  return stateMachine === LOCAL_STATE_MACHINES.organization ? { organization: hub } : { accountId: hub };
}

function readAccount(home: string, accountId: string): Seed | null {
  const seeded = readJson<Seed>(accountFile(home, accountId));
  if (!seeded) return null;
  const findings = readJson<{ findings: SeedFinding[] }>(findingsFile(home, accountId));
  return {
    ...seeded,
    users: seeded.users.map((user) => readJson<SeedUser>(userFile(home, accountId, user.userName)) ?? user),
    ...(findings ? { securityHub: findings } : {}),
  };
}

function readOrganization(home: string, managementAccountId: string): OrganizationSeed | null {
  const org = readJson<OrgFile>(orgFile(home, managementAccountId));
  if (!org) return null;
  const accounts: OrgSeedAccount[] = [];
  for (const member of org.accounts) {
    const account = readAccount(home, member.accountId);
    if (!account) return null;
    const { accountId: _id, ...state } = account;
    accounts.push({ ...member, ...state });
  }
  return { organization: { managementAccountId, accounts } };
}

/**
 * A home of an earlier credsweep keeps its one account in `<home>/sandbox.json`: before the home is
 * first used, it is taken in as the home's current account (replacing the accounts of the same ids)
 * and renamed `sandbox.json.migrated`.
 */
export function takeInLegacyHome(home: string): void {
  if (!existsSync(legacyFile(home))) return;
  mkdirSync(root(home), { recursive: true });
  withFileLock(join(root(home), 'migrate.lock'), () => {
    const path = legacyFile(home);
    if (!existsSync(path)) return; // another process took it in meanwhile
    seedHome(home, parseAnySeed(readFileSync(path, 'utf8'), path));
    renameSync(path, `${path}.migrated`);
  });
}
