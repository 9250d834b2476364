import { Aws, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type Resource,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The stage name; part of every approval link. */
export const APPROVAL_API_STAGE = 'v1';

export interface ApprovalApiProps {
  /** Retention of the access-log group. */
  readonly logRetention: RetentionDays;
  /** Steady-state requests per second of the whole stage. @default 5 */
  readonly throttlingRateLimit?: number;
  /** Burst of requests of the whole stage. @default 20 */
  readonly throttlingBurstLimit?: number;
}

/**
 * The approval endpoint: a regional REST API with exactly two routes, GET and POST
 * `/approvals/{id}`, both proxied to one Lambda function (see `routeTo`). The stage is throttled
 * and access-logged as JSON, and not traced. The access-log format records the route template
 * (`$context.resourcePath`), never the request path or query string, so the link secret (`?k=`)
 * is never written to a log; X-Ray is off on the stage because API Gateway's trace segment records
 * the request URL with its query string, which would put the secret in X-Ray.
 *
 * The endpoint is deliberately unauthenticated: approvers open a link from an email, and the
 * link itself is the credential (an unguessable per-approver secret, checked against its stored
 * hash by the handler, single-use, expiring with the approval window; POST also needs an HMAC
 * form token). The cdk-nag acknowledgements below say so at the narrowest scope.
 */
export class ApprovalApi extends Construct {
  readonly api: RestApi;
  readonly accessLogs: LogGroup;
  /**
   * `https://<api id>.execute-api.<region>.<suffix>/v1`, without a trailing slash. Built from the
   * API id and the literal stage name (not the Stage resource), so the function behind the API can
   * carry this URL in its environment without a dependency cycle.
   */
  readonly baseUrl: string;
  private readonly approval: Resource;

  constructor(scope: Construct, id: string, props: ApprovalApiProps) {
    super(scope, id);

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.api = new RestApi(this, 'Api', {
      description: 'credsweep approval links: GET shows the plan, POST records the decision.',
      endpointTypes: [EndpointType.REGIONAL],
      // API Gateway writes access logs through the account's (per Region) CloudWatch role; create
      // it here and keep it when the stack is deleted, since other APIs in the account may use it.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: APPROVAL_API_STAGE,
        throttlingRateLimit: props.throttlingRateLimit ?? 5,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 20,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
        // Execution logging stays off and data tracing too: both can write the request's query
        // string (the link secret) to CloudWatch. Access logs above cover every request.
        loggingLevel: MethodLoggingLevel.OFF,
        dataTraceEnabled: false,
        // API Gateway's X-Ray segment records the request URL, query string included (`?k=`, the
        // link secret), for anyone with X-Ray read access. The function behind it is still traced:
        // a Lambda segment carries the function and timing, never the event.
        tracingEnabled: false,
        metricsEnabled: true,
      },
    });

    // RestApi adds an `Endpoint` output (with a trailing slash); the stack outputs the one URL
    // the handlers use instead (ApprovalApiUrl), so drop the duplicate.
    this.api.node.tryRemoveChild('Endpoint');

    this.approval = this.api.root.addResource('approvals').addResource('{id}');

    this.baseUrl = `https://${this.api.restApiId}.execute-api.${Aws.REGION}.${Stack.of(this).urlSuffix}/${APPROVAL_API_STAGE}`;

    Validations.of(this.api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'No WAF web ACL: the API has two routes on one Lambda, the stage is throttled (rate and burst), and every request must present an unguessable single-use link secret; a web ACL would add cost without adding a control these links need.',
    });
    Validations.of(this.api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG6',
      reason:
        'Execution logging is off on purpose: API Gateway execution logs can contain the request query string, which carries the approval link secret. Access logging (without path or query string) records every request.',
    });
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          "The account-level API Gateway logging role needs exactly AWS's service-role policy for pushing access logs to CloudWatch Logs; it grants nothing outside CloudWatch Logs.",
      });
    }
  }

  /** Routes GET and POST `/approvals/{id}` to `fn` (Lambda proxy). No other route exists. */
  routeTo(fn: IFunction): void {
    const integration = new LambdaIntegration(fn, { proxy: true, allowTestInvoke: false });
    // Validates that the path parameter is present; the handler validates everything else with zod
    // (the POST body is an HTML form, which API Gateway's JSON-schema models cannot describe).
    const validator = this.api.addRequestValidator('Validator', {
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    for (const method of ['GET', 'POST']) {
      this.approval.addMethod(method, integration, {
        requestParameters: { 'method.request.path.id': true },
        requestValidator: validator,
      });
    }
    const unauthenticated =
      'Intentionally unauthenticated: approvers follow an emailed link, and that unguessable, single-use, expiring link secret is the credential, verified by the handler against its stored hash (POST also needs an HMAC form token).';
    Validations.of(this.approval).acknowledge({ id: 'AwsSolutions-APIG4', reason: unauthenticated });
    Validations.of(this.approval).acknowledge({ id: 'AwsSolutions-COG4', reason: unauthenticated });
  }
}
