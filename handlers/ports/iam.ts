/** The IAM operations credsweep uses. AWS: handlers/aws/iam.ts; local: cli/local/sandbox-account.ts. */

import type { PasswordPolicy } from '../core/shared/types.js';

export type { PasswordPolicy };

export type ReportState = 'STARTED' | 'INPROGRESS' | 'COMPLETE';

export interface AccessKeyInfo {
  accessKeyId: string;
  status: 'Active' | 'Inactive';
  createdAt: string;
}

export interface LoginProfileInfo {
  createdAt: string;
  passwordResetRequired: boolean;
}

export interface UserInfo {
  userName: string;
  createdAt: string;
  passwordLastUsed: string | null;
  tags: Record<string, string>;
}

/**
 * Errors keep AWS's names (`err.name`): NoSuchEntity, EntityAlreadyExists, Throttling,
 * AccessDenied, ReportNotPresent, ReportExpired, ReportInProgress, LimitExceeded.
 */
export interface IamPort {
  generateCredentialReport(): Promise<ReportState>;
  /** The CSV text and when AWS generated it. */
  getCredentialReport(): Promise<{ content: string; generatedAt: string }>;
  getUser(userName: string): Promise<UserInfo>;
  listAccessKeys(userName: string): Promise<AccessKeyInfo[]>;
  /** ISO date of last use, or null when never used. */
  getAccessKeyLastUsed(accessKeyId: string): Promise<string | null>;
  /** null when the user has no console password (NoSuchEntity). */
  getLoginProfile(userName: string): Promise<LoginProfileInfo | null>;
  deleteLoginProfile(userName: string): Promise<void>;
  createLoginProfile(userName: string, password: string, passwordResetRequired: boolean): Promise<void>;
  updateAccessKey(userName: string, accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void>;
  /** The account password policy; null when none is set (NoSuchEntity: IAM's default policy applies). */
  getAccountPasswordPolicy(): Promise<PasswordPolicy | null>;
  /** Sets a new console password (consoleAction `reset`); NoSuchEntity when the user has none. */
  updateLoginProfile(userName: string, password: string, passwordResetRequired: boolean): Promise<void>;
  /** Deletes an access key for good (the delete stage); NoSuchEntity when it is gone. */
  deleteAccessKey(userName: string, accessKeyId: string): Promise<void>;
}
