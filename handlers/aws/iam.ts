/**
 * IamPort over the AWS SDK v3 IAM client.
 *
 * Error names. IAM speaks the awsQuery protocol: on the wire an error has a short code such as
 * `NoSuchEntity`, but SDK v3 raises modelled errors as classes named after the shape
 * (`NoSuchEntityException`, `CredentialReportNotPresentException`, ...), keeping the wire code in
 * `err.Code`. Unmodelled errors (`Throttling`, `AccessDenied`) already carry the wire code as `name`.
 * The port promises the short codes (the local sandbox throws them too, and the state machine's
 * Retry matches `Throttling`), so every SDK error leaves this class renamed to its wire code:
 *
 * | SDK v3 name                             | `err.name` seen by callers      |
 * |-----------------------------------------|---------------------------------|
 * | NoSuchEntityException                   | NoSuchEntity                    |
 * | EntityAlreadyExistsException            | EntityAlreadyExists             |
 * | LimitExceededException                  | LimitExceeded                   |
 * | CredentialReportNotPresentException     | ReportNotPresent                |
 * | CredentialReportExpiredException        | ReportExpired                   |
 * | CredentialReportNotReadyException       | ReportInProgress                |
 * | ReportGenerationLimitExceededException  | ReportGenerationLimitExceeded   |
 * | Throttling / ThrottlingException        | Throttling                      |
 * | AccessDenied / AccessDeniedException    | AccessDenied                    |
 * | any other `XxxException` with a `Code`  | that `Code` (e.g. InvalidInput) |
 *
 * The renamed error keeps the message and holds the SDK error as `cause` (with `$metadata`).
 * Errors that are not from the service (network, timeouts) pass through unchanged.
 */
import {
  CreateLoginProfileCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountPasswordPolicyCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
import type {
  AccessKeyInfo,
  IamPort,
  LoginProfileInfo,
  PasswordPolicy,
  ReportState,
  UserInfo,
} from '../ports/iam.js';
import type { PortPermissions } from './permission-types.js';
import { IAM_RETRY, memoize } from './retry.js';

/**
 * What each IamPort method needs from IAM (the single source of permissions: docs/aws-adapters.md).
 * A new call gets its line here; the stack grants it to the functions that declare the method.
 */
export const IAM_PERMISSIONS = {
  generateCredentialReport: { 'iam:GenerateCredentialReport': 'account' },
  getCredentialReport: { 'iam:GetCredentialReport': 'account' },
  getUser: { 'iam:GetUser': 'iam-user' },
  listAccessKeys: { 'iam:ListAccessKeys': 'iam-user' },
  getAccessKeyLastUsed: { 'iam:GetAccessKeyLastUsed': 'iam-user' },
  getLoginProfile: { 'iam:GetLoginProfile': 'iam-user' },
  deleteLoginProfile: { 'iam:DeleteLoginProfile': 'iam-user-change' },
  createLoginProfile: { 'iam:CreateLoginProfile': 'iam-user-change' },
  updateAccessKey: { 'iam:UpdateAccessKey': 'iam-user-change' },
  getAccountPasswordPolicy: { 'iam:GetAccountPasswordPolicy': 'account' },
  updateLoginProfile: { 'iam:UpdateLoginProfile': 'iam-user-change' },
  deleteAccessKey: { 'iam:DeleteAccessKey': 'iam-user-change' },
} as const satisfies PortPermissions<IamPort>;

/** SDK v3 error names and their wire codes, for errors that carry no `Code` (e.g. built in tests). */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  NoSuchEntityException: 'NoSuchEntity',
  EntityAlreadyExistsException: 'EntityAlreadyExists',
  LimitExceededException: 'LimitExceeded',
  CredentialReportNotPresentException: 'ReportNotPresent',
  CredentialReportExpiredException: 'ReportExpired',
  CredentialReportNotReadyException: 'ReportInProgress',
  ReportGenerationLimitExceededException: 'ReportGenerationLimitExceeded',
  ServiceFailureException: 'ServiceFailure',
  InvalidInputException: 'InvalidInput',
  PasswordPolicyViolationException: 'PasswordPolicyViolation',
  EntityTemporarilyUnmodifiableException: 'EntityTemporarilyUnmodifiable',
  ConcurrentModificationException: 'ConcurrentModification',
  UnmodifiableEntityException: 'UnmodifiableEntity',
  ThrottlingException: 'Throttling',
  AccessDeniedException: 'AccessDenied',
};

/** The short IAM error code of an SDK error, or undefined when it is not an IAM service error. */
export function iamErrorCode(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const mapped = SHORT_NAMES[err.name];
  if (mapped) return mapped;
  const code = (err as { Code?: unknown }).Code;
  if (typeof code === 'string' && code.length > 0) return code;
  return undefined;
}

/** Renames an SDK error to its short IAM code (see the table above); other values pass through. */
export function normaliseIamError(err: unknown): unknown {
  const code = iamErrorCode(err);
  if (!code || !(err instanceof Error) || err.name === code) return err;
  const renamed = new Error(err.message, { cause: err });
  renamed.name = code;
  return renamed;
}

const REPORT_STATES: readonly ReportState[] = ['STARTED', 'INPROGRESS', 'COMPLETE'];

function iso(date: Date | undefined, what: string): string {
  if (!date) throw new Error(`IAM returned no ${what}`);
  return date.toISOString();
}

export class AwsIam implements IamPort {
  constructor(private readonly client: IAMClient) {}

