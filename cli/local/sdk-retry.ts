/**
 * What the AWS SDK's retry does for the deployed IAM client (handlers/aws/clients.ts IAM_RETRY),
 * done for the sandbox: a throttled call is retried with exponential backoff and full jitter, up to
 * the same number of attempts. The state machine's task Retry covers what is left, as in AWS.
 */
import { IAM_RETRY } from '../../handlers/aws/retry.js';
import type { IamPort } from '../../handlers/ports/iam.js';

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded']);

export function withSdkRetry(
  iam: IamPort,
  baseDelayMs = 2,
  maxAttempts: number = IAM_RETRY.maxAttempts,
): IamPort {
  return new Proxy(iam, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await value.apply(target, args);
          } catch (err) {
            if (!THROTTLING.has((err as Error).name) || attempt >= maxAttempts) throw err;
            const cap = baseDelayMs * 2 ** attempt;
            await new Promise((resolve) => setTimeout(resolve, Math.random() * cap));
          }
        }
      };
    },
  });
}
