// test/helpers/rejection.ts: awaits a promise that must reject and returns what it rejected
// with, so a test can assert the error's class and code; a promise that resolves fails the test.

export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
