/**
 * What credsweep keeps: the table (approvals and the write-ahead ledger), the bucket (plans, batches
 * and evidence) with its access-log bucket, and the secret that signs the approval forms.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { KEY_INDEX } from '../../handlers/core/shared/defaults.js';
import type { CredsweepConfig } from '../config.js';

export interface Data {
  /** Approvals and the write-ahead ledger; retained on delete. */
  readonly table: Table;
  /** Plans, batches and evidence; retained on delete. */
  readonly bucket: Bucket;
  /** The HMAC key of the approval form token. */
  readonly signingKey: Secret;
}

/** The table, the buckets and the signing key, as children of `scope`. */
export function addData(scope: Construct, config: CredsweepConfig): Data {
  const table = new Table(scope, 'Table', {
    partitionKey: { name: 'pk', type: AttributeType.STRING },
    sortKey: { name: 'sk', type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // Approvals (which hold a task token) expire; ledger entries are evidence and have no ttl.
    timeToLiveAttribute: 'ttl',
    encryption: TableEncryption.AWS_MANAGED,
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // The delete stage asks which run deactivated a key: ledger entries by access key id (sparse:
  // only entries about keys carry the attribute).
  table.addGlobalSecondaryIndex({
    indexName: KEY_INDEX,
    partitionKey: { name: 'accessKeyId', type: AttributeType.STRING },
    sortKey: { name: 'recordedAt', type: AttributeType.STRING },
  });

  // The data bucket's server access logs. It is their destination, so it logs nothing itself
  // (cdk-nag's S1 accepts a bucket that receives access logs).
  const accessLogsBucket = new Bucket(scope, 'AccessLogsBucket', {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    encryption: BucketEncryption.S3_MANAGED,
    lifecycleRules: [{ expiration: Duration.days(config.logRetentionDays) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });

  const bucket = new Bucket(scope, 'DataBucket', {
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    encryption: BucketEncryption.S3_MANAGED,
    versioned: true,
    serverAccessLogsBucket: accessLogsBucket,
    serverAccessLogsPrefix: 'data-bucket/',
    lifecycleRules: [
      // Current plans and evidence are kept (they are the compliance record); overwritten or
      // deleted versions go after 90 days.
      {
        noncurrentVersionExpiration: Duration.days(90),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      },
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  });

  const signingKey = new Secret(scope, 'SigningKey', {
    description:
      'credsweep: HMAC key of the approval form token. Read only by the approval API; never logged.',
    generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
  });
  Validations.of(signingKey).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'Only signs the anti-forgery token of approval forms that live for one approval window; rotating it needs no rotation Lambda: put a new random value between runs (docs/deploy.md). A rotation while a page is open only makes that form ask for a reload.',
  });

  return { table, bucket, signingKey };
}
