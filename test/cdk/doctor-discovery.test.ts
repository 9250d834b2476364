/**
 * `credsweep doctor` finds each function's role and the failed-runs alarm from the deployed stack's
 * resources by their logical ids (cli/doctor/deployment.ts): checked against the synthesized
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
});
