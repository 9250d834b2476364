/** Small helpers for the calls a task makes to IAM: one read per user, AWS error names expected. */

/** Memoizes a per-user read for the length of one task invocation. */
export function perUser<T>(load: (userName: string) => Promise<T>): (userName: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (userName) => {
    let value = cache.get(userName);
    if (!value) {
      value = load(userName);
      cache.set(userName, value);
    }
    return value;
  };
}

export function nullIfMissing(err: Error): null {
  if (err.name === 'NoSuchEntity') return null;
  throw err;
}

export const ignore = (name: string) => (err: Error) => {
  if (err.name !== name) throw err;
};
