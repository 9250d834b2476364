/** The options that choose where the run commands read runs from: AWS (a stack or a state machine) or a local home. */
import { type Command, Option } from 'commander';

export const DEFAULT_HOME = '.credsweep';

export interface SourceFlags {
  stack?: string;
  stateMachine?: string;
  bucket?: string;
  local?: boolean;
  home: string;
  json?: boolean;
}

/** --stack, --state-machine, [--bucket], --local, --home, --json. */
export function addSourceOptions(command: Command, opts: { bucket?: boolean } = {}): Command {
  command
    .addOption(
      new Option(
        '--stack <name>',
        'CloudFormation stack whose outputs name the state machine (default Credsweep)',
      ),
    )
    .addOption(
      new Option('--state-machine <arn>', 'the state machine ARN (instead of reading the stack outputs)'),
    );
  if (opts.bucket) {
    command.addOption(
      new Option('--bucket <name>', 'the evidence bucket (default: the stack output BucketName)'),
    );
  }
  return command
    .addOption(
      new Option('--local', 'use the runs a local home keeps (credsweep demo) instead of AWS').conflicts([
        'stack',
        'stateMachine',
        ...(opts.bucket ? ['bucket'] : []),
      ]),
    )
    .option('--home <dir>', 'local home of --local runs', DEFAULT_HOME)
    .option('--json', 'print one JSON object on stdout and nothing else');
}
