/**
 * The sandbox account: an in-memory stand-in for IAM that the local engine, the demo and the tests
 * run against. It behaves as IAM does where credsweep can tell the difference: AWS error names,
 * the credential report's exact CSV, its generation states, its 4-hour reuse and its snapshot
 * semantics (changes show only in a report generated after them).
 */
import { BREAK_GLASS_TAG_KEY, DEFAULT_EXEMPT_TAG_KEY } from '../../handlers/core/shared/defaults.js';
import type {
  AccessKeyInfo,
  IamPort,
  LoginProfileInfo,
  PasswordPolicy,
  ReportState,
  UserInfo,
} from '../../handlers/ports/iam.js';
import { passwordPolicyViolations } from './password-policy.js';
import { SandboxSecurityHub } from './sandbox-security-hub.js';
import { type Seed, type SeedFinding, type SeedUser, validateSeed } from './seed.js';

/** The IAM operations the sandbox answers, as AWS names them (and as `calls()` counts them). */
export const IAM_OPERATIONS = [
  'GenerateCredentialReport',
  'GetCredentialReport',
  'GetUser',
  'ListAccessKeys',
  'GetAccessKeyLastUsed',
  'GetLoginProfile',
  'DeleteLoginProfile',
  'CreateLoginProfile',
  'UpdateAccessKey',
  'GetAccountPasswordPolicy',
  'UpdateLoginProfile',
  'DeleteAccessKey',
  'ListUsers',
] as const;
export type IamOperation = (typeof IAM_OPERATIONS)[number];

/** The credential report's columns, in AWS's order. */
export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

/** A generated report is reused (GenerateCredentialReport answers COMPLETE) while younger than this. */
export const REPORT_REUSE_MS = 4 * 60 * 60 * 1000;

/** The seed format has no region or service of last use; the report shows these for a used key. */
export const SANDBOX_LAST_USED_REGION = 'us-east-1';
export const SANDBOX_LAST_USED_SERVICE = 'iam';

/** The principal named in AccessDenied messages. */
export const SANDBOX_SESSION = 'assumed-role/credsweep/credsweep-sandbox';

export interface SandboxAccountOptions {
  /** The clock: report generation time, 4-hour reuse, CreateLoginProfile's creation date. */
  now: () => Date;
  /**
   * How many further GenerateCredentialReport calls a started report needs before it answers COMPLETE.
   * 1 (default): STARTED, then COMPLETE. 2: STARTED, INPROGRESS, COMPLETE. 0: COMPLETE at once.
   */
  reportPollsUntilComplete?: number;
  /** A started report stays INPROGRESS for ever (to test the workflow's bounded poll). */
  reportNeverCompletes?: boolean;
  /** Fraction (0..1) of calls, of any operation, that fail with Throttling before doing anything. */
  throttleRate?: number;
  /** Seed of the PRNG that picks throttled calls: the same seed and calls give the same failures. Default 1. */
  rngSeed?: number;
  /**
   * The tag key the deployed role's policy protects: the mutating calls (DeleteLoginProfile,
   * CreateLoginProfile, UpdateLoginProfile, UpdateAccessKey, DeleteAccessKey) on a user tagged
   * `<key>=true` (any case) fail with AccessDenied, as the explicit Deny in infra/parts/grants.ts makes them;
   * so do they on a user tagged `credsweep:break-glass=true`. A dated exemption (`YYYY-MM-DD`) is not
   * enforced: IAM's Deny compares the tag with a fixed value. Default `credsweep:exempt`; null models
   * no such policy (neither Deny).
   */
  exemptTagKey?: string | null;
  /**
   * IAM is eventually consistent: after a change to a user's login profile or keys, this many
   * GetLoginProfile/ListAccessKeys reads of that user still see the state before it. Default 0.
   */
  readLag?: number;
  /** Users for whom DeleteLoginProfile, CreateLoginProfile and UpdateAccessKey fail with AccessDenied. */
  denyUsers?: string[];
  /** Where the account's state lives between processes (a local home); without one, in memory only. */
  store?: SandboxStore;
}

