import { iamAdapter, memberIamAdapter, secretsAdapter, storeAdapter } from './aws/adapters.js';
import { awsPorts, type FunctionAws, use } from './aws/ports.js';
import { backoutRun } from './core/change/backout.js';
import { inAccount } from './core/organization/account-scope.js';
import { backoutEvent } from './core/run/events.js';
import { executionArnOf } from './core/shared/request.js';
import { accountRunId } from './core/shared/run-ids.js';
import { parseWith } from './core/shared/validate.js';
import type { Ports } from './ports/index.js';

/** Restores what the ledger says was changed: this execution's, or (mode=backout) an earlier one's. */
export async function backout(event: unknown, ports: Ports) {
  const { executionId, request, accountId } = parseWith(backoutEvent, event, 'Backout event');
  const source =
    request.mode === 'backout' && request.backoutOf
      ? executionArnOf(request.backoutOf, executionId)
      : executionId;
  const scope = await inAccount(ports, executionId, accountId);
  return backoutRun(scope.ports, {
    executionId: scope.runId,
    sourceExecutionId: accountRunId(source, accountId),
    ...(request.mode === 'backout' && request.users ? { users: request.users } : {}),
    passwordSecretPrefix: ports.settings.passwordSecretPrefix,
  });
}

/**
 * What this function does to AWS, port method by port method. Its role is granted exactly the
 * permissions the adapters declare for these methods (handlers/aws/permissions.ts), and any other
 * method fails (PortNotAvailable).
 */
export const AWS = {
  iam: use(
    iamAdapter,
    'getAccountPasswordPolicy',
    'getLoginProfile',
    'listAccessKeys',
    'updateAccessKey',
    'createLoginProfile',
  ),
  store: use(storeAdapter, 'listLedger', 'updateLedger', 'holdLock', 'getLastChange', 'setLastChange'),
  secrets: use(secretsAdapter, 'putSecret'),
  accounts: use(memberIamAdapter, 'iamFor'),
} satisfies FunctionAws;

export const handler = (event: unknown) => backout(event, awsPorts(AWS));
