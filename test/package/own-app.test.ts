/**
 * A CDK app outside infra/ that embeds credsweep through the package name (`credsweep/cdk`, the
 * built dist/cdk/index.js) synthesizes clean: cdk-nag's AwsSolutions pack reports nothing, and the
 * construct brings the whole deployment under the app's own stack and construct id.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_FUNCTION_IDS } from '../../handlers/aws/permissions.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let synth: { code: number; stdout: string; stderr: string };
let template: { Resources: Record<string, { Type: string }>; Outputs: Record<string, unknown> };

beforeAll(async () => {
  const outdir = mkdtempSync(join(tmpdir(), 'credsweep-own-app-'));
  synth = await new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'examples', 'own-app', 'app.ts')],
      { cwd: ROOT, env: { ...process.env, CDK_OUTDIR: outdir }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? -1), stdout, stderr }),
    );
  });
  if (synth.code === 0) {
    template = JSON.parse(readFileSync(join(outdir, 'SecurityBaseline.template.json'), 'utf8'));
  }
}, 180_000);

describe('examples/own-app (import { Credsweep } from "credsweep/cdk")', () => {
  it('synthesizes with cdk-nag AwsSolutions and no finding, error or warning', () => {
    expect(synth.stderr).not.toMatch(/AwsSolutions-|\[Error|\[Warning/);
    expect(synth.code, synth.stderr).toBe(0);
  });

  it("puts the whole deployment under the app's construct id, beside the app's own outputs", () => {
    const types = Object.values(template.Resources).map((r) => r.Type);
    // Every account function but the Security Hub start function, which is opt-in (securityHubActions).
    expect(types.filter((t) => t === 'AWS::Lambda::Function')).toHaveLength(
      ACCOUNT_FUNCTION_IDS.filter((id) => id !== 'SecurityHubStart').length,
    );
    expect(types).toEqual(
      expect.arrayContaining([
        'AWS::StepFunctions::StateMachine',
        'AWS::DynamoDB::Table',
        'AWS::ApiGateway::RestApi',
        'AWS::Scheduler::Schedule',
      ]),
    );
    // CDK makes the EventBridge Scheduler target role a singleton of the stack (aws-scheduler-targets).
    const others = Object.entries(template.Resources)
      .filter(([id, r]) => !id.startsWith('StaleCredentials') && r.Type !== 'AWS::CDK::Metadata')
      .map(([id, r]) => `${r.Type} ${id.replace(/[0-9A-F]{8}$/, '')}`);
    expect(others.sort()).toEqual([
      'AWS::IAM::Policy SchedulerRoleForTarget246f60DefaultPolicy',
      'AWS::IAM::Role SchedulerRoleForTarget246f60',
    ]);
    expect(Object.keys(template.Outputs)).toEqual(expect.arrayContaining(['StateMachineArn', 'BucketName']));
  });
});
