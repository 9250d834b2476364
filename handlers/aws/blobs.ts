/**
 * BlobPort over S3: plans, batches and evidence in one bucket, encrypted at rest (SSE-S3).
 * A missing object is an error named NoSuchKey. S3 answers a missing key with AccessDenied unless
 * the role may list the bucket (GetObject API reference, "Permissions"), so a function whose code
 * reads keys that may be absent, and takes NoSuchKey for an answer, declares it
 * (`readsAbsentKeys(use(blobsAdapter, 'get'))`) and is granted s3:ListBucket; the others are not.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { BlobPort } from '../ports/blobs.js';
import type { MethodPermissions, PortPermissions } from './permission-types.js';
import type { AwsEnv } from './ports.js';
import { DEFAULT_RETRY, memoize } from './retry.js';

/** What each BlobPort method needs from S3 (docs/aws-adapters.md). */
export const BLOB_PERMISSIONS = {
  put: { 's3:PutObject': 'run-object' },
  get: { 's3:GetObject': 'run-object' },
} as const satisfies PortPermissions<BlobPort>;

/**
 * What a `get` of a key that may be absent also needs: S3 consults s3:ListBucket on the bucket to
 * answer such a key with NoSuchKey (404) instead of AccessDenied (403).
 */
export const BLOB_ABSENT_KEY_PERMISSIONS = {
  's3:ListBucket': 'run-bucket',
} as const satisfies MethodPermissions;

export class S3Blobs implements BlobPort {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: string, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        ServerSideEncryption: 'AES256',
      }),
    );
  }

  async get(key: string): Promise<string> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!out.Body) throw noSuchKey(this.bucket, key);
      return await out.Body.transformToString('utf-8');
    } catch (err) {
      if (err instanceof Error && (err.name === 'NoSuchKey' || err.name === 'NotFound')) {
        throw noSuchKey(this.bucket, key, err);
      }
      throw err;
    }
  }
}

function noSuchKey(bucket: string, key: string, cause?: unknown): Error {
  const err = new Error(`No object s3://${bucket}/${key}`, cause === undefined ? undefined : { cause });
  err.name = 'NoSuchKey';
  return err;
}

export const s3Client = memoize(() => new S3Client({ ...DEFAULT_RETRY }));

/** The blob port (the plans and evidence bucket) of a Lambda that uses it. */
export const s3BlobsPort = (env: AwsEnv): BlobPort => new S3Blobs(s3Client(), env.BUCKET_NAME);
