/**
 * OPA mode: every named rule is decided by OPA at the data path derived from
 * its name (`identity:get_user` → `identity/get_user`, `-` → `_`, under
 * `[oslo_policy] opa_path_prefix`), with a bounded TTL cache of decisions
 * keyed by rule and input, identical decisions in flight shared, and the
 * decisions needed at once sent in one request (batches of `batchSize`).
 *
 * Fail closed: a failure or an undefined document denies (and is not cached),
 * and is reported through `onWarning` with the rule name, at most one line per
 * rule per second (then the count of those held back).
 *
 * @module
 */
import type { Creds, Target } from "./checks.ts";
import type { DecisionRequest, RuleDecider } from "./enforcer_options.ts";
import { isAllowResult } from "./opa_client.ts";
import { type OpaEngine, opaInput } from "./opa_check.ts";
import { FailureLog } from "./failure_log.ts";

/** Options of {@linkcode OpaDecider}. */
export interface OpaDeciderOptions {
  engine: OpaEngine;
  /** Path prefix, `oslo` → `oslo/identity/get_user`. */
  pathPrefix?: string;
  /** Seconds a decision is cached; 0 for no cache. */
  cacheTtl: number;
  /** Most cached decisions. */
  cacheSize: number;
  /** Most decisions per request to OPA. */
  batchSize: number;
  onWarning?: (message: string) => void;
  /** Clock (tests). */
  now?: () => number;
}

/** The data path OPA mode asks for a rule. */
export function rulePath(rule: string, prefix = ""): string {
  const p = rule.replaceAll(":", "/").replaceAll("-", "_");
  const pre = prefix.replace(/^\/+|\/+$/g, "");
  return pre ? `${pre}/${p}` : p;
}

function stable(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  const keys = Object.keys(v as object).sort();
  return `{${
    keys.map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(",")
  }}`;
}

interface Pending {
  rule: string;
  path: string;
  input: unknown;
  key: string;
  resolve(allowed: boolean): void;
}

/** Decides rules with OPA; plug into `Enforcer` as `decider`. */
export class OpaDecider implements RuleDecider {
  readonly #o: OpaDeciderOptions;
  readonly #cache = new Map<string, { allowed: boolean; expires: number }>();
  readonly #inFlight = new Map<string, Promise<boolean>>();
  readonly #failures: FailureLog | undefined;
  #queue: Pending[] = [];
  #stats = { hits: 0, misses: 0, requests: 0 };

  constructor(options: OpaDeciderOptions) {
    this.#o = options;
    const warn = options.onWarning;
    this.#failures = warn
      ? new FailureLog({ warn, ...(options.now ? { now: options.now } : {}) })
      : undefined;
  }

  /** Cache hits, misses and requests sent to OPA. */
  get stats(): { hits: number; misses: number; requests: number; cached: number } {
    return { ...this.#stats, cached: this.#cache.size };
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  #cached(key: string): boolean | undefined {
    const hit = this.#cache.get(key);
    if (!hit) return undefined;
    if (hit.expires <= this.#now()) {
      this.#cache.delete(key);
      return undefined;
    }
    this.#cache.delete(key);
    this.#cache.set(key, hit); // most recently used last
    return hit.allowed;
  }

  #store(key: string, allowed: boolean): void {
    if (this.#o.cacheTtl <= 0 || this.#o.cacheSize <= 0) return;
    this.#cache.delete(key);
    this.#cache.set(key, { allowed, expires: this.#now() + this.#o.cacheTtl * 1000 });
    while (this.#cache.size > this.#o.cacheSize) {
      this.#cache.delete(this.#cache.keys().next().value as string);
    }
  }

  decide(rule: string, target: Target, creds: Creds): Promise<boolean> {
    return this.#enqueue(rule, target, creds);
  }

  decideMany(requests: readonly DecisionRequest[]): Promise<boolean[]> {
    return Promise.all(requests.map((r) => this.#enqueue(r.rule, r.target ?? {}, r.creds)));
  }

  #enqueue(rule: string, target: Target, creds: Creds): Promise<boolean> {
    const input = opaInput(rule, target, creds);
    const path = rulePath(rule, this.#o.pathPrefix);
    const key = `${path}\u0000${stable(input)}`;
    const hit = this.#cached(key);
    if (hit !== undefined) {
      this.#stats.hits++;
      return Promise.resolve(hit);
    }
    this.#stats.misses++;
    const shared = this.#inFlight.get(key);
    if (shared) return shared;
    const p = new Promise<boolean>((resolve) => {
      if (this.#queue.length === 0) queueMicrotask(() => this.#flush());
      this.#queue.push({ rule, path, input, key, resolve });
    }).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, p);
    return p;
  }

  #flush(): void {
    const queue = this.#queue;
    this.#queue = [];
    for (let i = 0; i < queue.length; i += this.#o.batchSize) {
      void this.#send(queue.slice(i, i + this.#o.batchSize));
    }
  }

  async #send(batch: Pending[]): Promise<void> {
    this.#stats.requests++;
    const engine = this.#o.engine;
    let results: PromiseSettledResult<unknown>[];
    if (batch.length > 1 && engine.evaluateMany) {
      try {
        const values = await engine.evaluateMany(
          batch.map((b) => ({ path: b.path, input: b.input })),
        );
        results = values.map((value) => ({ status: "fulfilled", value }));
      } catch (reason) {
        results = batch.map(() => ({ status: "rejected", reason }));
      }
    } else {
      results = await Promise.allSettled(
        batch.map(async (b) => await engine.evaluate(b.path, b.input)),
      );
    }
    for (const [i, b] of batch.entries()) {
      const r = results[i]!;
      if (r.status === "rejected") {
        this.#failures?.log(b.rule, `Denied ${b.rule}: OPA mode: ${(r.reason as Error).message}`);
        b.resolve(false);
      } else if (r.value === undefined) {
        this.#failures?.log(b.rule, `Denied ${b.rule}: OPA mode: no document at data/${b.path}`);
        b.resolve(false);
      } else {
        const allowed = isAllowResult(r.value);
        this.#store(b.key, allowed);
        b.resolve(allowed);
      }
    }
  }
}
