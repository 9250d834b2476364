/**
 * What the `credsweep` command bundles in place of `@aws-sdk/client-lambda` and
 * `@aws-sdk/credential-providers` for aws-local-stepfunctions (scripts/build.ts). That engine
 * imports them to invoke Task states in AWS Lambda; credsweep gives every Task its local handler
 * (cli/local/engine.ts), so a local run never calls AWS, and the command need not load the SDK.
 * Should a Task ever lack its local handler, the run fails here, naming the problem.
 */
const REFUSED =
  'credsweep runs every workflow task locally: a Task state without a local handler would call AWS Lambda';

export class LambdaClient {
  constructor() {
    throw new Error(REFUSED);
  }
}

export class InvokeCommand {
  constructor() {
    throw new Error(REFUSED);
  }
}

export function fromCognitoIdentityPool(): never {
  throw new Error(REFUSED);
}
