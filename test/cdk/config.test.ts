/** The deployment configuration read from CDK context: defaults, coercion, and errors that name the key. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_KEYS,
  ConfigError,
  configFromContext,
  LOG_RETENTION_DAYS,
  parseConfig,
} from '../../infra/config.js';
import { cdkJsonContext, REQUIRED_CONTEXT } from './synth.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    parseConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('fills every optional key with its documented default', () => {
    expect(parseConfig(REQUIRED_CONTEXT)).toEqual({
      approverEmails: ['alice@example.com'],
      senderEmail: 'credsweep@example.org',
      thresholdDays: 30,
      approvalTimeoutHours: 72,
      approvalsRequired: 1,
      deleteApprovalsRequired: 2,
      maxCredentials: 50,
      batchSize: 25,
      mapMaxConcurrency: 2,
      schedule: null,
      exemptUsers: [],
      exemptTagKey: 'credsweep:exempt',
      warnDays: 7,
      ownerTagKey: 'credsweep:owner',
      ownerDomains: [],
      deleteAfterDays: null,
      consoleAction: 'disable',
      logRetentionDays: 365,
      alarmEmail: null,
      securityHubAutoStart: false,
      securityHubActions: false,
      organization: null,
    });
  });

  it('reads the lifecycle settings and names a bad one', () => {
    expect(
      parseConfig({
        ...REQUIRED_CONTEXT,
        approverEmails: 'alice@example.com,bob@example.com',
        warnDays: '0',
        deleteAfterDays: '90',
        consoleAction: 'reset',
      }),
    ).toMatchObject({ warnDays: 0, deleteAfterDays: 90, consoleAction: 'reset' });
    expect(parseConfig({ ...REQUIRED_CONTEXT, deleteAfterDays: 'off' }).deleteAfterDays).toBeNull();
    expect(() => parseConfig({ ...REQUIRED_CONTEXT, consoleAction: 'wipe' })).toThrow(/consoleAction/);
    expect(() => parseConfig({ ...REQUIRED_CONTEXT, deleteAfterDays: '0' })).toThrow(/deleteAfterDays/);
    expect(() => parseConfig({ ...REQUIRED_CONTEXT, ownerTagKey: 'bad#key' })).toThrow(/ownerTagKey/);
  });

  it('takes lists as comma-separated strings (from -c) or arrays (from cdk.json)', () => {
    const fromCli = parseConfig({
      ...REQUIRED_CONTEXT,
      approverEmails: ' a@x.com, b@y.org ,',
      exemptUsers: 'x,y',
    });
    const fromJson = parseConfig({
      ...REQUIRED_CONTEXT,
      approverEmails: ['a@x.com', 'b@y.org'],
      exemptUsers: ['x', 'y'],
    });
    expect(fromCli.approverEmails).toEqual(['a@x.com', 'b@y.org']);
    expect(fromJson.approverEmails).toEqual(['a@x.com', 'b@y.org']);
    expect(fromCli.exemptUsers).toEqual(['x', 'y']);
  });

  it('takes numbers as strings (from -c) or numbers (from cdk.json)', () => {
    const config = parseConfig({
      ...REQUIRED_CONTEXT,
      thresholdDays: '90',
      approvalTimeoutHours: 24,
      maxCredentials: ' 200 ',
      batchSize: '50',
      mapMaxConcurrency: 4,
      logRetentionDays: '30',
    });
    expect(config).toMatchObject({
      thresholdDays: 90,
      approvalTimeoutHours: 24,
      maxCredentials: 200,
      batchSize: 50,
      mapMaxConcurrency: 4,
      logRetentionDays: 30,
    });
  });

  it('accepts "off", rate() and six-field cron() schedules', () => {
    expect(parseConfig({ ...REQUIRED_CONTEXT, schedule: 'off' }).schedule).toBeNull();
    expect(parseConfig({ ...REQUIRED_CONTEXT, schedule: 'rate(7 days)' }).schedule).toBe('rate(7 days)');
    expect(parseConfig({ ...REQUIRED_CONTEXT, schedule: 'rate(1 day)' }).schedule).toBe('rate(1 day)');
    expect(parseConfig({ ...REQUIRED_CONTEXT, schedule: 'cron(0 6 ? * MON *)' }).schedule).toBe(
      'cron(0 6 ? * MON *)',
    );
  });

  it('says approverEmails is required and how to pass it', () => {
    const [problem] = problemsOf({ senderEmail: 'credsweep@example.org' });
    expect(problem).toContain('approverEmails is required');
    expect(problem).toContain('-c approverEmails=a@x.com');
  });

  it('says senderEmail is required and how to pass it', () => {
    const problems = problemsOf({ approverEmails: 'alice@example.com', senderEmail: '  ' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('senderEmail is required');
    expect(problems[0]).toContain('-c senderEmail=');
  });

  it.each([
    ['approverEmails', 'alice@example.com,not-an-address', 'entry 2 "not-an-address" is not an email'],
    ['approverEmails', 42, 'must be a list or a comma-separated string'],
    ['senderEmail', 'credsweep', 'is not an email address'],
    ['thresholdDays', 'thirty', 'must be a whole number from 1 to 3650'],
    ['thresholdDays', 0, 'must be a whole number from 1 to 3650'],
    ['approvalTimeoutHours', 1.5, 'must be a whole number from 1 to 720'],
    ['approvalTimeoutHours', 721, 'must be a whole number from 1 to 720'],
    ['maxCredentials', -1, 'must be a whole number from 1 to 15000'],
    ['batchSize', '101', 'must be a whole number from 1 to 100'],
    ['mapMaxConcurrency', 11, 'must be a whole number from 1 to 10'],
    ['schedule', 'weekly', 'rate(7 days)'],
    ['schedule', 'cron(0 6 * *)', 'six-field cron'],
    ['schedule', 'at(2030-01-01T00:00:00)', 'must be "off"'],
    ['exemptUsers', 'ok,not ok', 'entry 2 "not ok" is not an IAM user name'],
    ['exemptTagKey', 'bad#key', 'is not an IAM tag key'],
    ['logRetentionDays', 10, 'must be one of 1, 3, 5'],
    ['alarmEmail', 'ops', 'is not an email address'],
  ])('names %s when it is %j', (key, value, message) => {
    const problems = problemsOf({ ...REQUIRED_CONTEXT, [key]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.startsWith(key)).toBe(true);
    expect(problems[0]).toContain(message);
  });

  it('refuses a quorum the approvers cannot reach, naming both settings and approverEmails', () => {
    const tooMany = problemsOf({ ...REQUIRED_CONTEXT, approvalsRequired: '2' });
    expect(tooMany).toEqual([
      'the approval quorum cannot be reached: approvalsRequired 2 and deleteApprovalsRequired 2 need 2 different approvers, but approverEmails names 1; add approvers or lower the settings',
    ]);
    // The delete quorum counts once the delete stage is on.
    expect(problemsOf({ ...REQUIRED_CONTEXT, deleteAfterDays: '90' })[0]).toContain(
      'deleteApprovalsRequired 2 (the delete stage is on: deleteAfterDays) need 2 different approvers',
    );
    expect(
      parseConfig({
        ...REQUIRED_CONTEXT,
        approverEmails: 'a@x.com,b@x.com',
        approvalsRequired: '2',
        deleteAfterDays: '90',
      }),
    ).toMatchObject({ approvalsRequired: 2, deleteApprovalsRequired: 2 });
    expect(
      problemsOf({ ...REQUIRED_CONTEXT, approverEmails: 'a@x.com,A@X.com', approvalsRequired: '2' })[0],
    ).toContain('approverEmails names 1');
  });

  it('refuses maxCredentials and batchSize that could exceed Step Functions quotas, naming both and the way out', () => {
    const problems = problemsOf({ ...REQUIRED_CONTEXT, maxCredentials: '15000', batchSize: '1' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^maxCredentials 15000 with batchSize 1 allows up to 15000 batches/);
    expect(problems[0]).toContain('25,000 history events');
    expect(problems[0]).toContain('lower maxCredentials to at most 260, or raise batchSize to at least 60');
    expect(parseConfig({ ...REQUIRED_CONTEXT, maxCredentials: '15000', batchSize: '60' })).toMatchObject({
      maxCredentials: 15_000,
      batchSize: 60,
    });
  });

  it('reports every problem at once, one line per key, with how to pass a key', () => {
    let error: unknown;
    try {
      parseConfig({ thresholdDays: 'x', schedule: 'often' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.problems.map((p) => p.split(' ')[0])).toEqual([
      'approverEmails',
      'senderEmail',
      'thresholdDays',
      'schedule',
    ]);
    expect(configError.message).toContain('-c key=value');
    expect(configError.message).toContain('docs/deploy.md');
  });

  it('offers exactly the retention periods CloudWatch Logs accepts, except never-expire', () => {
    const cdkValues = Object.values(RetentionDays).filter(
      (v): v is number => typeof v === 'number' && v !== RetentionDays.INFINITE,
    );
    expect([...LOG_RETENTION_DAYS].sort((a, b) => a - b)).toEqual(cdkValues.sort((a, b) => a - b));
  });
});

describe('configFromContext', () => {
  it('reads every key from CDK context', () => {
    const app = new App({
      context: { ...REQUIRED_CONTEXT, thresholdDays: '60', schedule: 'rate(14 days)', exemptTagKey: 'keep' },
    });
    expect(configFromContext(app.node)).toMatchObject({
      thresholdDays: 60,
      schedule: 'rate(14 days)',
      exemptTagKey: 'keep',
    });
  });
});

describe('cdk.json', () => {
  it('runs the app with tsx and documents the credsweep keys', () => {
    const context = cdkJsonContext();
    expect(context['//']).toEqual(expect.stringContaining('docs/deploy.md'));
    for (const key of CONFIG_KEYS) expect(String(context['//'])).toContain(key);
  });

  it('sets the feature flags aws-cdk-lib recommends', () => {
    expect(cdkJsonContext()).toMatchObject(CURRENTLY_RECOMMENDED_FLAGS);
  });
});

describe('infra/app.ts', () => {
  it('exits 1 with the missing keys named when run without context', () => {
    const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['infra/app.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: '{}',
        CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'credsweep-app-')),
      },
      timeout: 110_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('approverEmails is required');
    expect(result.stderr).toContain('-c approverEmails=a@x.com');
    expect(result.stderr).toContain('senderEmail is required');
  }, 120_000);
});
