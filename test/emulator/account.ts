/**
 * The emulated account in moto: what CloudFormation would have created from the template (the
 * table with the template's key schema, the data bucket, the signing-key secret, the verified SES
 * sender), the IAM users of the scenarios with backdated dates, and read-backs (IAM state, the
 * mail moto's SES accepted, secrets). These calls go straight to moto, not through the recorder:
 * they are the test's, not the functions'.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import {
  ACCOUNT_ID,
  type CfnTemplate,
  generatedIds,
  onlyResource,
  type PhysicalIds,
  REGION,
} from './deployment.js';

/** moto_server with the suite's one extra endpoint (test/emulator/moto_server.py). */
export const MOTO_LAUNCHER = fileURLToPath(new URL('./moto_server.py', import.meta.url));

export interface SeedUser {
  userName: string;
  createdDaysAgo: number;
  tags?: Record<string, string>;
  /** A console password and when it was last used (null: never). */
  console?: { lastUsedDaysAgo: number | null };
  accessKeys?: { createdDaysAgo: number; lastUsedDaysAgo: number | null; inactive?: boolean }[];
}

/** A client whose requests moto files under `accountId` (the default account needs no header). */
function inAccount<C extends { middlewareStack: { add: (...args: never[]) => void } }>(
  client: C,
  accountId: string,
): C {
  if (accountId === ACCOUNT_ID) return client;
  (client.middlewareStack as unknown as { add: (mw: unknown, opts: unknown) => void }).add(
    (next: (args: unknown) => unknown) => (args: { request: { headers: Record<string, string> } }) => {
      args.request.headers['x-moto-account-id'] = accountId;
      return next(args);
    },
    { step: 'build', name: 'motoAccountId' },
  );
  return client;
}

const daysAgo = (days: number | null) =>
  days === null ? null : new Date(Date.now() - days * 86_400_000).toISOString();

export class MotoAccount {
  readonly iam: IAMClient;
  readonly secrets: SecretsManagerClient;
  private readonly config;
  /** Access key ids moto gave each seeded user, in creation order. */
  readonly keys = new Map<string, string[]>();
  private tableName = '';

  /**
   * `accountId`: the account moto files this setup under (its `x-moto-account-id` header; moto's
   * own way to address another account of one server, used for the member accounts of an
   * organization).
   */
  constructor(
    readonly endpoint: string,
    readonly accountId: string = ACCOUNT_ID,
  ) {
    this.config = {
      region: REGION,
      endpoint,
      credentials: { accessKeyId: 'AKIAEMUTESTSETUP', secretAccessKey: 'emulator-secret' },
      forcePathStyle: true,
    };
    this.iam = inAccount(new IAMClient(this.config), accountId);
    this.secrets = inAccount(new SecretsManagerClient(this.config), accountId);
  }

