/** Real local adapters over a sandbox account in a temporary directory: for tests of the task logic. */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FileBlobs,
  FileSecrets,
  FileStore,
  LocalRunStarter,
  LocalTaskCallbacks,
  Outbox,
} from '../../cli/local/local-ports.js';
import { SandboxAccount, type SandboxAccountOptions } from '../../cli/local/sandbox-account.js';
import { NO_ORGANIZATION } from '../../cli/local/sandbox-organization.js';
import type { Seed } from '../../cli/local/seed.js';
import type { ApprovalRecord } from '../../handlers/core/shared/types.js';
import type { Ports, Settings } from '../../handlers/ports/index.js';

export interface Harness {
  ports: Ports;
  sandbox: SandboxAccount;
  outbox: Outbox;
  home: string;
  /** Moves the clock forward. */
  advance(ms: number): void;
}

export function harness(
  seed: Seed,
  now: Date,
  opts: Partial<SandboxAccountOptions> & { settings?: Partial<Settings> } = {},
): Harness {
  let t = now.getTime();
  const clock = () => new Date(t);
  const home = mkdtempSync(join(tmpdir(), 'credsweep-test-'));
  const { settings: overrides, ...sandboxOpts } = opts;
  const sandbox = new SandboxAccount(seed, { now: clock, reportPollsUntilComplete: 0, ...sandboxOpts });
  const outbox = new Outbox(join(home, 'outbox'), clock);
  const settings: Settings = {
    accountId: seed.accountId,
    approverEmails: ['approver@example.com'],
    senderEmail: 'credsweep@example.com',
    approvalBaseUrl: 'http://127.0.0.1:9',
    approvalTimeoutSeconds: 3600,
    thresholdDays: 30,
    maxCredentials: 50,
    batchSize: 25,
    exemptUsers: [],
    exemptTagKey: 'credsweep:exempt',
    passwordSecretPrefix: 'credsweep/restored/',
    rereadDelaysMs: [1, 1, 1],
    ...overrides,
  };
  const ports: Ports = {
    iam: sandbox,
    store: new FileStore(join(home, 'store')),
    blobs: new FileBlobs(home),
    mail: outbox,
    secrets: new FileSecrets(join(home, 'secrets')),
    callbacks: new LocalTaskCallbacks(),
    securityHub: sandbox.securityHub,
    runs: new LocalRunStarter(),
    organizations: NO_ORGANIZATION,
    accounts: NO_ORGANIZATION,
    settings,
    now: clock,
  };
  return {
    ports,
    sandbox,
    outbox,
    home,
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Stores an approval as if an approver had decided it (the approval page has its own tests). */
export async function storeDecision(
  ports: Ports,
  executionId: string,
  decision: 'approved' | 'rejected',
  selection: string[],
): Promise<string> {
  const approvalId = `approval-${executionId.split(':').pop()}`;
  const now = ports.now().toISOString();
  const record: ApprovalRecord = {
    approvalId,
    executionId,
    planKey: 'unused',
    accountId: ports.settings.accountId,
    taskToken: 'token-not-used-here',
    approvers: [{ approver: 'approver@example.com', secretHash: 'x' }],
    createdAt: now,
    expiresAt: now,
    status: decision,
    decision: {
      decision,
      approver: 'approver@example.com',
      decidedAt: now,
      sourceIp: '127.0.0.1',
      userAgent: 'test',
      selection,
    },
  };
  await ports.store.putApproval(record);
  return approvalId;
}
