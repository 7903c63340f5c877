/**
 * True when `promise` settles within `ms`; false on timeout. Used so a hung handler cannot make
 * `close()` hang forever.
 *
 * @example
 * ```ts
 * if (!(await settlesWithin(loopDone, 10_000))) logger.warn('abandoned a hung handler');
 * ```
 */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