  /** Sends one command, renaming service errors to their short IAM codes. */
  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      throw normaliseIamError(err);
    }
  }

  async generateCredentialReport(): Promise<ReportState> {
    const out = await this.call(() => this.client.send(new GenerateCredentialReportCommand({})));
    const state = REPORT_STATES.find((s) => s === out.State);
    if (!state) throw new Error(`GenerateCredentialReport returned an unknown State: ${String(out.State)}`);
    return state;
  }

  async getCredentialReport(): Promise<{ content: string; generatedAt: string }> {
    const out = await this.call(() => this.client.send(new GetCredentialReportCommand({})));
    if (!out.Content) throw new Error('GetCredentialReport returned no Content');
    return {
      content: new TextDecoder('utf-8').decode(out.Content),
      generatedAt: iso(out.GeneratedTime, 'GeneratedTime for the credential report'),
    };
  }

  async getUser(userName: string): Promise<UserInfo> {
    const out = await this.call(() => this.client.send(new GetUserCommand({ UserName: userName })));
    const user = out.User;
    if (!user) throw new Error(`GetUser returned no User for ${userName}`);
    const tags: Record<string, string> = {};
    for (const tag of user.Tags ?? []) {
      if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
    }
    return {
      userName: user.UserName ?? userName,
      createdAt: iso(user.CreateDate, `CreateDate for user ${userName}`),
      passwordLastUsed: user.PasswordLastUsed ? user.PasswordLastUsed.toISOString() : null,
      tags,
    };
  }

  /** All the user's keys, following Marker while IsTruncated. `Expired` keys count as Inactive. */
  async listAccessKeys(userName: string): Promise<AccessKeyInfo[]> {
    const keys: AccessKeyInfo[] = [];
    let marker: string | undefined;
    do {
      const out = await this.call(() =>
        this.client.send(new ListAccessKeysCommand({ UserName: userName, Marker: marker })),
      );
      for (const key of out.AccessKeyMetadata ?? []) {
        if (!key.AccessKeyId) continue;
        keys.push({
          accessKeyId: key.AccessKeyId,
          status: key.Status === 'Active' ? 'Active' : 'Inactive',
          createdAt: iso(key.CreateDate, `CreateDate for access key ${key.AccessKeyId}`),
        });
      }
      marker = out.IsTruncated ? out.Marker : undefined;
    } while (marker);
    return keys;
  }

  async getAccessKeyLastUsed(accessKeyId: string): Promise<string | null> {
    const out = await this.call(() =>
      this.client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId })),
    );
    const used = out.AccessKeyLastUsed?.LastUsedDate;
    return used ? used.toISOString() : null;
  }

  async getLoginProfile(userName: string): Promise<LoginProfileInfo | null> {
    try {
      const out = await this.call(() => this.client.send(new GetLoginProfileCommand({ UserName: userName })));
      const profile = out.LoginProfile;
      if (!profile) return null;
      return {
        createdAt: iso(profile.CreateDate, `CreateDate for the login profile of ${userName}`),
        passwordResetRequired: profile.PasswordResetRequired ?? false,
      };
    } catch (err) {
      if (err instanceof Error && err.name === 'NoSuchEntity') return null;
      throw err;
    }
  }

  async deleteLoginProfile(userName: string): Promise<void> {
    await this.call(() => this.client.send(new DeleteLoginProfileCommand({ UserName: userName })));
  }

  /** The password goes to IAM only; it is never logged here. */
  async createLoginProfile(
    userName: string,
    password: string,
    passwordResetRequired: boolean,
  ): Promise<void> {
    await this.call(() =>
      this.client.send(
        new CreateLoginProfileCommand({
          UserName: userName,
          Password: password,
          PasswordResetRequired: passwordResetRequired,
        }),
      ),
    );
  }

  async updateAccessKey(userName: string, accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void> {
    await this.call(() =>
      this.client.send(
        new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: status }),
      ),
    );
  }

  /** The account password policy; NoSuchEntity (none set: IAM's default applies) is null. */
  async getAccountPasswordPolicy(): Promise<PasswordPolicy | null> {
    try {
      const out = await this.call(() => this.client.send(new GetAccountPasswordPolicyCommand({})));
      const p = out.PasswordPolicy;
      if (!p) return null;
      const policy: PasswordPolicy = {
        MinimumPasswordLength: p.MinimumPasswordLength,
        RequireSymbols: p.RequireSymbols,
        RequireNumbers: p.RequireNumbers,
        RequireUppercaseCharacters: p.RequireUppercaseCharacters,
        RequireLowercaseCharacters: p.RequireLowercaseCharacters,
        AllowUsersToChangePassword: p.AllowUsersToChangePassword,
        MaxPasswordAge: p.MaxPasswordAge,
        PasswordReusePrevention: p.PasswordReusePrevention,
        HardExpiry: p.HardExpiry,
      };
      return Object.fromEntries(
        Object.entries(policy).filter(([, value]) => value !== undefined),
      ) as PasswordPolicy;
    } catch (err) {
      if (err instanceof Error && err.name === 'NoSuchEntity') return null;
      throw err;
    }
  }

  /** The password goes to IAM only; it is never logged here. */
  async updateLoginProfile(
    userName: string,
    password: string,
    passwordResetRequired: boolean,
  ): Promise<void> {
    await this.call(() =>
      this.client.send(
        new UpdateLoginProfileCommand({
          UserName: userName,
          Password: password,
          PasswordResetRequired: passwordResetRequired,
        }),
      ),
    );
  }

  async deleteAccessKey(userName: string, accessKeyId: string): Promise<void> {
    await this.call(() =>
      this.client.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId })),
    );
  }
}

export const iamClient = memoize(() => new IAMClient({ ...IAM_RETRY }));

/** The IAM port of a Lambda that uses it. */
export const awsIamPort = (): IamPort => new AwsIam(iamClient());
