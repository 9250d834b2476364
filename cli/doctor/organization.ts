/**
 * The organization checks of `credsweep doctor` (deployments with `organization=true`), read-only:
 *
 * - `member-instances`: every ACTIVE account of the StackSet's target OUs (Organizations
 *   ListAccountsForParent and ListChildren, walking down from each target) has a stack instance of
 *   the member role StackSet in status CURRENT (CloudFormation ListStackInstances). StackSets never
 *   deploy to the management account, and a delegated-administrator hub is left out of the targets
 *   (it has the stack's own role), so neither is expected to have one. One line per account
 *   without, with its fix.
 * - `member-assume`: where the hub could not assume the member role. Only the hub's function roles
 *   are trusted by it, so the doctor cannot try it in their name; the organization workflow does,
 *   in every account, with STS AssumeRole as the functions do (handlers/aws/account-access.ts), and
 *   records STS's error for each account it could not reach. The check reads the latest
 *   organization run's summary and names each such account, with the fix for STS's error.
 */
import {
  type CallAs,
  DescribeStackSetCommand,
  ListStackInstancesCommand,
  type StackInstanceSummary,
} from '@aws-sdk/client-cloudformation';
import {
  type Account,
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListChildrenCommand,
} from '@aws-sdk/client-organizations';
import { organizationsClient } from '../../handlers/aws/organizations.js';
import type { OrgEvidence } from '../../handlers/core/organization/org-evidence.js';
import { DEFAULT_MEMBER_ROLE_NAME } from '../../handlers/core/shared/defaults.js';
import { evidenceKey } from '../../handlers/core/shared/run-keys.js';
import { visible } from '../../handlers/core/shared/visible-text.js';
import { aws } from '../aws/errors.js';
import { getObjectText, listExecutions } from '../aws/executions.js';
import { type CheckResult, info, ok, problem } from './checks.js';
import { cloudFormationClient } from './clients.js';
import type { Deployment } from './deployment.js';

/** Follows NextToken until the last page. */
async function allPages<P extends { NextToken?: string | undefined }, T>(
  page: (token: string | undefined) => Promise<P>,
  items: (p: P) => T[] | undefined,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const p = await page(token);
    all.push(...(items(p) ?? []));
    token = p.NextToken;
  } while (token);
  return all;
}

/** Each account under `parent` (an OU or the root) at any depth, with the OU or root it sits in. */
async function accountsUnder(parent: string): Promise<{ account: Account; parent: string }[]> {
  const found: { account: Account; parent: string }[] = [];
  const pending = [parent];
  while (pending.length > 0) {
    const ParentId = pending.shift() as string;
    const accounts = await allPages(
      (NextToken) =>
        aws({ action: 'organizations:ListAccountsForParent' }, () =>
          organizationsClient().send(new ListAccountsForParentCommand({ ParentId, NextToken })),
        ),
      (p) => p.Accounts,
    );
    found.push(...accounts.map((account) => ({ account, parent: ParentId })));
    const children = await allPages(
      (NextToken) =>
        aws({ action: 'organizations:ListChildren' }, () =>
          organizationsClient().send(
            new ListChildrenCommand({ ParentId, ChildType: 'ORGANIZATIONAL_UNIT', NextToken }),
          ),
        ),
      (p) => p.Children,
    );
    pending.push(...children.flatMap((c) => (c.Id ? [c.Id] : [])));
  }
  return found;
}

const ID = 'member-instances';
const TITLE = 'every account of the target OUs has the member role';

/** Accounts of the target OUs without a CURRENT instance of the member role StackSet, one line each. */
export async function checkMemberInstances(d: Deployment): Promise<CheckResult[]> {
  if (!d.stackSet) {
    return [
      problem(
        ID,
        TITLE,
        `stack ${d.stackName} has an organization workflow but no member role StackSet.`,
        'deploy the current stack with -c organization=true (npx cdk deploy).',
      ),
    ];
  }
  const org = await aws({ action: 'organizations:DescribeOrganization' }, () =>
    organizationsClient().send(new DescribeOrganizationCommand({})),
  );
  const management = org.Organization?.MasterAccountId ?? '';
  // The hub creates the StackSet as itself in the management account, as delegated administrator elsewhere.
  const callAs: CallAs = d.account === management ? 'SELF' : 'DELEGATED_ADMIN';
  const StackSetName = d.stackSet;
  const set = await aws({ action: 'cloudformation:DescribeStackSet', stack: StackSetName }, () =>
    cloudFormationClient().send(new DescribeStackSetCommand({ StackSetName, CallAs: callAs })),
  );
  const targets = set.StackSet?.OrganizationalUnitIds ?? [];
  const instances = await allPages(
    (NextToken) =>
      aws({ action: 'cloudformation:ListStackInstances', stack: StackSetName }, () =>
        cloudFormationClient().send(
          new ListStackInstancesCommand({ StackSetName, CallAs: callAs, NextToken }),
        ),
      ),
    (p) => p.Summaries,
  );
  const byAccount = new Map<string, StackInstanceSummary>();
  for (const i of instances) if (i.Account && i.Region === d.region) byAccount.set(i.Account, i);

  const seen = new Set<string>([management, d.account]);
  const results: CheckResult[] = [];
  let current = 0;
  let inactive = 0;
  for (const target of targets) {
    for (const { account, parent } of await accountsUnder(target)) {
      const id = account.Id ?? '';
      if (seen.has(id)) continue;
      seen.add(id);
      if (account.Status !== 'ACTIVE') {
        inactive += 1;
        continue;
      }
      const instance = byAccount.get(id);
      if (instance?.Status === 'CURRENT') {
        current += 1;
        continue;
      }
      results.push(missingInstance(d, { id, name: account.Name ?? '', parent }, instance, callAs));
    }
  }
  const others = inactive > 0 ? `; ${inactive} suspended or closing account(s) left aside` : '';
  if (results.length === 0) {
    return [
      ok(
        ID,
        TITLE,
        `${current} account(s) of ${targets.join(', ') || 'no target'} have a CURRENT instance of ${StackSetName}${others}.`,
      ),
    ];
  }
  return results;
}

