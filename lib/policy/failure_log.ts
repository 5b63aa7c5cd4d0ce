/**
 * Enforce-time failures (an `opa:` or `http:` check that cannot get an
 * answer, a check that cannot be evaluated), logged each with its rule name,
 * at most one line per rule per interval (one second by default): the
 * failures held back in between are counted, and the next line logged for
 * that rule says how many there were.
 *
 * @module
 */

/** Options of {@linkcode FailureLog}. */
export interface FailureLogOptions {
  /** Where lines go. */
  warn: (message: string) => void;
  /** Milliseconds between two lines for one rule (default 1000). */
  intervalMs?: number;
  /** Rules followed at once; the least recently logged are forgotten beyond (default 10,000). */
  maxRules?: number;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

/**
 * A rate-limited log of failures, keyed by rule.
 *
 * @example One line per rule per second, then the count of the rest
 * ```ts
 * import { FailureLog } from "./failure_log.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * let now = 0;
 * const log = new FailureLog({ warn: (m) => lines.push(m), now: () => now });
 * for (let i = 0; i < 5; i++) log.log("svc:get", "Denied svc:get: OPA is down");
 * now += 1000;
 * log.log("svc:get", "Denied svc:get: OPA is down");
 * assert.deepEqual(lines, [
 *   "Denied svc:get: OPA is down",
 *   "Denied svc:get: OPA is down (and 4 more failures of svc:get not logged since its last line)",
 * ]);
 * ```
 */
export class FailureLog {
  readonly #o: FailureLogOptions;
  readonly #rules = new Map<string, { next: number; held: number }>();

  constructor(options: FailureLogOptions) {
    this.#o = options;
  }

  /** Logs `message` for `rule`, unless a line for `rule` was logged within the interval. */
  log(rule: string, message: string): void {
    const now = (this.#o.now ?? Date.now)();
    const seen = this.#rules.get(rule);
    if (seen && now < seen.next) {
      seen.held++;
      return;
    }
    const held = seen?.held ?? 0;
    this.#o.warn(
      held > 0
        ? `${message} (and ${held} more failure${
          held === 1 ? "" : "s"
        } of ${rule} not logged since its last line)`
        : message,
    );
    this.#rules.delete(rule);
    this.#rules.set(rule, { next: now + (this.#o.intervalMs ?? 1000), held: 0 });
    const max = this.#o.maxRules ?? 10_000;
    while (this.#rules.size > max) this.#rules.delete(this.#rules.keys().next().value as string);
  }
}
