/**
 * Retry settings of the SDK clients, and the one-per-container memoizer they are built with.
 *
 * IAM's control plane has a low request rate and answers `Throttling` under load, so the IAM
 * client retries up to 8 attempts in adaptive mode (client-side rate limiting on top of exponential
 * backoff with jitter). The other services retry up to 5 attempts in standard mode. The state
 * machine's task Retry covers what is left after the SDK gives up.
 *
 * Each adapter module builds its own client (so a Lambda bundles only the SDK clients of the ports
 * it uses), on first use, once per container.
 */
export const IAM_RETRY = { maxAttempts: 8, retryMode: 'adaptive' } as const;
export const DEFAULT_RETRY = { maxAttempts: 5, retryMode: 'standard' } as const;

export function memoize<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
}
