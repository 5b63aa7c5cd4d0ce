/**
 * The concurrent executor of servers and listeners: runs up to `size` tasks at
 * once (oslo's `executor_thread_pool_size`, 64) and queues the rest in order.
 *
 * @module
 */

/**
 * Runs async tasks with bounded concurrency.
 *
 * @example
 * ```ts
 * import { Executor } from "./executor.ts";
 * import assert from "node:assert/strict";
 *
 * const ex = new Executor(2);
 * let peak = 0;
 * for (let i = 0; i < 5; i++) {
 *   ex.run(async () => {
 *     peak = Math.max(peak, ex.active);
 *     await new Promise((r) => setTimeout(r, 5));
 *   });
 * }
 * await ex.idle();
 * assert.equal(peak, 2);
 * ```
 */
export class Executor {
  readonly size: number;
  #active = 0;
  #queue: (() => Promise<void>)[] = [];
  #idle: (() => void)[] = [];
  #onError: (e: unknown) => void;

  constructor(size: number, onError: (e: unknown) => void = () => {}) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`Cannot make an executor of size ${size}: it must be an integer >= 1`);
    }
    this.size = size;
    this.#onError = onError;
  }

  /** Tasks running now. */
  get active(): number {
    return this.#active;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Runs `task` now when a slot is free, else when one frees up. */
  run(task: () => Promise<void>): void {
    if (this.#active < this.size) this.#start(task);
    else this.#queue.push(task);
  }

  #start(task: () => Promise<void>): void {
    this.#active++;
    let p: Promise<void>;
    try {
      p = task();
    } catch (e) {
      p = Promise.reject(e);
    }
    p.catch(this.#onError).finally(() => {
      this.#active--;
      const next = this.#queue.shift();
      if (next) this.#start(next);
      else if (this.#active === 0) { for (const r of this.#idle.splice(0)) r(); }
    });
  }

  /** Resolves once nothing runs and nothing waits. */
  idle(): Promise<void> {
    if (this.#active === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
