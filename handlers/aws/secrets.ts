/**
 * SecretsPort over Secrets Manager.
 *
 * putSecret stores a restored console password under the name the caller gives (backout builds it
 * from Settings.passwordSecretPrefix, `credsweep/restored/<execution>/<user>`). Characters Secrets
 * Manager does not allow in names (anything but letters, digits and `/_+=.@-`) become `-`. A new
 * name is created; an existing one gets a new version (a re-run backout). The ARN is returned: it
 * is the reference the ledger records.
 *
 * getSigningKey reads the approval-link signing key once per container and keeps it in memory.
 * Secret values are never logged.
 */
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsPort } from '../ports/secrets.js';
import { logger } from './logger.js';
import type { PortPermissions } from './permission-types.js';
import type { AwsEnv } from './ports.js';
import { DEFAULT_RETRY, memoize } from './retry.js';

/** What each SecretsPort method needs from Secrets Manager (docs/aws-adapters.md). */
export const SECRETS_PERMISSIONS = {
  // CreateSecret; when the name exists (a re-run backout), PutSecretValue.
  putSecret: {
    'secretsmanager:CreateSecret': 'restored-password-secret',
    'secretsmanager:PutSecretValue': 'restored-password-secret',
  },
  getSigningKey: { 'secretsmanager:GetSecretValue': 'signing-key-secret' },
} as const satisfies PortPermissions<SecretsPort>;

const MAX_NAME_LENGTH = 512;

/** `name` with the characters Secrets Manager rejects replaced by `-`. */
export function secretName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9/_+=.@-]/g, '-');
  if (safe.length > MAX_NAME_LENGTH) {
    throw new Error(`Secret name is longer than ${MAX_NAME_LENGTH} characters: ${safe.slice(0, 80)}...`);
  }
  return safe;
}

export class AwsSecrets implements SecretsPort {
  private signingKey: Promise<string> | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    /** ARN of the secret holding the approval-link signing key (SIGNING_KEY_SECRET_ARN). */
    private readonly signingKeySecretArn: string,
  ) {}

  async putSecret(name: string, value: string, description: string): Promise<string> {
    const fullName = secretName(name);
    try {
      const out = await this.client.send(
        new CreateSecretCommand({ Name: fullName, SecretString: value, Description: description }),
      );
      if (!out.ARN) throw new Error(`CreateSecret returned no ARN for ${fullName}`);
      logger.info('Created secret', { secretName: fullName, secretArn: out.ARN });
      return out.ARN;
    } catch (err) {
      if (!(err instanceof Error) || err.name !== 'ResourceExistsException') throw err;
      const out = await this.client.send(
        new PutSecretValueCommand({ SecretId: fullName, SecretString: value }),
      );
      if (!out.ARN) throw new Error(`PutSecretValue returned no ARN for ${fullName}`);
      logger.info('Stored a new version of an existing secret', { secretName: fullName, secretArn: out.ARN });
      return out.ARN;
    }
  }

  /** Cached for the container's life; a failed read is not cached, so the next call tries again. */
  getSigningKey(): Promise<string> {
    this.signingKey ??= this.readSigningKey().catch((err: unknown) => {
      this.signingKey = undefined;
      throw err;
    });
    return this.signingKey;
  }

  private async readSigningKey(): Promise<string> {
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.signingKeySecretArn }));
    if (!out.SecretString) {
      throw new Error(`The signing-key secret ${this.signingKeySecretArn} has no SecretString`);
    }
    return out.SecretString;
  }
}

export const secretsManagerClient = memoize(() => new SecretsManagerClient({ ...DEFAULT_RETRY }));

/** The secrets port (restored passwords, the link-signing key) of a Lambda that uses it. */
export const awsSecretsPort = (env: AwsEnv): SecretsPort =>
  new AwsSecrets(secretsManagerClient(), env.SIGNING_KEY_SECRET_ARN);
