/** Runs `act` and returns the Error it threw; fails the test when it does not throw, or throws a non-Error. */
export async function thrown(act: () => Promise<unknown>): Promise<Error> {
  try {
    await act();
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`threw a non-Error: ${String(err)}`);
  }
  throw new Error('expected the call to throw');
}
