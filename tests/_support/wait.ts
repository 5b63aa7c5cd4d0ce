/**
 * Polling helpers for tests that wait on real servers.
 *
 * @module
 */

/** Calls `fn` until it returns a truthy value (or stops throwing), up to `timeout` ms. */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  options: { timeout?: number; interval?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeout ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
      last = undefined;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: ${last.message}` : "";
      throw new Error(`Timed out waiting for ${options.what ?? "condition"}${why}`, {
        cause: last,
      });
    }
    await new Promise((r) => setTimeout(r, options.interval ?? 25));
  }
}
