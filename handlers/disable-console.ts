import { blobsAdapter, iamAdapter, memberIamAdapter, secretsAdapter, storeAdapter } from './aws/adapters.js';
import { awsPorts, type FunctionAws, use } from './aws/ports.js';
import { disableConsoleAccess } from './core/change/remediate.js';
import { inAccount } from './core/organization/account-scope.js';
import { batchEvent } from './core/run/events.js';
import { parseWith } from './core/shared/validate.js';
import type { Ports } from './ports/index.js';

/**
 * Deletes the login profile of each approved, still-unused console password in the batch; with
 * consoleAction `reset`, sets a generated password that must be reset instead (kept in the secrets port).
 */
export async function disableConsole(event: unknown, ports: Ports) {
  const { accountId, ...task } = parseWith(batchEvent, event, 'DisableConsoleAccess event');
  const scope = await inAccount(ports, task.executionId, accountId);
  return disableConsoleAccess(scope.ports, { ...task, executionId: scope.runId });
}

/**
 * What this function does to AWS, port method by port method. Its role is granted exactly the
 * permissions the adapters declare for these methods (handlers/aws/permissions.ts), and any other
 * method fails (PortNotAvailable).
 */
export const AWS = {
  iam: use(
    iamAdapter,
    'getUser',
    'getLoginProfile',
    'deleteLoginProfile',
    // consoleAction reset: a generated password meeting the account's policy, reset at first sign-in.
    'getAccountPasswordPolicy',
    'updateLoginProfile',
  ),
  store: use(
    storeAdapter,
    'getApproval',
    'recordIntent',
    'updateLedger',
    'holdLock',
    'getLastChange',
    'setLastChange',
  ),
  blobs: use(blobsAdapter, 'get'),
  accounts: use(memberIamAdapter, 'iamFor'),
  secrets: use(secretsAdapter, 'putSecret'),
} satisfies FunctionAws;

export const handler = (event: unknown) => disableConsole(event, awsPorts(AWS));
