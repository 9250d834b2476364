import { describe, expect, it } from 'vitest';
import { executionArnOf, runRequestSchema } from '../../handlers/core/shared/request.js';

const CURRENT = 'arn:aws:states:eu-west-1:123456789012:execution:credsweep-remediation:backout-1';

describe('the execution input', () => {
  it('defaults to a remediation run and refuses unknown fields', () => {
    expect(runRequestSchema.parse({})).toEqual({ mode: 'remediate' });
    expect(runRequestSchema.safeParse({ day: 30 }).success).toBe(false);
  });

  it('needs backoutOf in backout mode', () => {
    const result = runRequestSchema.safeParse({ mode: 'backout' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('mode "backout" needs backoutOf: the execution to restore');
  });

  it('refuses user names IAM would not allow', () => {
    expect(runRequestSchema.safeParse({ users: ['alice', 'bob smith'] }).success).toBe(false);
    expect(runRequestSchema.safeParse({ users: ['svc+etl=nightly,eu.ops@data_team-1'] }).success).toBe(true);
  });
});

describe('executionArnOf', () => {
  it('keeps an ARN and turns a bare name into an execution of the same state machine', () => {
    const other =
      'arn:aws:states:eu-west-1:123456789012:execution:credsweep-remediation:run-20261126T1200Z-k3x9';
    expect(executionArnOf(other, CURRENT)).toBe(other);
    expect(executionArnOf('run-20261126T1200Z-k3x9', CURRENT)).toBe(other);
  });
});
