/**
 * The Lambda proxy events a REST API (API Gateway v1) sends for a browser's request to the
 * approval link, with the stage and resource taken from the synthesized template: what the
 * deployed approval function receives, headers and multi-value maps included.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ACCOUNT_ID, type CfnTemplate, onlyResource } from './deployment.js';

/** The stage name and the proxy resource path (`/approvals/{id}`) of the template's REST API. */
export function restApiShape(template: CfnTemplate): { stage: string; resourcePath: string } {
  const [, stage] = onlyResource(template, 'AWS::ApiGateway::Stage');
  const resources = Object.entries(template.Resources).filter(
    ([, resource]) => resource.Type === 'AWS::ApiGateway::Resource',
  );
  const pathOf = (logicalId: string): string => {
    const props = template.Resources[logicalId]?.Properties ?? {};
    const parent = props.ParentId as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
    const part = String(props.PathPart);
    return parent.Ref ? `${pathOf(parent.Ref)}/${part}` : `/${part}`;
  };
  const paths = resources.map(([id]) => pathOf(id));
  const proxied = paths.find((path) => path.endsWith('/{id}'));
  if (!proxied) throw new Error(`the REST API has no /{id} resource (has ${paths.join(', ')})`);
  return { stage: String(stage.Properties?.StageName), resourcePath: proxied };
}

export interface BrowserRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: string;
  headers?: Record<string, string>;
}

export function restApiEvent(
  shape: { stage: string; resourcePath: string },
  request: BrowserRequest,
): APIGatewayProxyEvent {
  const url = new URL(request.url);
  const stagePrefix = `/${shape.stage}`;
  if (!url.pathname.startsWith(`${stagePrefix}/`)) {
    throw new Error(`${request.url} is not under the stage ${shape.stage}`);
  }
  const path = url.pathname.slice(stagePrefix.length);
  const pattern = new RegExp(`^${shape.resourcePath.replace('{id}', '([^/]+)')}$`);
  const id = pattern.exec(path)?.[1];
  if (id === undefined) throw new Error(`${path} does not match the API resource ${shape.resourcePath}`);
  const userAgent = 'Mozilla/5.0 (X11; Linux x86_64) credsweep-emulator';
  const headers: Record<string, string> = {
    Host: url.host,
    'User-Agent': userAgent,
    Accept: 'text/html',
    'X-Forwarded-For': '203.0.113.7',
    'X-Forwarded-Proto': 'https',
    ...request.headers,
  };
  const query: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) query[name] = [...(query[name] ?? []), value];
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: shape.resourcePath,
    path,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: hasQuery
      ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, v[v.length - 1] ?? '']))
      : null,
    multiValueQueryStringParameters: hasQuery ? query : null,
    pathParameters: { id: decodeURIComponent(id) },
    stageVariables: null,
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: url.hostname.split('.')[0] ?? '',
      authorizer: null,
      domainName: url.hostname,
      domainPrefix: url.hostname.split('.')[0] ?? '',
      extendedRequestId: randomUUID(),
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: null,
        userAgent,
        userArn: null,
      },
      path: url.pathname,
      protocol: 'HTTP/1.1',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'emu0res',
      resourcePath: shape.resourcePath,
      stage: shape.stage,
    },
    body: request.body ?? null,
    isBase64Encoded: false,
  };
}
