/**
 * `credsweep doctor` finds each function's role and the failed-runs alarm from the deployed stack's
 * resources by their logical ids, the member role StackSet and the Security Hub action by their types (cli/doctor/deployment.ts): checked against the synthesized
 * template, so a renamed construct cannot silently hide a function from the doctor.
 */
import { describe, expect, it } from 'vitest';
import { functionIdOf } from '../../cli/doctor/deployment.js';
import { buildStack } from './synth.js';

describe("the doctor's view of the synthesized stack", () => {
  const { stack, template } = buildStack({}, { bundle: false });
  const resources = Object.entries(
    template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>,
  );

  it('recognises every Lambda function of the stack as one of its functions, by construct id', () => {
    const lambdas = resources.filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    const ids = lambdas.map(([logicalId, r]) => functionIdOf(logicalId, r.Type));
    expect(ids).not.toContain(null);
    expect(ids.sort()).toEqual(Object.keys(stack.credsweep.functions).sort());
  });

  it('has the failed-runs alarm the doctor looks for: on ExecutionsFailed of the state machine', () => {
    const alarms = resources.filter(
      ([, r]) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.MetricName === 'ExecutionsFailed',
    );
    expect(alarms).toHaveLength(1);
    const props = alarms[0]?.[1].Properties;
    expect(props).toMatchObject({ MetricName: 'ExecutionsFailed', Namespace: 'AWS/States' });
    expect(props?.Dimensions).toEqual([
      {
        Name: 'StateMachineArn',
        Value: { Ref: stack.getLogicalId(stack.credsweep.stateMachine.node.defaultChild as never) },
      },
    ]);
  });

  it('finds what the organization and Security Hub checks read: one member role StackSet, the custom action only when deployed', {
    timeout: 300_000,
  }, () => {
    const typesOf = (context: Record<string, string>) =>
      Object.values(
        buildStack(context, { bundle: false }).template.toJSON().Resources as Record<
          string,
          { Type: string }
        >,
      ).map((r) => r.Type);
    const count = (types: string[], type: string) => types.filter((t) => t === type).length;
    const org = typesOf({
      organization: 'true',
      organizationId: 'o-a1b2c3d4e5',
      organizationRootId: 'r-a1b2',
      securityHubActions: 'true',
    });
    expect(count(org, 'AWS::CloudFormation::StackSet')).toBe(1);
    expect(count(org, 'AWS::SecurityHub::ActionTarget')).toBe(1);
    const plain = resources.map(([, r]) => r.Type);
    expect(count(plain, 'AWS::CloudFormation::StackSet')).toBe(0);
    expect(count(plain, 'AWS::SecurityHub::ActionTarget')).toBe(0);
  });
});
