/**
 * cdk-nag 3 (AwsSolutions pack) over the whole app, every optional feature on: no finding may be
 * left unacknowledged, errors and warnings alike, and every acknowledgement must be narrow,
 * reasoned, and still match a real finding (a stale one would hide the next finding of that id).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, type PolicyViolation, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NagPack } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './synth.js';

const ALL_FEATURES = {
  schedule: 'rate(7 days)',
  alarmEmail: 'secops@example.com',
  exemptUsers: 'breakglass,ci-deployer',
  securityHubAutoStart: 'true',
  organization: 'true',
  organizationId: 'o-a1b2c3d4e5',
  memberOus: 'ou-a1b2-workload1,ou-a1b2-sandbox01',
};

/** The rules acknowledged on purpose; each acknowledgement is reviewed in infra/. */
const REVIEWED_RULES = [
  'AwsSolutions-APIG3',
  'AwsSolutions-APIG4',
  'AwsSolutions-APIG6',
  'AwsSolutions-COG4',
  'AwsSolutions-IAM4',
  'AwsSolutions-IAM5',
  'AwsSolutions-L1',
  'AwsSolutions-SMG4',
];

interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

function acknowledgements(app: App): Acknowledgement[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

const describeViolations = (violations: PolicyViolation[]) =>
  violations.map(
    (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
  );

/** Runs the pack as if nothing were acknowledged (patches cdk-nag's private check for this call only). */
function findingsIgnoringAcknowledgements(app: App): PolicyViolation[] {
  const original: unknown = Reflect.get(NagPack.prototype, 'isAcknowledged');
  Reflect.set(NagPack.prototype, 'isAcknowledged', () => false);
  try {
    return new AwsSolutionsChecks().validateScope(app).violations;
  } finally {
    Reflect.set(NagPack.prototype, 'isAcknowledged', original);
  }
}

describe('cdk-nag AwsSolutions', () => {
  let app: App;

  beforeAll(() => {
    ({ app } = buildApp(ALL_FEATURES, { bundle: false }));
  });

  it('finds nothing unacknowledged, neither errors nor warnings', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(describeViolations(report.violations)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledges only the reviewed rules, each below the stack and with a real reason', () => {
    const acks = acknowledgements(app);
    expect(new Set(acks.map((a) => a.id.replace(/\[.*$/, '')))).toEqual(new Set(REVIEWED_RULES));
    for (const ack of acks) {
      expect(ack.path.split('/').length, `${ack.id} at ${ack.path}`).toBeGreaterThan(1);
      expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThan(60);
    }
    // Wildcards on IAM5 are acknowledged finding by finding, never as the whole rule.
    expect(acks.filter((a) => a.id === 'AwsSolutions-IAM5')).toEqual([]);
  });

  it('has no stale acknowledgement: each matches a finding at or under its scope', () => {
    const raw = findingsIgnoringAcknowledgements(app);
    expect(raw.length).toBeGreaterThan(0);
    for (const ack of acknowledgements(app)) {
      const matched = raw.some(
        (v) =>
          v.ruleName === ack.id &&
          v.violatingResources.some(
            (r) => r.constructPath === ack.path || r.constructPath?.startsWith(`${ack.path}/`),
          ),
      );
      expect(matched, `${ack.id} at ${ack.path}`).toBe(true);
    }
  });

  it('passes synthesis with the pack registered as infra/app.ts registers it', () => {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    // In a test process CDK validates in memory and throws on an error finding.
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations?: PolicyViolation[] }[];
    };
    expect(report.pluginReports.flatMap((r) => describeViolations(r.violations ?? []))).toEqual([]);
    // Synthesis bundles eleven functions with esbuild: minutes on a busy machine.
  }, 240_000);
});