  /**
   * Creates a role in this account (e.g. the organization's member role, from the StackSet's
   * template), with its inline policies.
   */
  async createRole(
    roleName: string,
    trustPolicy: unknown,
    policies: { PolicyName: string; PolicyDocument: unknown }[],
  ): Promise<string> {
    const created = await this.iam.send(
      new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trustPolicy) }),
    );
    for (const policy of policies) {
      await this.iam.send(
        new PutRolePolicyCommand({
          RoleName: roleName,
          PolicyName: policy.PolicyName,
          PolicyDocument: JSON.stringify(policy.PolicyDocument),
        }),
      );
    }
    const arn = created.Role?.Arn;
    if (!arn) throw new Error(`moto created no role ${roleName}`);
    return arn;
  }

  /** Creates what the template declares that the functions use; returns their physical ids. */
  async deploy(template: CfnTemplate, senderEmail: string): Promise<PhysicalIds> {
    const ids = generatedIds(template);
    const [tableId, table] = onlyResource(template, 'AWS::DynamoDB::Table');
    const tableName = `Credsweep-${tableId}`;
    const dynamo = new DynamoDBClient(this.config);
    await dynamo.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: table.Properties?.KeySchema as never,
        AttributeDefinitions: table.Properties?.AttributeDefinitions as never,
        GlobalSecondaryIndexes: table.Properties?.GlobalSecondaryIndexes as never,
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    dynamo.destroy();
    this.tableName = tableName;
    ids.ref[tableId] = tableName;
    ids.attr[tableId] = { Arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${tableName}` };

    const s3 = new S3Client(this.config);
    for (const [bucketId] of Object.entries(template.Resources).filter(
      ([, r]) => r.Type === 'AWS::S3::Bucket',
    )) {
      const bucketName = `credsweep-${bucketId.toLowerCase()}`;
      await s3.send(new CreateBucketCommand({ Bucket: bucketName }));
      ids.ref[bucketId] = bucketName;
      ids.attr[bucketId] = { Arn: `arn:aws:s3:::${bucketName}` };
    }
    s3.destroy();

    const [secretId] = onlyResource(template, 'AWS::SecretsManager::Secret');
    const created = await this.secrets.send(
      new CreateSecretCommand({
        Name: `Credsweep-${secretId}`,
        SecretString: randomBytes(48).toString('hex'),
      }),
    );
    if (!created.ARN) throw new Error('moto created no secret ARN');
    ids.ref[secretId] = created.ARN; // Ref of AWS::SecretsManager::Secret is its ARN

    const ses = new SESv2Client(this.config);
    await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: senderEmail }));
    ses.destroy();
    return ids;
  }

  /** Creates the users, then backdates their dates inside moto (test/emulator/moto_server.py). */
  async seed(users: SeedUser[]): Promise<void> {
    const dates = [];
    for (const user of users) {
      await this.iam.send(
        new CreateUserCommand({
          UserName: user.userName,
          Tags: Object.entries(user.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      if (user.console) {
        await this.iam.send(
          new CreateLoginProfileCommand({
            UserName: user.userName,
            Password: `Seed-${randomBytes(9).toString('hex')}!`,
          }),
        );
      }
      const keys: { accessKeyId: string; createdAt: string | null; lastUsed: string | null }[] = [];
      for (const key of user.accessKeys ?? []) {
        const out = await this.iam.send(new CreateAccessKeyCommand({ UserName: user.userName }));
        const accessKeyId = out.AccessKey?.AccessKeyId;
        if (!accessKeyId) throw new Error('moto created no access key');
        if (key.inactive) {
          await this.iam.send(
            new UpdateAccessKeyCommand({
              UserName: user.userName,
              AccessKeyId: accessKeyId,
              Status: 'Inactive',
            }),
          );
        }
        keys.push({
          accessKeyId,
          createdAt: daysAgo(key.createdDaysAgo),
          lastUsed: daysAgo(key.lastUsedDaysAgo),
        });
      }
      this.keys.set(
        user.userName,
        keys.map((key) => key.accessKeyId),
      );
      dates.push({
        userName: user.userName,
        createdAt: daysAgo(user.createdDaysAgo),
        ...(user.console ? { passwordLastUsed: daysAgo(user.console.lastUsedDaysAgo) } : {}),
        accessKeys: keys,
      });
    }
    const response = await fetch(`${this.endpoint}/credsweep-emulator/iam-dates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: this.accountId, users: dates }),
    });
    if (!response.ok) throw new Error(`moto refused the dates: ${await response.text()}`);
  }

  /**
   * Moves the ledger entries about one access key `days` into the past (recordedAt, changedAt), as
   * if the run that wrote them had run then: the delete stage acts on deactivations that old.
   */
  async backdateKeyLedger(accessKeyId: string, days: number): Promise<number> {
    const dynamo = new DynamoDBClient(this.config);
    try {
      const found = await dynamo.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byAccessKey',
          KeyConditionExpression: 'accessKeyId = :id',
          ExpressionAttributeValues: { ':id': { S: accessKeyId } },
        }),
      );
      const shift = (iso: string | undefined) =>
        new Date(Date.parse(iso ?? '') - days * 86_400_000).toISOString();
      for (const item of found.Items ?? []) {
        await dynamo.send(
          new UpdateItemCommand({
            TableName: this.tableName,
            Key: { pk: item.pk as never, sk: item.sk as never },
            UpdateExpression: item.changedAt ? 'SET recordedAt = :r, changedAt = :c' : 'SET recordedAt = :r',
            ExpressionAttributeValues: {
              ':r': { S: shift(item.recordedAt?.S) },
              ...(item.changedAt ? { ':c': { S: shift(item.changedAt.S) } } : {}),
            },
          }),
        );
      }
      return found.Items?.length ?? 0;
    } finally {
      dynamo.destroy();
    }
  }

  /** Whether the user has a console password, and the status of each of its keys, as IAM says now. */
  async credentials(userName: string): Promise<{ console: boolean; keys: Record<string, string> }> {
    let console = true;
    try {
      await this.iam.send(new GetLoginProfileCommand({ UserName: userName }));
    } catch (err) {
      if (!(err instanceof NoSuchEntityException)) throw err;
      console = false;
    }
    const listed = await this.iam.send(new ListAccessKeysCommand({ UserName: userName }));
    const keys = Object.fromEntries(
      (listed.AccessKeyMetadata ?? []).map((key) => [key.AccessKeyId ?? '', key.Status ?? '']),
    );
    return { console, keys };
  }

  /** The mail moto's SES accepted (it keeps the HTML part when there is one). */
  async sentMail(): Promise<SentMail[]> {
    const response = await fetch(`${this.endpoint}/moto-api/data.json`);
    const data = (await response.json()) as { ses?: { Message?: SentMail[] } };
    return data.ses?.Message ?? [];
  }

  /** An object's text from the bucket. */
  async object(bucket: string, key: string): Promise<string> {
    const s3 = new S3Client(this.config);
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await out.Body?.transformToString('utf-8')) ?? '';
    } finally {
      s3.destroy();
    }
  }

  /** The secrets whose name starts with `prefix`, with their values. */
  async secretsUnder(prefix: string): Promise<{ name: string; arn: string; value: string }[]> {
    const listed = await this.secrets.send(new ListSecretsCommand({}));
    const found = [];
    for (const secret of listed.SecretList ?? []) {
      if (!secret.Name?.startsWith(prefix) || !secret.ARN) continue;
      const value = await this.secrets.send(new GetSecretValueCommand({ SecretId: secret.ARN }));
      found.push({ name: secret.Name, arn: secret.ARN, value: value.SecretString ?? '' });
    }
    return found;
  }

  destroy(): void {
    this.iam.destroy();
    this.secrets.destroy();
  }
}

export interface SentMail {
  id: string;
  source: string;
  subject: string;
  body: string;
  destinations: { ToAddresses?: string[] };
}
