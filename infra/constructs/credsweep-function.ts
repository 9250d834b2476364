import { existsSync } from 'node:fs';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  type IGrantable,
  type IPrincipal,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  Code,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { lambdaDir, packageFile } from '../../cli/package-files.js';

/** IAM actions that accept only `Resource: '*'`, with why the function needs them. */
export interface AccountLevelActions {
  /** Actions such as `iam:GenerateCredentialReport`, which have no resource-level permissions. */
  readonly actions: string[];
  /** Why the function calls them; recorded with the cdk-nag acknowledgement. */
  readonly reason: string;
}

export interface CredsweepFunctionProps {
  /**
   * The handler file under `handlers/`, such as `analyze.ts`; it must export `handler`. The code
   * deployed is its bundle in `dist/lambda/` (scripts/build.ts), found from this package.
   */
  readonly entry: string;
  /** What the function does, shown in the Lambda console. */
  readonly description: string;
  /**
   * Keep it below the TimeoutSeconds of the state that invokes it, so the Lambda error (not a
   * States.Timeout) is what the state machine sees.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /**
   * Environment variables; POWERTOOLS_SERVICE_NAME and NODE_OPTIONS (source maps) are added.
   * @default - none besides the two above
   */
  readonly environment?: Record<string, string>;
  /** @default Runtime.NODEJS_22_X */
  readonly runtime?: Runtime;
  /** @default Architecture.ARM_64 */
  readonly architecture?: Architecture;
  /** Retention of the function's own log group. @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
  /** @default Tracing.ACTIVE */
  readonly tracing?: Tracing;
  /**
   * Account-level actions the function may call on `Resource: '*'` (read-only ones only).
   * @default - none
   */
  readonly accountLevelActions?: AccountLevelActions;
}

/**
 * One credsweep Lambda function with the production defaults: Node.js 22 on arm64, its own log
 * group with retention (no log-retention custom resource), JSON logs, X-Ray active tracing, source
 * maps, and the handler's esbuild bundle that `npm run build` wrote (no Docker, no esbuild at synth
 * time, so the same code deploys from a clone and from the installed package). The function
 * gets its own role with no managed policy: it may write to its log group and send traces, and
 * the stack grants each further action explicitly.
 */
export class CredsweepFunction extends Construct implements IGrantable {
  readonly fn: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: CredsweepFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `credsweep ${id}: ${props.description}`,
    });
    this.logGroup.grantWrite(this.role);

    const runtime = props.runtime ?? Runtime.NODEJS_22_X;
    const tracing = props.tracing ?? Tracing.ACTIVE;
    const code = packageFile(lambdaDir(props.entry));
    if (!existsSync(`${code}/index.mjs`)) {
      throw new Error(`credsweep: no Lambda bundle in ${code}; run \`npm run build\` first.`);
    }
    this.fn = new LambdaFunction(this, 'Function', {
      code: Code.fromAsset(code),
      handler: 'index.handler',
      description: props.description,
      runtime,
      architecture: props.architecture ?? Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: 'credsweep',
        NODE_OPTIONS: '--enable-source-maps',
      },
    });

    // X-Ray's PutTraceSegments/PutTelemetryRecords (added by active tracing) have no resource-level
    // permissions; so do the account-level actions below.
    const wildcardReasons: string[] = [];
    if (tracing === Tracing.ACTIVE) {
      wildcardReasons.push(
        'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) support only Resource "*".',
      );
    }
    if (props.accountLevelActions) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: props.accountLevelActions.actions, resources: ['*'] }),
      );
      wildcardReasons.push(
        `${props.accountLevelActions.actions.join(', ')} support only Resource "*": ${props.accountLevelActions.reason}`,
      );
    }
    if (wildcardReasons.length > 0) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: wildcardReasons.join(' '),
      });
    }

    if (runtime === Runtime.NODEJS_22_X) {
      Validations.of(this.fn).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          'nodejs22.x is a supported Lambda runtime chosen on purpose: the bundles are built for node22 and the same code is tested on Node 20 (package.json `engines`); moving to a newer runtime is a reviewed change of the `runtime` default here.',
      });
    }
  }

  get grantPrincipal(): IPrincipal {
    return this.role;
  }

  /** Adds a statement to the function's own role policy. */
  addToRolePolicy(statement: PolicyStatement): void {
    this.role.addToPrincipalPolicy(statement);
  }
}
