import { memberAccess } from './aws/account-access.js';
import { awsIamPort } from './aws/iam.js';
import { awsPorts } from './aws/ports.js';
import { awsSecretsPort } from './aws/secrets.js';
import { dynamoStorePort } from './aws/store.js';
import { backoutRun } from './core/backout.js';
import { backoutEvent } from './core/events.js';
import { accountRunId, inAccount } from './core/organization/account-scope.js';
import { executionArnOf } from './core/request.js';
import { parseWith } from './core/validate.js';
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

/** The ports this function uses; its role allows exactly these services. */
const PORTS = { iam: awsIamPort, store: dynamoStorePort, secrets: awsSecretsPort, accounts: memberAccess };

export const handler = (event: unknown) => backout(event, awsPorts(PORTS));
