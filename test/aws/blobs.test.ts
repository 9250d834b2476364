import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3Blobs } from '../../handlers/aws/blobs.js';
import { thrown } from '../helpers/thrown.js';

const BUCKET = 'credsweep-evidence';
const s3Mock = mockClient(S3Client);
const meta = { $metadata: {} };

/** A GetObject Body as the SDK returns it in Node: a Readable with the SDK's transform methods. */
function body(text: string) {
  const bytes = new TextEncoder().encode(text);
  return Object.assign(Readable.from([bytes]), {
    transformToByteArray: async () => bytes,
    transformToString: async (encoding?: string) => new TextDecoder(encoding ?? 'utf-8').decode(bytes),
    transformToWebStream: () => new Blob([bytes]).stream(),
  });
}

describe('S3Blobs', () => {
  let blobs: S3Blobs;

  beforeEach(() => {
    s3Mock.reset();
    blobs = new S3Blobs(new S3Client({ region: 'eu-west-1' }), BUCKET);
  });

  afterEach(() => {
    s3Mock.reset();
  });

  it('puts an object with its content type, encrypted at rest', async () => {
    // Prepare
    s3Mock.on(PutObjectCommand).resolves({ ...meta });

    // Act
    await blobs.put('runs/run-1/plan.json', '{"items":[]}', 'application/json');

    // Assess
    expect(s3Mock).toHaveReceivedCommandExactlyOnceWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: 'runs/run-1/plan.json',
      Body: '{"items":[]}',
      ContentType: 'application/json',
      ServerSideEncryption: 'AES256',
    });
  });

  it('reads an object as a UTF-8 string', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).resolves({ Body: body('{"user":"renée"}'), ...meta });

    // Act
    const text = await blobs.get('runs/run-1/plan.json');

    // Assess
    expect(text).toBe('{"user":"renée"}');
    expect(s3Mock).toHaveReceivedCommandExactlyOnceWith(GetObjectCommand, {
      Bucket: BUCKET,
      Key: 'runs/run-1/plan.json',
    });
  });

  it('throws NoSuchKey for a missing object', async () => {
    // Prepare
    const missing = new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    s3Mock.on(GetObjectCommand).rejects(missing);

    // Act
    const err = await thrown(() => blobs.get('runs/run-1/nope.json'));

    // Assess
    expect(err.name).toBe('NoSuchKey');
    expect(err.message).toBe(`No object s3://${BUCKET}/runs/run-1/nope.json`);
    expect(err.cause).toBe(missing);
  });

  it('throws NoSuchKey when S3 answers NotFound', async () => {
    // Prepare
    s3Mock
      .on(GetObjectCommand)
      .rejects(
        new S3ServiceException({ name: 'NotFound', $fault: 'client', $metadata: { httpStatusCode: 404 } }),
      );

    // Act
    const err = await thrown(() => blobs.get('runs/run-1/nope.json'));

    // Assess
    expect(err.name).toBe('NoSuchKey');
  });

  it('throws NoSuchKey when the object has no body', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).resolves({ ...meta });

    // Act
    const err = await thrown(() => blobs.get('runs/run-1/empty.json'));

    // Assess
    expect(err.name).toBe('NoSuchKey');
  });

  it('lets other S3 errors through with their names', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      }),
    );

    // Act
    const err = await thrown(() => blobs.get('runs/run-1/plan.json'));

    // Assess
    expect(err.name).toBe('AccessDenied');
  });
});
