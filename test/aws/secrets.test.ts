import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../handlers/aws/logger.js';
import { AwsSecrets, secretName } from '../../handlers/aws/secrets.js';

const smMock = mockClient(SecretsManagerClient);
const SIGNING_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:credsweep/signing-key-AbCdEf';
const NAME = 'credsweep/restored/run-1/alice';
const ARN = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${NAME}-XyZ123`;
const PASSWORD = 'Zq7!restored-password-9x';
const meta = { $metadata: {} };

describe('AwsSecrets', () => {
  let secrets: AwsSecrets;

  beforeEach(() => {
    smMock.reset();
    secrets = new AwsSecrets(new SecretsManagerClient({ region: 'eu-west-1' }), SIGNING_ARN);
  });

  afterEach(() => {
    smMock.reset();
    vi.restoreAllMocks();
  });

  describe('putSecret', () => {
    it('creates the secret and returns its ARN, never logging the value', async () => {
      // Prepare
      smMock.on(CreateSecretCommand).resolves({ ARN, Name: NAME, ...meta });
      const logged = vi.spyOn(logger, 'info');

      // Act
      const ref = await secrets.putSecret(NAME, PASSWORD, 'restored console password of alice');

      // Assess
      expect(ref).toBe(ARN);
      expect(smMock).toHaveReceivedCommandExactlyOnceWith(CreateSecretCommand, {
        Name: NAME,
        SecretString: PASSWORD,
        Description: 'restored console password of alice',
      });
      expect(smMock).not.toHaveReceivedCommand(PutSecretValueCommand);
      expect(logged).toHaveBeenCalledOnce();
      expect(JSON.stringify(logged.mock.calls)).not.toContain(PASSWORD);
    });

    it('puts a new version when the secret exists already', async () => {
      // Prepare
      smMock
        .on(CreateSecretCommand)
        .rejects(new ResourceExistsException({ message: 'already exists', $metadata: {} }))
        .on(PutSecretValueCommand)
        .resolves({ ARN, Name: NAME, VersionId: 'v2', ...meta });
      const logged = vi.spyOn(logger, 'info');

      // Act
      const ref = await secrets.putSecret(NAME, PASSWORD, 'restored console password of alice');

      // Assess
      expect(ref).toBe(ARN);
      expect(smMock).toHaveReceivedCommandExactlyOnceWith(PutSecretValueCommand, {
        SecretId: NAME,
        SecretString: PASSWORD,
      });
      expect(JSON.stringify(logged.mock.calls)).not.toContain(PASSWORD);
    });

    it('replaces characters Secrets Manager rejects in names', async () => {
      // Prepare
      smMock.on(CreateSecretCommand).resolves({ ARN, ...meta });

      // Act
      await secrets.putSecret('credsweep/restored/exec:1/o brien', PASSWORD, 'd');

      // Assess
      expect(smMock).toHaveReceivedCommandWith(CreateSecretCommand, {
        Name: 'credsweep/restored/exec-1/o-brien',
      });
      expect(secretName('a+b=c.d@e_f-g/h')).toBe('a+b=c.d@e_f-g/h');
      expect(() => secretName('x'.repeat(513))).toThrow('longer than 512');
    });

    it('lets other errors through', async () => {
      // Prepare
      smMock
        .on(CreateSecretCommand)
        .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

      // Act
      const putting = secrets.putSecret(NAME, PASSWORD, 'd');

      // Assess
      await expect(putting).rejects.toMatchObject({ name: 'AccessDeniedException' });
      expect(smMock).not.toHaveReceivedCommand(PutSecretValueCommand);
    });
  });

  describe('getSigningKey', () => {
    it('reads the signing key once and keeps it for the container', async () => {
      // Prepare
      smMock.on(GetSecretValueCommand).resolves({ SecretString: 'k3y', ARN: SIGNING_ARN, ...meta });

      // Act
      const first = await secrets.getSigningKey();
      const second = await secrets.getSigningKey();

      // Assess
      expect([first, second]).toEqual(['k3y', 'k3y']);
      expect(smMock).toHaveReceivedCommandExactlyOnceWith(GetSecretValueCommand, { SecretId: SIGNING_ARN });
    });

    it('does not cache a failed read', async () => {
      // Prepare
      smMock
        .on(GetSecretValueCommand)
        .rejectsOnce(new ResourceNotFoundException({ message: 'not yet', $metadata: {} }))
        .resolves({ SecretString: 'k3y', ...meta });

      // Act
      const failed = secrets.getSigningKey();
      await expect(failed).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      const key = await secrets.getSigningKey();

      // Assess
      expect(key).toBe('k3y');
      expect(smMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
    });

    it('refuses a signing-key secret without a string value', async () => {
      // Prepare
      smMock.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2]), ...meta });

      // Act
      const reading = secrets.getSigningKey();

      // Assess
      await expect(reading).rejects.toThrow(`The signing-key secret ${SIGNING_ARN} has no SecretString`);
    });
  });
});