/**
 * A sandbox account's state shared by the processes of one local home (cli/local/home-sandbox.ts),
 * as IAM's state is shared by everyone using the account: every read sees the last saved change,
 * every change is saved, under the account's lock, before the call returns.
 */
export interface SandboxStore {
  /** The user as last saved, when it was saved since this process last read or wrote it; else null. */
  changedUser(accountId: string, userName: string): SeedUser | null;
  saveUser(accountId: string, user: SeedUser): void;
  /** The account's Security Hub findings, likewise. */
  changedFindings(accountId: string): SeedFinding[] | null;
  saveFindings(accountId: string, findings: SeedFinding[]): void;
  /** Runs `change` while no other process changes the account. */
  locked<T>(accountId: string, change: () => T): T;
}

/** What a test says someone used: the console password, or an access key by its id. */
export type UsedCredential = 'console-password' | (string & {});

interface KeyState {
  accessKeyId: string;
  status: 'Active' | 'Inactive';
  createdAt: string;
  lastUsed: string | null;
}

interface UserState {
  userName: string;
  createdAt: string;
  tags: Record<string, string> | undefined;
  loginProfile: { createdAt: string; passwordResetRequired: boolean; setBySandbox: boolean } | null;
  /** A user attribute in IAM: it outlives the login profile (DeleteLoginProfile keeps it). */
  passwordLastUsed: string | null;
  accessKeys: KeyState[];
}

interface Report {
  content: string;
  generatedAt: Date;
}

