/**
 * The construct's props are checked by the schema that checks the repository's CDK context
 * (infra/config.ts): a team embedding credsweep gets the same clear error naming the setting.
 */
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../infra/config.js';
import { Credsweep } from '../../infra/credsweep.js';

const stack = () => new Stack(new App(), 'Team');

describe('new Credsweep(scope, id, props)', () => {
  it('refuses bad props before building anything, naming each setting', () => {
    const act = () =>
      new Credsweep(stack(), 'Credsweep', {
        approverEmails: [],
        senderEmail: 'not-an-address',
        thresholdDays: 0,
      });

    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/approverEmails/);
    expect(act).toThrow(/senderEmail/);
    expect(act).toThrow(/thresholdDays/);
  });

  it('refuses a blast-radius setting the workflow could not hold within the Step Functions quotas', () => {
    const act = () =>
      new Credsweep(stack(), 'Credsweep', {
        approverEmails: ['security@example.com'],
        senderEmail: 'credsweep@example.com',
        maxCredentials: 15_000,
        batchSize: 1,
      });

    expect(act).toThrow(/maxCredentials/);
  });
});
