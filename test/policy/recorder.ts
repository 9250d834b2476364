/**
 * The call recorder: an HTTP proxy in front of moto that sees every request a Lambda bundle sends,
 * exactly as the SDK put it on the wire, and names the IAM action, resource ARN and condition
 * context that AWS would authorize it against.
 *
 * Who sent it: the access key id in the SigV4 Authorization header (each function signs with its
 * own, see test/emulator/lambdas.ts). Which service and region: the header's credential scope.
 * What it asks for: the mapping below, written from AWS's Service Authorization Reference (the
 * "Actions defined by ..." table of each service), NOT from the adapters' own permission
 * declarations, so the two can disagree; a request it cannot map is kept in `unmapped`.
 *
 * A GetObject of a key that does not exist (moto answers 404) is recorded with the s3:ListBucket
 * that AWS consults to answer it so (see the S3 case below).
 *
 * Condition keys it fills in: `dynamodb:LeadingKeys` (the partition key value the request reads or
 * writes), `iam:ResourceTag/<key>` and `aws:ResourceTag/<key>` (the user's tags in moto at the time
 * of the call), `s3:x-amz-server-side-encryption` (from the request header).
 *
 * Member accounts (organization runs): a hub function's sts:AssumeRole answer is read for the
 * temporary access key it hands out; every later request signed with that key is attributed to the
 * member role of the role's account (caller `MemberRole@<account>`, resources in that account), not
 * to the function that assumed it, so it is checked against the member role's policy.
 *
 * Two answers do not come from moto:
 * - Step Functions (`states`): moto's Step Functions cannot run the Lambda tasks, so the workflow
 *   runs in the local engine and the proxy hands SendTask* to `states` (the engine's stand-in);
 * - `fault`: a test may answer one chosen request with an AWS error (the request is still recorded).
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordedCall } from './recorded-call.js';

export interface WireRequest {
  /** The caller named by the access key (a function id, another name such as `CLI`, or `MemberRole@<account>`). */
  caller: string;
  /** The account the request acts in (the hub's, or the member account of an assumed member role). */
  account: string;
  service: string;
  region: string;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  responseBody: string;
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface RecorderOptions {
  /** moto's endpoint, e.g. http://127.0.0.1:5000 */
  target: string;
  account: string;
  partition: string;
  /** Access key id -> caller name; an unknown key is recorded as `unknown:<key>`. */
  callerOf: (accessKeyId: string) => string | undefined;
  /** The table's partition key attribute (for dynamodb:LeadingKeys). */
  tablePartitionKey: string;
  /** The state machine whose task tokens the SendTask* calls answer. */
  stateMachineArn: string;
  /** The Step Functions stand-in: answers a `states` request (action without prefix, JSON body). */
  states: (action: string, body: unknown) => Promise<HttpAnswer>;
  /** The organization's id (`o-…`), for aws:ResourceOrgID and Organizations ARNs (organization runs). */
  organizationId?: string;
  /** Optional: an error answer for one request instead of moto's. */
  fault?: (request: Omit<WireRequest, 'status' | 'responseBody'>) => HttpAnswer | undefined;
}

/** The caller name of requests signed with a member role's temporary credentials. */
export const memberRoleCaller = (account: string) => `MemberRole@${account}`;

const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/;

/** IAM actions whose resource is the user named by the request (Service Authorization Reference). */
const IAM_USER_ACTIONS = new Set([
  'GetUser',
  'ListAccessKeys',
  'GetLoginProfile',
  'CreateLoginProfile',
  'DeleteLoginProfile',
  'UpdateLoginProfile',
  'UpdateAccessKey',
  'DeleteAccessKey',
  'GetAccessKeyLastUsed',
  'ListUserTags',
]);
/** IAM actions that support only "*" (no resource type in the reference). */
const IAM_ACCOUNT_ACTIONS = new Set([
  'GenerateCredentialReport',
  'GetCredentialReport',
  'GetAccountPasswordPolicy',
  'ListUsers',
  'GetAccountSummary',
]);

export class CallRecorder {
  readonly requests: WireRequest[] = [];
  /** Every call, in order, with the caller it came from (functions and others). */
  readonly all: RecordedCall[] = [];
  /** Requests the mapping does not know: each is a gap in the recorder, and a test failure. */
  readonly unmapped: string[] = [];
  private server: Server | undefined;
  /** Temporary access key ids handed out by sts:AssumeRole, with the account of the role assumed. */
  private readonly assumed = new Map<string, string>();
  endpoint = '';

  constructor(private readonly options: RecorderOptions) {}