/** Thrown by the sandbox: `name` is the AWS error code, as the SDK's service exceptions carry it. */
export class SandboxIamError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Small, seedable PRNG (mulberry32): uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `2024-01-15T10:20:30+00:00`, as the credential report writes dates (whole seconds, UTC). */
export function reportDate(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19)}+00:00`;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function byCreation(a: KeyState, b: KeyState): number {
  return a.createdAt.localeCompare(b.createdAt) || a.accessKeyId.localeCompare(b.accessKeyId);
}

export class SandboxAccount implements IamPort {
  readonly accountId: string;
  /** The account's Security Hub (its seed's `securityHub`; without one, not subscribed). */
  readonly securityHub: SandboxSecurityHub;
  private readonly users: UserState[];
  /** The account password policy; undefined: none set (IAM's default applies). */
  private readonly passwordPolicy: PasswordPolicy | undefined;
  private readonly byName = new Map<string, UserState>();
  private readonly now: () => Date;
  private readonly pollsUntilComplete: number;
  private readonly neverCompletes: boolean;
  private readonly throttleRate: number;
  private readonly random: () => number;
  private readonly denied: ReadonlySet<string>;
  private readonly exemptTagKey: string | null;
  private readonly readLag: number;
  private readonly store: SandboxStore | undefined;
  /** What lagging reads still see of a changed user, and for how many more reads. */
  private readonly lagging = new Map<
    string,
    { reads: number; loginProfile: UserState['loginProfile']; keys: KeyState[] }
  >();
  private counts: Record<IamOperation, number> = SandboxAccount.zeroCounts();
  private report: Report | null = null;
  private job: (Report & { pollsLeft: number }) | null = null;

  constructor(seed: Seed, options: SandboxAccountOptions) {
    const valid = validateSeed(seed, 'SandboxAccount seed');
    const polls = options.reportPollsUntilComplete ?? 1;
    if (!Number.isInteger(polls) || polls < 0) {
      throw new RangeError(`reportPollsUntilComplete must be a whole number >= 0, got ${polls}`);
    }
    const rate = options.throttleRate ?? 0;
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`throttleRate must be within 0..1, got ${rate}`);

    this.accountId = valid.accountId;
    this.passwordPolicy = valid.passwordPolicy ? { ...valid.passwordPolicy } : undefined;
    this.now = options.now;
    this.pollsUntilComplete = polls;
    this.neverCompletes = options.reportNeverCompletes ?? false;
    this.throttleRate = rate;
    this.random = mulberry32(options.rngSeed ?? 1);
    this.denied = new Set(options.denyUsers ?? []);
    this.exemptTagKey = options.exemptTagKey === undefined ? DEFAULT_EXEMPT_TAG_KEY : options.exemptTagKey;
    this.readLag = options.readLag ?? 0;
    this.store = options.store;
    this.users = valid.users.map((user) => SandboxAccount.fromSeedUser(user));
    const store = options.store;
    this.securityHub = new SandboxSecurityHub(
      valid.accountId,
      valid.securityHub?.findings,
      options.now,
      store && {
        changed: () => store.changedFindings(valid.accountId),
        save: (findings) => store.saveFindings(valid.accountId, findings),
        locked: (change) => store.locked(valid.accountId, change),
      },
    );
    for (const user of this.users) this.byName.set(user.userName, user);
  }

  // ---- IamPort ----

  async generateCredentialReport(): Promise<ReportState> {
    this.enter('GenerateCredentialReport');
    if (this.job) {
      if (this.neverCompletes) return 'INPROGRESS';
      this.job.pollsLeft -= 1;
      if (this.job.pollsLeft > 0) return 'INPROGRESS';
      this.report = { content: this.job.content, generatedAt: this.job.generatedAt };
      this.job = null;
      return 'COMPLETE';
    }
    const now = this.now();
    if (this.report && now.getTime() - this.report.generatedAt.getTime() < REPORT_REUSE_MS) return 'COMPLETE';
    // The snapshot is taken when generation starts: later changes show only in a later report.
    const snapshot = { content: this.renderReport(now), generatedAt: new Date(now.getTime()) };
    if (this.pollsUntilComplete === 0 && !this.neverCompletes) {
      this.report = snapshot;
      return 'COMPLETE';
    }
    this.job = { ...snapshot, pollsLeft: this.pollsUntilComplete };
    return 'STARTED';
  }

  async getCredentialReport(): Promise<{ content: string; generatedAt: string }> {
    this.enter('GetCredentialReport');
    if (this.job) {
      throw new SandboxIamError(
        'ReportInProgress',
        'The credential report is being generated; try again later.',
      );
    }
    if (!this.report) {
      throw new SandboxIamError(
        'ReportNotPresent',
        'No credential report is present; call GenerateCredentialReport first.',
      );
    }
    return { content: this.report.content, generatedAt: this.report.generatedAt.toISOString() };
  }

  /**
   * ListUsers, one page (IAM returns at most 1,000 per page). Not part of the IamPort: credsweep
   * reads the credential report instead; the benchmark's per-user-scan baseline uses it.
   */
  async listUsers(marker?: string, maxItems = 1000): Promise<{ userNames: string[]; marker?: string }> {
    this.enter('ListUsers');
    const start = marker ? Number(marker) : 0;
    const page = this.users.slice(start, start + maxItems).map((u) => u.userName);
    const next = start + maxItems;
    return next < this.users.length ? { userNames: page, marker: String(next) } : { userNames: page };
  }

  async getUser(userName: string): Promise<UserInfo> {
    this.enter('GetUser');
    const user = this.user(userName);
    return {
      userName: user.userName,
      createdAt: user.createdAt,
      passwordLastUsed: user.passwordLastUsed,
      tags: { ...user.tags },
    };
  }

  async listAccessKeys(userName: string): Promise<AccessKeyInfo[]> {
    this.enter('ListAccessKeys');
    return this.seen(userName).keys.map((key) => ({
      accessKeyId: key.accessKeyId,
      status: key.status,
      createdAt: key.createdAt,
    }));
  }

  async getAccessKeyLastUsed(accessKeyId: string): Promise<string | null> {
    this.enter('GetAccessKeyLastUsed');
    const owner = this.users.find((u) => u.accessKeys.some((k) => k.accessKeyId === accessKeyId));
    const key = owner && this.user(owner.userName).accessKeys.find((k) => k.accessKeyId === accessKeyId);
    if (!key) throw SandboxAccount.noSuchKey(accessKeyId);
    return key.lastUsed;
  }

  async getLoginProfile(userName: string): Promise<LoginProfileInfo | null> {
    this.enter('GetLoginProfile');
    const profile = this.seen(userName).loginProfile;
    return profile
      ? { createdAt: profile.createdAt, passwordResetRequired: profile.passwordResetRequired }
      : null;
  }

  async deleteLoginProfile(userName: string): Promise<void> {
    this.enter('DeleteLoginProfile');
    this.authorize('iam:DeleteLoginProfile', userName);
    this.change(userName, (user) => {
      if (!user.loginProfile) {
        throw new SandboxIamError('NoSuchEntity', `Login Profile for User ${userName} cannot be found.`);
      }
      this.beginLag(user);
      user.loginProfile = null;
    });
  }

  async createLoginProfile(
    userName: string,
    password: string,
    passwordResetRequired: boolean,
  ): Promise<void> {
    this.enter('CreateLoginProfile');
    this.authorize('iam:CreateLoginProfile', userName);
    this.change(userName, (user) => {
      if (user.loginProfile) {
        throw new SandboxIamError(
          'EntityAlreadyExists',
          `Login Profile for user ${userName} already exists.`,
        );
      }
      const violations = passwordPolicyViolations(password, this.passwordPolicy ?? null);
      if (violations.length > 0) throw new SandboxIamError('PasswordPolicyViolation', violations.join('; '));
      // The password itself is not kept: only the fact that one was set.
      this.beginLag(user);
      user.loginProfile = { createdAt: this.now().toISOString(), passwordResetRequired, setBySandbox: true };
    });
  }

  async updateAccessKey(userName: string, accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void> {
    this.enter('UpdateAccessKey');
    this.authorize('iam:UpdateAccessKey', userName);
    this.change(userName, (user) => {
      const key = user.accessKeys.find((k) => k.accessKeyId === accessKeyId);
      if (!key) throw SandboxAccount.noSuchKey(accessKeyId);
      this.beginLag(user);
      key.status = status;
    });
  }

  async getAccountPasswordPolicy(): Promise<PasswordPolicy | null> {
    this.enter('GetAccountPasswordPolicy');
    return this.passwordPolicy ? { ...this.passwordPolicy } : null;
  }

  async updateLoginProfile(
    userName: string,
    password: string,
    passwordResetRequired: boolean,
  ): Promise<void> {
    this.enter('UpdateLoginProfile');
    this.authorize('iam:UpdateLoginProfile', userName);
    this.change(userName, (user) => {
      if (!user.loginProfile) {
        throw new SandboxIamError('NoSuchEntity', `Login Profile for User ${userName} cannot be found.`);
      }
      // IAM checks a new password against the account's policy, as CreateLoginProfile does.
      const violations = passwordPolicyViolations(password, this.passwordPolicy ?? null);
      if (violations.length > 0) throw new SandboxIamError('PasswordPolicyViolation', violations.join('; '));
      // The password itself is not kept. The report's password_last_changed becomes now (the seed's
      // loginProfile.createdAt stands for it), so the next run ages the password from the reset;
      // PasswordLastUsed stays, as in IAM.
      this.beginLag(user);
      user.loginProfile = { createdAt: this.now().toISOString(), passwordResetRequired, setBySandbox: true };
    });
  }

  async deleteAccessKey(userName: string, accessKeyId: string): Promise<void> {
    this.enter('DeleteAccessKey');
    this.authorize('iam:DeleteAccessKey', userName);
    this.change(userName, (user) => {
      const index = user.accessKeys.findIndex((k) => k.accessKeyId === accessKeyId);
      if (index < 0) throw SandboxAccount.noSuchKey(accessKeyId);
      this.beginLag(user);
      user.accessKeys.splice(index, 1);
    });
  }

  // ---- for the demo and the tests ----

  /** The current state in the seed format: users and keys in their seed order, no password. */
  toSeed(): Seed {
    const securityHub = this.securityHub.toSeed();
    return {
      accountId: this.accountId,
      ...(this.passwordPolicy ? { passwordPolicy: { ...this.passwordPolicy } } : {}),
      users: this.users.map((user) => SandboxAccount.toSeedUser(this.user(user.userName))),
      ...(securityHub ? { securityHub } : {}),
    };
  }

  /** IAM calls made so far, by operation, throttled and failed calls included. */
  calls(): Record<IamOperation, number> {
    return { ...this.counts };
  }

  resetCalls(): void {
    this.counts = SandboxAccount.zeroCounts();
  }

  /** Whether CreateLoginProfile set a password for this user (the password itself is never kept). */
  passwordWasSet(userName: string): boolean {
    return this.byName.get(userName)?.loginProfile?.setBySandbox ?? false;
  }

  /**
   * Someone used a credential at `at`: the live last-used date moves (GetUser, GetAccessKeyLastUsed);
   * a report already generated does not change. Not an IAM call: not counted, never throttled.
   */
  recordUse(userName: string, credential: UsedCredential, at: Date): void {
    if (!this.byName.has(userName)) throw new Error(`recordUse: no user ${userName} in the sandbox`);
    this.change(userName, (user) => {
      if (credential === 'console-password') {
        if (!user.loginProfile) throw new Error(`recordUse: ${userName} has no console password to use`);
        user.passwordLastUsed = at.toISOString();
        return;
      }
      const key = user.accessKeys.find((k) => k.accessKeyId === credential);
      if (!key) throw new Error(`recordUse: ${userName} has no access key ${credential}`);
      if (key.status !== 'Active') throw new Error(`recordUse: access key ${credential} is inactive`);
      key.lastUsed = at.toISOString();
    });
  }

  /** Someone tagged a user (TagUser, outside credsweep). Not counted: credsweep never tags. */
  tagUser(userName: string, key: string, value: string): void {
    if (!this.byName.has(userName)) throw new Error(`tagUser: no user ${userName} in the sandbox`);
    this.change(userName, (user) => {
      user.tags = { ...user.tags, [key]: value };
    });
  }

  // ---- internals ----

  private enter(operation: IamOperation): void {
    this.counts[operation] += 1;
    if (this.throttleRate > 0 && this.random() < this.throttleRate) {
      throw new SandboxIamError('Throttling', 'Rate exceeded');
    }
  }

  private authorize(action: string, userName: string): void {
    const denied = `User: arn:aws:sts::${this.accountId}:${SANDBOX_SESSION} is not authorized to perform: ${action} on resource: user ${userName}`;
    if (this.denied.has(userName)) throw new SandboxIamError('AccessDenied', denied);
    const tags = this.byName.get(userName)?.tags;
    const exempt = this.exemptTagKey ? tags?.[this.exemptTagKey] : undefined;
    const breakGlass = this.exemptTagKey ? tags?.[BREAK_GLASS_TAG_KEY] : undefined;
    if (exempt?.toLowerCase() === 'true' || breakGlass?.toLowerCase() === 'true') {
      throw new SandboxIamError(
        'AccessDenied',
        `${denied} with an explicit deny in an identity-based policy`,
      );
    }
  }

  /** Remembers the state before a change, for `readLag` reads. */
  private beginLag(user: UserState): void {
    if (this.readLag === 0 || this.lagging.has(user.userName)) return;
    this.lagging.set(user.userName, {
      reads: this.readLag,
      loginProfile: user.loginProfile ? { ...user.loginProfile } : null,
      keys: user.accessKeys.map((k) => ({ ...k })),
    });
  }

  /** What a read of the user's login profile and keys sees: the state before a recent change, for a while. */
  private seen(userName: string): { loginProfile: UserState['loginProfile']; keys: KeyState[] } {
    const user = this.user(userName);
    const lag = this.lagging.get(userName);
    if (!lag) return { loginProfile: user.loginProfile, keys: user.accessKeys };
    lag.reads -= 1;
    if (lag.reads <= 0) this.lagging.delete(userName);
    return lag;
  }

  /** The user as IAM has it now: as another process of the home last saved it, if one did. */
  private user(userName: string): UserState {
    const user = this.byName.get(userName);
    if (!user) throw new SandboxIamError('NoSuchEntity', `The user with name ${userName} cannot be found.`);
    const saved = this.store?.changedUser(this.accountId, userName);
    if (saved) Object.assign(user, SandboxAccount.fromSeedUser(saved));
    return user;
  }

  /** Changes a user, and saves it before returning, while no other process changes the account. */
  private change(userName: string, apply: (user: UserState) => void): void {
    const store = this.store;
    if (!store) {
      apply(this.user(userName));
      return;
    }
    store.locked(this.accountId, () => {
      const user = this.user(userName);
      apply(user);
      store.saveUser(this.accountId, SandboxAccount.toSeedUser(user));
    });
  }

  private renderReport(at: Date): string {
    const rows = [CREDENTIAL_REPORT_COLUMNS.join(',')];
    // The seed has no account creation date: the earliest user's creation stands in for it.
    const accountCreated = new Date(
      this.users.reduce((earliest, user) => Math.min(earliest, Date.parse(user.createdAt)), at.getTime()),
    ).toISOString();
    rows.push(
      [
        '<root_account>',
        `arn:aws:iam::${this.accountId}:root`,
        reportDate(accountCreated),
        'not_supported',
        'no_information',
        'not_supported',
        'not_supported',
        'true',
        ...SandboxAccount.keyColumns(undefined),
        ...SandboxAccount.keyColumns(undefined),
        'false',
        'N/A',
        'false',
        'N/A',
      ].join(','),
    );
    for (const user of this.users) rows.push(this.userRow(this.user(user.userName)).map(csvField).join(','));
    return rows.join('\n');
  }

  private userRow(user: UserState): string[] {
    const profile = user.loginProfile;
    const neverUsedMarker = profile ? 'no_information' : 'N/A';
    const [first, second] = [...user.accessKeys].sort(byCreation);
    return [
      user.userName,
      `arn:aws:iam::${this.accountId}:user/${user.userName}`,
      reportDate(user.createdAt),
      profile ? 'true' : 'false',
      user.passwordLastUsed ? reportDate(user.passwordLastUsed) : neverUsedMarker,
      profile ? reportDate(profile.createdAt) : 'N/A',
      'N/A',
      'false',
      ...SandboxAccount.keyColumns(first),
      ...SandboxAccount.keyColumns(second),
      'false',
      'N/A',
      'false',
      'N/A',
    ];
  }

  private static keyColumns(key: KeyState | undefined): string[] {
    if (!key) return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
    const used = key.lastUsed;
    return [
      key.status === 'Active' ? 'true' : 'false',
      reportDate(key.createdAt),
      used ? reportDate(used) : 'N/A',
      used ? SANDBOX_LAST_USED_REGION : 'N/A',
      used ? SANDBOX_LAST_USED_SERVICE : 'N/A',
    ];
  }

  private static toSeedUser(user: UserState): SeedUser {
    return {
      userName: user.userName,
      createdAt: user.createdAt,
      ...(user.tags ? { tags: { ...user.tags } } : {}),
      loginProfile: user.loginProfile
        ? {
            createdAt: user.loginProfile.createdAt,
            passwordLastUsed: user.passwordLastUsed,
            passwordResetRequired: user.loginProfile.passwordResetRequired,
          }
        : null,
      ...(user.loginProfile === null && user.passwordLastUsed !== null
        ? { passwordLastUsed: user.passwordLastUsed }
        : {}),
      accessKeys: user.accessKeys.map((key) => ({ ...key })),
    };
  }

  private static fromSeedUser(user: SeedUser): UserState {
    return {
      userName: user.userName,
      createdAt: user.createdAt,
      tags: user.tags ? { ...user.tags } : undefined,
      loginProfile: user.loginProfile
        ? {
            createdAt: user.loginProfile.createdAt,
            passwordResetRequired: user.loginProfile.passwordResetRequired,
            setBySandbox: false,
          }
        : null,
      passwordLastUsed: user.loginProfile?.passwordLastUsed ?? user.passwordLastUsed ?? null,
      accessKeys: user.accessKeys.map((key) => ({ ...key })),
    };
  }

  private static noSuchKey(accessKeyId: string): SandboxIamError {
    return new SandboxIamError('NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found.`);
  }

  private static zeroCounts(): Record<IamOperation, number> {
    return Object.fromEntries(IAM_OPERATIONS.map((op) => [op, 0])) as Record<IamOperation, number>;
  }
}
