import type * as z from 'zod';
import { InputError } from './errors.js';

/** Validates data crossing a boundary; the error names each bad field and what was expected. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
  throw new InputError(`Invalid ${what}: ${problems.join('; ')}`);
}

/**
 * AWS's length limits on the names and ids the commands take (each service's API reference):
 * Step Functions execution names 1-80 and ARNs 1-256 characters (ExecutionListItem, StartExecution),
 * IAM user names 64 (CreateUser), account ids 12 digits, Organizations OU ids
 * `ou-` + 4-32 + `-` + 8-32 characters, CloudFormation stack names 128, S3 bucket names 63, email
 * addresses 254 (RFC 5321).
 */
export const LENGTH_LIMITS = {
  executionName: { max: 80, what: 'a Step Functions execution name' },
  executionArn: { max: 256, what: 'a Step Functions execution ARN' },
  stateMachineArn: { max: 256, what: 'a Step Functions state machine ARN' },
  userName: { max: 64, what: 'an IAM user name' },
  accountId: { max: 12, what: 'an AWS account id' },
  ouId: { max: 68, what: 'an OU id' },
  stackName: { max: 128, what: 'a CloudFormation stack name' },
  bucketName: { max: 63, what: 'an S3 bucket name' },
  email: { max: 254, what: 'an email address' },
} as const;
export type LengthRule = keyof typeof LENGTH_LIMITS;

/** A value longer than AWS allows: refused before anything is read or written. */
export class ArgumentTooLong extends InputError {
  readonly length: number;

  constructor(
    readonly argument: string,
    readonly rule: LengthRule,
    value: string,
  ) {
    const { max, what } = LENGTH_LIMITS[rule];
    super(
      `${argument} ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)} is ${value.length} characters long; ` +
        `${what} is at most ${max}: nothing was read or changed`,
    );
    this.length = value.length;
    this.name = 'ArgumentTooLong';
  }

  get limit(): number {
    return LENGTH_LIMITS[this.rule].max;
  }
}

/** Throws ArgumentTooLong when `value` is longer than the rule allows. */
export function checkLength(argument: string, value: string, rule: LengthRule): void {
  if (value.length > LENGTH_LIMITS[rule].max) throw new ArgumentTooLong(argument, rule, value);
}
