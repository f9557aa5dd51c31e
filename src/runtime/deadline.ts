// runtime/deadline.ts: bounds a wait. The promise settles as the awaited one does, or rejects
// with the caller's timeout error once `ms` have passed; a value that arrives after that is
// handed to `discard`, so a late port or handle is closed instead of leaking.

export function within<T>(promise: Promise<T>, ms: number, onTimeout: () => Error, discard?: (late: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(onTimeout());
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (timedOut) discard?.(value);
        else resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        if (!timedOut) reject(err);
      },
    );
  });
}
