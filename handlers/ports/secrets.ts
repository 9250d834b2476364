/** Secrets: restored console passwords and the approval-link signing key. AWS: Secrets Manager. */
export interface SecretsPort {
  /** Stores a new secret value; returns a reference (ARN or local path) that is safe to record. */
  putSecret(name: string, value: string, description: string): Promise<string>;
  /** The key used to sign approval links and forms. */
  getSigningKey(): Promise<string>;
}