  /** The calls of the stack's functions (callers that are not functions, e.g. the CLI, left out). */
  calls(functionIds: readonly string[]): RecordedCall[] {
    return this.all.filter((call) => functionIds.includes(call.functionId));
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.handle(req.method ?? 'GET', req.url ?? '/', req.headers, Buffer.concat(chunks))
          .then(({ status, headers, body }) => {
            res.writeHead(status, headers);
            res.end(body);
          })
          .catch((err: unknown) => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(`recorder: ${err instanceof Error ? err.message : String(err)}`);
          });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  async close(): Promise<void> {
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }

  private async handle(
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    raw: Buffer,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer | string }> {
    const match = CREDENTIAL.exec(String(headers.authorization ?? ''));
    const [, accessKeyId = '', region = '', service = ''] = match ?? [];
    const parsed = new URL(url, 'http://recorder');
    const memberAccount = this.assumed.get(accessKeyId);
    const base = {
      caller: memberAccount
        ? memberRoleCaller(memberAccount)
        : (this.options.callerOf(accessKeyId) ?? `unknown:${accessKeyId || 'unsigned'}`),
      account: memberAccount ?? this.options.account,
      service,
      region,
      method,
      path: decodeURIComponent(parsed.pathname),
      query: parsed.searchParams,
      headers,
      body: raw.toString('utf8'),
    };
    // Tags are read before the call: a condition is evaluated on the user as it is when asked.
    const before = await this.userContext(base);

    let answer: { status: number; headers: Record<string, string>; body: Buffer | string };
    const fault = this.options.fault?.(base);
    if (service === 'states') {
      const target = String(headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
      const out = await this.options.states(target, JSON.parse(base.body || '{}'));
      answer = { status: out.status, headers: { 'content-type': out.contentType }, body: out.body };
    } else if (fault) {
      answer = { status: fault.status, headers: { 'content-type': fault.contentType }, body: fault.body };
    } else {
      answer = await this.forward(method, url, headers, raw);
    }
    const wire: WireRequest = { ...base, status: answer.status, responseBody: answer.body.toString() };
    this.requests.push(wire);
    this.learnAssumedKey(wire);
    const described = await this.describe(wire, before);
    if (described) this.all.push(...[described].flat());
    return answer;
  }

  private forward(
    method: string,
    url: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const target = new URL(this.options.target);
    return new Promise((resolve, reject) => {
      const out = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method,
          path: url,
          headers: { ...headers, host: target.host },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const copied: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value === undefined || ['transfer-encoding', 'connection', 'content-length'].includes(name))
                continue;
              copied[name] = Array.isArray(value) ? value.join(', ') : value;
            }
            resolve({ status: res.statusCode ?? 502, headers: copied, body: Buffer.concat(chunks) });
          });
          res.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });
  }

  /** A successful AssumeRole: its temporary key will sign requests in the role's account. */
  private learnAssumedKey(wire: WireRequest): void {
    if (wire.service !== 'sts' || wire.status !== 200) return;
    const form = new URLSearchParams(wire.body);
    if (form.get('Action') !== 'AssumeRole') return;
    const key = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(wire.responseBody)?.[1];
    const account = /^arn:[^:]+:iam::(\d{12}):role\//.exec(form.get('RoleArn') ?? '')?.[1];
    if (key && account) this.assumed.set(key, account);
  }

  /** The IAM user a request names and that user's tags now (for iam:ResourceTag conditions). */
  private async userContext(request: Omit<WireRequest, 'status' | 'responseBody'>) {
    if (request.service !== 'iam') return {};
    const form = new URLSearchParams(request.body);
    const userName = form.get('UserName');
    if (!userName) return {};
    return tagContext(await this.userTags(userName, request.account));
  }

  /** The user's tags, read from moto directly (not through the proxy, so not recorded). */
  async userTags(userName: string, account = this.options.account): Promise<Record<string, string>> {
    const response = await fetch(this.options.target, {
      method: 'POST',
      headers: {
        'x-moto-account-id': account,
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIARECORDER/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: new URLSearchParams({ Action: 'ListUserTags', Version: '2010-05-08', UserName: userName }),
    });
    if (!response.ok) return {};
    const xml = await response.text();
    const tags: Record<string, string> = {};
    for (const m of xml.matchAll(/<member>\s*<Key>([^<]*)<\/Key>\s*<Value>([^<]*)<\/Value>\s*<\/member>/g)) {
      tags[xmlText(m[1] ?? '')] = xmlText(m[2] ?? '');
    }
    return tags;
  }

  /** The action, resource and context AWS would authorize (null for an unsigned or unknown request). */
  private async describe(
    wire: WireRequest,
    userContext: Record<string, string>,
  ): Promise<RecordedCall | RecordedCall[] | null> {
    const { partition } = this.options;
    const account = wire.account;
    const region = wire.region;
    const functionId = wire.caller;
    const call = (action: string, resource: string, context: Record<string, string | string[]> = {}) => ({
      functionId,
      action,
      resource,
      context,
    });
    const unmapped = (detail: string) => {
      this.unmapped.push(`${functionId}: ${wire.service} ${wire.method} ${wire.path} ${detail}`);
      return null;
    };

    switch (wire.service) {
      case 'iam':
      case 'sts': {
        const form = new URLSearchParams(wire.body);
        const action = form.get('Action') ?? '';
        if (wire.service === 'sts') {
          if (action === 'GetCallerIdentity') return call('sts:GetCallerIdentity', '*');
          // The role is the resource; AWS fills aws:ResourceOrgID from the role's account.
          const roleArn = form.get('RoleArn');
          if (action === 'AssumeRole' && roleArn) {
            const orgId = this.options.organizationId;
            return call('sts:AssumeRole', roleArn, orgId ? { 'aws:ResourceOrgID': orgId } : {});
          }
          return unmapped(action);
        }
        if (IAM_ACCOUNT_ACTIONS.has(action)) return call(`iam:${action}`, '*');
        if (!IAM_USER_ACTIONS.has(action)) return unmapped(action);
        let userName = form.get('UserName');
        let context = userContext;
        if (!userName && action === 'GetAccessKeyLastUsed') {
          // The request names only the key; IAM authorizes it against the key's user.
          userName = /<UserName>([^<]*)<\/UserName>/.exec(wire.responseBody)?.[1] ?? null;
          if (userName) context = tagContext(await this.userTags(xmlText(userName), account));
        }
        if (!userName) return unmapped(`${action} without a user`);
        return call(`iam:${action}`, `arn:${partition}:iam::${account}:user/${xmlText(userName)}`, context);
      }
      case 'dynamodb': {
        const target = String(wire.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');
        const body = JSON.parse(wire.body || '{}') as DynamoRequest;
        if (!body.TableName) return unmapped(target);
        const table = `arn:${partition}:dynamodb:${region}:${account}:table/${body.TableName}`;
        const resource = body.IndexName ? `${table}/index/${body.IndexName}` : table;
        const leading = leadingKey(body, this.options.tablePartitionKey);
        if (!['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'].includes(target))
          return unmapped(target);
        return call(`dynamodb:${target}`, resource, leading ? { 'dynamodb:LeadingKeys': [leading] } : {});
      }
      case 's3': {
        const [, bucket = '', ...rest] = wire.path.split('/');
        const key = rest.join('/');
        if (!bucket) return unmapped('no bucket');
        if (key) {
          const object = `arn:${partition}:s3:::${bucket}/${key}`;
          if (wire.method === 'PUT' && !wire.headers['x-amz-copy-source']) {
            const sse = wire.headers['x-amz-server-side-encryption'];
            return call(
              's3:PutObject',
              object,
              sse ? { 's3:x-amz-server-side-encryption': String(sse) } : {},
            );
          }
          if (wire.method === 'GET' || wire.method === 'HEAD') {
            const get = call(wire.query.has('versionId') ? 's3:GetObjectVersion' : 's3:GetObject', object);
            // GetObject API reference, "Permissions": for a key that does not exist, S3 answers 404
            // NoSuchKey only to a caller with s3:ListBucket on the bucket (403 AccessDenied without
            // it), so a 404 is authorized against both.
            return wire.status === 404
              ? [get, call('s3:ListBucket', `arn:${partition}:s3:::${bucket}`)]
              : get;
          }
          if (wire.method === 'DELETE') return call('s3:DeleteObject', object);
          return unmapped('object request');
        }
        if (wire.method === 'GET' && [...wire.query.keys()].every((k) => LIST_PARAMS.has(k))) {
          return call('s3:ListBucket', `arn:${partition}:s3:::${bucket}`);
        }
        return unmapped('bucket request');
      }
      case 'ses': {
        if (wire.method === 'POST' && wire.path === '/v2/email/outbound-emails') {
          const body = JSON.parse(wire.body || '{}') as { FromEmailAddress?: string };
          const from = /<([^>]+)>/.exec(body.FromEmailAddress ?? '')?.[1] ?? body.FromEmailAddress ?? '';
          return call('ses:SendEmail', `arn:${partition}:ses:${region}:${account}:identity/${from}`);
        }
        if (wire.method === 'GET' && wire.path === '/v2/email/account') return call('ses:GetAccount', '*');
        const identity = /^\/v2\/email\/identities\/([^/]+)$/.exec(wire.path)?.[1];
        if (wire.method === 'GET' && identity) {
          return call(
            'ses:GetEmailIdentity',
            `arn:${partition}:ses:${region}:${account}:identity/${identity}`,
          );
        }
        return unmapped('');
      }
      case 'secretsmanager': {
        const target = String(wire.headers['x-amz-target'] ?? '').replace(/^secretsmanager\./, '');
        const body = JSON.parse(wire.body || '{}') as { SecretId?: string; Name?: string };
        const answered = safeJson(wire.responseBody) as { ARN?: string } | null;
        const named = body.SecretId ?? body.Name ?? '';
        const arn =
          answered?.ARN ??
          (named.startsWith('arn:')
            ? named
            : `arn:${partition}:secretsmanager:${region}:${account}:secret:${named}`);
        if (!['CreateSecret', 'PutSecretValue', 'GetSecretValue', 'DescribeSecret'].includes(target))
          return unmapped(target);
        return call(`secretsmanager:${target}`, arn);
      }
      case 'organizations': {
        // AWS JSON 1.1. ListRoots has no resource type; the ListXForParent ones are authorized
        // against the parent (root or OU ARN, in the management account that owns them).
        const target = String(wire.headers['x-amz-target'] ?? '').replace(/^AWSOrganizationsV20161128\./, '');
        if (target === 'ListRoots') return call('organizations:ListRoots', '*');
        if (target === 'ListOrganizationalUnitsForParent' || target === 'ListAccountsForParent') {
          const parent = (safeJson(wire.body) as { ParentId?: string } | null)?.ParentId ?? '';
          const orgId = this.options.organizationId;
          if (!orgId) return unmapped(`${target} without an organizationId`);
          const kind = parent.startsWith('r-') ? 'root' : 'ou';
          return call(
            `organizations:${target}`,
            `arn:${partition}:organizations::${this.options.account}:${kind}/${orgId}/${parent}`,
          );
        }
        return unmapped(target);
      }
      case 'securityhub': {
        // REST-JSON: GetFindings is POST /findings, BatchUpdateFindings PATCH /findings/batchupdate;
        // both are authorized against the account's hub in the Region.
        const hub = securityHubArn(partition, region, account);
        if (wire.method === 'POST' && wire.path === '/findings') return call('securityhub:GetFindings', hub);
        if (wire.method === 'PATCH' && wire.path === '/findings/batchupdate') {
          return call('securityhub:BatchUpdateFindings', hub);
        }
        return unmapped('');
      }
      case 'states': {
        const target = String(wire.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
        // The reference lists no resource type for SendTask*; AWS checks the task token's state
        // machine, which is the resource the stack grants (grantTaskResponse).
        if (['SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat'].includes(target)) {
          return call(`states:${target}`, this.options.stateMachineArn);
        }
        // StartExecution: the state machine the request names (resource type stateMachine).
        if (target === 'StartExecution') {
          const body = safeJson(wire.body) as { stateMachineArn?: unknown } | null;
          if (typeof body?.stateMachineArn === 'string')
            return call('states:StartExecution', body.stateMachineArn);
        }
        return unmapped(target);
      }
      default:
        return unmapped(wire.service ? '' : 'unsigned request');
    }
  }
}

const LIST_PARAMS = new Set([
  'list-type',
  'prefix',
  'delimiter',
  'continuation-token',
  'max-keys',
  'start-after',
]);

interface DynamoRequest {
  TableName?: string;
  IndexName?: string;
  Key?: Record<string, { S?: string }>;
  Item?: Record<string, { S?: string }>;
  KeyConditionExpression?: string;
  ExpressionAttributeValues?: Record<string, { S?: string }>;
  ExpressionAttributeNames?: Record<string, string>;
}

/** The partition key value a DynamoDB request touches (dynamodb:LeadingKeys). */
function leadingKey(body: DynamoRequest, pk: string): string | undefined {
  const direct = body.Key?.[pk]?.S ?? body.Item?.[pk]?.S;
  if (direct !== undefined) return direct;
  if (!body.KeyConditionExpression) return undefined;
  const names = Object.entries(body.ExpressionAttributeNames ?? {})
    .filter(([, name]) => name === pk)
    .map(([alias]) => alias);
  for (const name of [pk, ...names]) {
    const escaped = name.replace(/[#$]/g, (c) => `\\${c}`);
    const placeholder = new RegExp(`(?:^|\\s|\\()${escaped}\\s*=\\s*(:[\\w]+)`).exec(
      body.KeyConditionExpression,
    )?.[1];
    if (placeholder) return body.ExpressionAttributeValues?.[placeholder]?.S;
  }
  return undefined;
}

function tagContext(tags: Record<string, string>): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    context[`iam:ResourceTag/${key}`] = value;
    context[`aws:ResourceTag/${key}`] = value;
  }
  return context;
}

const xmlText = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** The ARN Security Hub authorizes GetFindings and BatchUpdateFindings against: the account's hub in the Region. */
export function securityHubArn(partition: string, region: string, account: string): string {
  return `arn:${partition}:securityhub:${region}:${account}:hub/default`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
