/**
 * Reloads run one at a time. A reload asked for while one runs cannot join
 * it (that one may have read the files before the edit that prompted the
 * request), so one more is queued, shared by every request made meanwhile.
 *
 * @module
 */

/** One reload at a time, and at most one more queued. */
export class ReloadQueue<T> {
  #running: Promise<T> | undefined;
  #queued: Promise<T> | undefined;
  #next: (() => Promise<T>) | undefined;

  /** Runs `start` now, or after the running one (the latest `start` queued wins). */
  run(start: () => Promise<T>): Promise<T> {
    if (!this.#running) return this.#start(start);
    this.#next = start;
    const go = () => {
      const next = this.#next as () => Promise<T>;
      this.#queued = this.#next = undefined;
      return this.#start(next);
    };
    return this.#queued ??= this.#running.then(go, go);
  }

  #start(start: () => Promise<T>): Promise<T> {
    const p: Promise<T> = start().finally(() => {
      if (this.#running === p) this.#running = undefined;
    });
    this.#running = p;
    return p;
  }
}
