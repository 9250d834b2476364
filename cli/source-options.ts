/** The options that choose where the run commands read runs from: AWS (a stack or a state machine) or a local home. */
import { type Command, Option } from 'commander';
import { shellWord } from '../handlers/core/shared/commands.js';
import type { LengthChecks } from './commands/options.js';

export const DEFAULT_HOME = '.credsweep';

export interface SourceFlags {
  stack?: string;
  stateMachine?: string;
  bucket?: string;
  local?: boolean;
  home: string;
  json?: boolean;
}

/** How a hint writes a command: `credsweep <args>` with the options that read the same runs. */
export type CommandHint = (args: string) => string;

/**
 * The credsweep command `args` that reads the runs `flags` chose, so a suggestion pastes as it is:
 * `--local` (and `--home DIR` when not the default) for a local home; in AWS the `--stack` or
 * `--state-machine` given, if any (`--bucket` too when `withBucket`, for the commands that take it).
 */
export function commandHint(flags: SourceFlags): CommandHint {
  return (args) => {
    const parts = ['credsweep', args];
    if (flags.local) {
      parts.push('--local');
      if (flags.home !== DEFAULT_HOME) parts.push('--home', shellWord(flags.home));
    } else {
      if (flags.stack !== undefined) parts.push('--stack', shellWord(flags.stack));
      if (flags.stateMachine !== undefined) parts.push('--state-machine', shellWord(flags.stateMachine));
      if (flags.bucket !== undefined && /^(evidence|show) /.test(args))
        parts.push('--bucket', shellWord(flags.bucket));
    }
    return parts.join(' ');
  };
}

/** --stack, --state-machine, [--bucket], --local, --home, --json. */
export function addSourceOptions(
  command: Command,
  lengths: LengthChecks,
  opts: { bucket?: boolean } = {},
): Command {
  command
    .addOption(
      new Option(
        '--stack <name>',
        'CloudFormation stack whose outputs name the state machine (default Credsweep)',
      ).argParser(lengths.limited('--stack', 'stackName')),
    )
    .addOption(
      new Option(
        '--state-machine <arn>',
        'the state machine ARN (instead of reading the stack outputs)',
      ).argParser(lengths.limited('--state-machine', 'stateMachineArn')),
    );
  if (opts.bucket) {
    command.addOption(
      new Option('--bucket <name>', 'the evidence bucket (default: the stack output BucketName)').argParser(
        lengths.limited('--bucket', 'bucketName'),
      ),
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
