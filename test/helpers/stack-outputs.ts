/** CloudFormation's DescribeStacks answer for the Credsweep stack, as the CLI tests mock it. */
import type { DescribeStacksCommandOutput, StackStatus } from '@aws-sdk/client-cloudformation';

export function credsweepStack(
  outputs: Record<string, string>,
  status: StackStatus = 'CREATE_COMPLETE',
): DescribeStacksCommandOutput {
  return {
    $metadata: {},
    Stacks: [
      {
        StackName: 'Credsweep',
        CreationTime: new Date(),
        StackStatus: status,
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  };
}
