/**
 * Whose Security Hub holds an account's findings in an organization run (docs/compliance.md):
 *
 * - the hub's own account, or any account when the hub is the organization's Security Hub
 *   administrator (`securityHubAdministrator`): the hub's own Security Hub, which sees and may
 *   update its member accounts' findings (BatchUpdateFindings from the administrator account);
 * - otherwise the member account's own Security Hub, through its member findings role
 *   (GetFindings and BatchUpdateFindings only). Assumed on first use, so a step that never reads
 *   findings never assumes it; when it cannot be assumed, the account's findings stay untouched and
 *   the evidence says so (AccountUnreachable, with STS's reason).
 */
import type { Ports } from '../../ports/index.js';
import type { SecurityHubPort } from '../../ports/security-hub.js';
import { CredsweepError } from '../shared/errors.js';

/** How an account's findings are reached, in words for the evidence. */
export function findingsPath(
  ports: Pick<Ports, 'settings'>,
  accountId: string,
  hubAccountId: string,
): string {
  if (accountId === hubAccountId) return "the hub account's own Security Hub";
  return ports.settings.securityHubAdministrator
    ? `the hub's Security Hub, as the organization's Security Hub administrator (account ${hubAccountId})`
    : `account ${accountId}'s own Security Hub, through its member findings role`;
}

/** The Security Hub that holds `accountId`'s findings (see above). */
export function accountSecurityHub(ports: Ports, accountId: string): SecurityHubPort {
  if (accountId === ports.settings.accountId || ports.settings.securityHubAdministrator) {
    return ports.securityHub;
  }
  let hub: Promise<SecurityHubPort> | undefined;
  const reach = () => {
    hub ??= ports.accounts.securityHubFor(accountId).catch((err: unknown) => {
      hub = undefined;
      if (err instanceof Error && (err.name === 'Throttling' || err.name.startsWith('Lambda.'))) throw err;
      const cause = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new CredsweepError(
        'AccountUnreachable',
        `account ${accountId} cannot be reached through the credsweep member findings role (${cause})`,
      );
    });
    return hub;
  };
  return {
    findCredentialFindings: async (id, userArns) => (await reach()).findCredentialFindings(id, userArns),
    updateFindings: async (update) => (await reach()).updateFindings(update),
  };
}

/**
 * The ports of one account's findings steps: its Security Hub and its account id, the rest the
 * hub's (`ports` as the hub's function has them). Without `accountId`: the hub's own run.
 */
export function findingsPorts(ports: Ports, accountId?: string): Ports {
  if (!accountId) return ports;
  return {
    ...ports,
    securityHub: accountSecurityHub(ports, accountId),
    settings: { ...ports.settings, accountId },
  };
}