function missingInstance(
  d: Deployment,
  account: { id: string; name: string; parent: string },
  instance: StackInstanceSummary | undefined,
  callAs: CallAs,
): CheckResult {
  const who = `${account.id}${account.name ? ` (${visible(account.name)})` : ''}`;
  const create =
    `\`aws cloudformation create-stack-instances --stack-set-name ${d.stackSet} --regions ${d.region} ` +
    `--deployment-targets OrganizationalUnitIds=${account.parent},Accounts=${account.id},AccountFilterType=INTERSECTION` +
    `${callAs === 'DELEGATED_ADMIN' ? ' --call-as DELEGATED_ADMIN' : ''}\``;
  if (!instance) {
    return problem(
      ID,
      TITLE,
      `${who} in ${account.parent} has no instance of the member role StackSet: credsweep cannot reach it.`,
      `automatic deployment should have made it (\`aws cloudformation list-stack-set-operations --stack-set-name ${d.stackSet}\` shows a failed one); create it: ${create}.`,
    );
  }
  const reason = instance.StatusReason ? `: ${visible(instance.StatusReason)}` : '';
  const detailed = instance.StackInstanceStatus?.DetailedStatus;
  return problem(
    ID,
    TITLE,
    `${who}: its member role instance is ${instance.Status}${detailed ? ` (${detailed})` : ''}${reason}.`,
    instance.Status === 'INOPERABLE'
      ? `remove it and deploy it again: \`aws cloudformation delete-stack-instances --stack-set-name ${d.stackSet} --regions ${d.region} --deployment-targets OrganizationalUnitIds=${account.parent},Accounts=${account.id},AccountFilterType=INTERSECTION --retain-stacks\`, then ${create}.`
      : `fix the cause above (often an SCP that denies iam:CreateRole, or a role named ${DEFAULT_MEMBER_ROLE_NAME} made by hand), then ${create}.`,
  );
}

const ASSUME_ID = 'member-assume';
const ASSUME_TITLE = 'the hub assumed the member role in every account (latest organization run)';

/** What to do about STS's error when the hub's AssumeRole into an account's member role failed. */
function assumeFix(error: string, region: string): string {
  if (error === 'RegionDisabledException') {
    return `activate STS in ${region} for that account (IAM console, Account settings, Security Token Service endpoints), then run again.`;
  }
  if (error === 'AccessDenied' || error === 'AccessDeniedException') {
    return `the role is missing or does not trust the hub's functions: see member-instances for this account; with a CURRENT instance, an SCP or RCP of the account denies sts:AssumeRole on ${DEFAULT_MEMBER_ROLE_NAME}: exempt the credsweep roles from it.`;
  }
  return 'fix what the error says, then `credsweep start --all-accounts --dry-run` to try every account again.';
}

/** The accounts the latest organization run could not reach through the member role, one line each. */
export async function checkMemberAssume(d: Deployment): Promise<CheckResult[]> {
  const machine = d.outputs.OrganizationStateMachineArn ?? '';
  const bucket = d.outputs.BucketName ?? '';
  const [latest] = await listExecutions(machine, 1);
  const again =
    '`credsweep start --all-accounts --dry-run` has the hub assume the member role in every account (nothing is changed); run `credsweep doctor` after it.';
  if (!latest?.name) {
    return [info(ASSUME_ID, ASSUME_TITLE, 'no organization run yet, so the hub has not tried.', again)];
  }
  const text = await getObjectText(bucket, evidenceKey(latest.name));
  if (text === null) {
    return [
      info(
        ASSUME_ID,
        ASSUME_TITLE,
        `the latest organization run, ${latest.name}, has no summary yet (${latest.status}).`,
        again,
      ),
    ];
  }
  const evidence = JSON.parse(text) as Pick<OrgEvidence, 'accounts'>;
  const unreachable = evidence.accounts.filter((a) => a.outcome === 'unreachable');
  if (unreachable.length === 0) {
    return [
      ok(
        ASSUME_ID,
        ASSUME_TITLE,
        `in ${latest.name}, the hub assumed the member role in all ${evidence.accounts.length} account(s) it tried.`,
      ),
    ];
  }
  return unreachable.map((a) =>
    problem(
      ASSUME_ID,
      ASSUME_TITLE,
      `${a.accountId}${a.name ? ` (${visible(a.name)})` : ''}: in ${latest.name} the hub could not assume ${DEFAULT_MEMBER_ROLE_NAME}: ${visible(a.error?.Error ?? 'unknown error')}${a.error?.Cause ? `: ${visible(a.error.Cause)}` : ''}.`,
      assumeFix(a.error?.Error ?? '', d.region),
    ),
  );
}
