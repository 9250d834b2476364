/**
 * The AWS SDK v3 clients, each built once per container on first use (memoized getters), so a
 * Lambda that never sends mail never builds an SES client, and no client is built per invocation.
 *
 * Retries: IAM's control plane has a low request rate and answers `Throttling` under load, so the
 * IAM client retries up to 8 attempts with the adaptive mode (client-side rate limiting on top of
 * exponential backoff with jitter). The other services retry up to 5 attempts in standard mode.
 * The state machine's task Retry covers what is left after the SDK gives up.
 * Region comes from the Lambda environment (AWS_REGION); IAM resolves its global endpoint itself.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Retry settings of the IAM client. */
export const IAM_RETRY = { maxAttempts: 8, retryMode: 'adaptive' } as const;
/** Retry settings of every other client. */
export const DEFAULT_RETRY = { maxAttempts: 5, retryMode: 'standard' } as const;

function memoize<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
}

export const iamClient = memoize(() => new IAMClient({ ...IAM_RETRY }));

/** DocumentClient over DynamoDB; undefined attributes (optional fields) are dropped, not rejected. */
export const dynamoDocumentClient = memoize(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ ...DEFAULT_RETRY }), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);

export const s3Client = memoize(() => new S3Client({ ...DEFAULT_RETRY }));

export const sesClient = memoize(() => new SESv2Client({ ...DEFAULT_RETRY }));

export const secretsManagerClient = memoize(() => new SecretsManagerClient({ ...DEFAULT_RETRY }));

export const sfnClient = memoize(() => new SFNClient({ ...DEFAULT_RETRY }));
