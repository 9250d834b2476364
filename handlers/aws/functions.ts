/**
 * The deployed functions: each Lambda entry in handlers/ with its AWS declaration (what it does to
 * AWS, port method by port method). handlers/aws/permissions.ts turns the declarations into grants;
 * the local engine runs the same entries with the same declarations. This module loads no AWS SDK
 * (the adapters load on first call, handlers/aws/adapters.ts), so local commands can import it.
 */

import { AWS as accountPlan } from '../account-plan.js';
import { AWS as analyze } from '../analyze.js';
import { AWS as approvalApi } from '../approval-api.js';
import { AWS as backout } from '../backout.js';
import { AWS as deactivateKeys } from '../deactivate-keys.js';
import { AWS as deleteKeys } from '../delete-keys.js';
import { AWS as disableConsole } from '../disable-console.js';
import { AWS as generateReport } from '../generate-report.js';
import { AWS as listAccounts } from '../list-accounts.js';
import { AWS as orgPlan } from '../org-plan.js';
import { AWS as orgReport } from '../org-report.js';
import { AWS as report } from '../report.js';
import { AWS as requestApproval } from '../request-approval.js';
import { AWS as startFromSecurityHub } from '../start-from-security-hub.js';
import { AWS as verify } from '../verify.js';
import type { FunctionAws } from './ports.js';

/**
 * The deployed functions, by construct id (the stack's logical ids start with it), with the entry
 * file under handlers/ and its AWS declaration. A new function is one line here. `organization`
 * marks the functions only an organization deployment (`-c organization=true`) has.
 */
export const FUNCTIONS = {
  GenerateReport: { entry: 'generate-report.ts', aws: generateReport },
  Analyze: { entry: 'analyze.ts', aws: analyze },
  RequestApproval: { entry: 'request-approval.ts', aws: requestApproval },
  DisableConsole: { entry: 'disable-console.ts', aws: disableConsole },
  DeactivateKeys: { entry: 'deactivate-keys.ts', aws: deactivateKeys },
  DeleteKeys: { entry: 'delete-keys.ts', aws: deleteKeys },
  Verify: { entry: 'verify.ts', aws: verify },
  Backout: { entry: 'backout.ts', aws: backout },
  Report: { entry: 'report.ts', aws: report },
  ApprovalApi: { entry: 'approval-api.ts', aws: approvalApi },
  SecurityHubStart: { entry: 'start-from-security-hub.ts', aws: startFromSecurityHub },
  ListAccounts: { entry: 'list-accounts.ts', aws: listAccounts, organization: true },
  OrgPlan: { entry: 'org-plan.ts', aws: orgPlan, organization: true },
  AccountPlan: { entry: 'account-plan.ts', aws: accountPlan, organization: true },
  OrgReport: { entry: 'org-report.ts', aws: orgReport, organization: true },
} as const satisfies Record<string, { entry: string; aws: FunctionAws; organization?: true }>;

export type FunctionId = keyof typeof FUNCTIONS;

/** Every function of an organization deployment. */
export const FUNCTION_IDS = Object.keys(FUNCTIONS) as FunctionId[];

/** The functions of a single-account deployment (every deployment has them). */
export const ACCOUNT_FUNCTION_IDS = FUNCTION_IDS.filter((id) => !('organization' in FUNCTIONS[id]));

/** The functions a deployment has: an organization deployment adds the organization workflow's. */
export const deployedFunctionIds = (organization: boolean): FunctionId[] =>
  organization ? FUNCTION_IDS : ACCOUNT_FUNCTION_IDS;
