/**
 * The central side of limit replication: validates a limits document and
 * writes it to the limits bucket when it changed; optionally, keeps copying
 * Keystone's limits (a {@linkcode KeystoneLimitSource} snapshot) there.
 *
 * @module
 */
import type { KvStore, Transport } from "../messaging/mod.ts";
import type { KeystoneLimitSource } from "./keystone_source.ts";
import type { LimitsData } from "./limit_source.ts";
import { type LimitsBucketOptions, openLimitsBucket } from "./replicated_source.ts";
import { StaticLimitSource } from "./static_source.ts";

/** Publishes limits documents to the limits bucket. */
export class LimitsPublisher {
  #kv: KvStore;
  #key: string;
  #last: string | undefined;

  constructor(kv: KvStore, key = "limits") {
    this.#kv = kv;
    this.#key = key;
  }

  /** Opens the bucket through `transport` (central control's connection to the hub). */
  static async open(
    transport: Transport,
    options: LimitsBucketOptions = {},
  ): Promise<LimitsPublisher> {
    return new LimitsPublisher(await openLimitsBucket(transport, options), options.key);
  }

  /**
   * Validates `data` (throws `LimitSourceError` naming the field)
   * and writes it; resolves to its revision, or undefined when it is what was
   * last published. `checkHierarchy: false` skips the strict-two-level rules
   * (Keystone's limits, which Keystone has already checked by its own).
   */
  async publish(
    data: LimitsData,
    options: { checkHierarchy?: boolean } = {},
  ): Promise<number | undefined> {
    const normal = new StaticLimitSource(data, options).toJSON();
    const text = JSON.stringify(normal);
    if (text === this.#last) return undefined;
    const revision = await this.#kv.put(this.#key, text);
    this.#last = text;
    return revision;
  }
}

/** A running Keystone → KV replication. */
export interface Replication extends AsyncDisposable {
  /** Copies now (also what each tick does); resolves to the revision written, if any. */
  syncNow(): Promise<number | undefined>;
  /** Stops the loop. */
  stop(): Promise<void>;
}

/**
 * Copies Keystone's limits for the configured endpoint to the bucket every
 * `intervalMs` (default 10 s), and at once. Errors go to `onError` (the
 * previous limits stay published).
 */
export function replicateKeystoneLimits(
  source: KeystoneLimitSource,
  publisher: LimitsPublisher,
  options: { intervalMs?: number; onError?: (e: unknown) => void } = {},
): Replication {
  let running: Promise<number | undefined> | undefined;
  const syncNow = () => {
    running ??= source.snapshot().then((d) => publisher.publish(d, { checkHierarchy: false }))
      .finally(() => running = undefined);
    return running;
  };
  const report = (e: unknown) => {
    if (options.onError) options.onError(e);
    else console.error(`Cannot replicate limits: ${(e as Error).message}`);
  };
  const timer = setInterval(() => syncNow().catch(report), options.intervalMs ?? 10_000);
  syncNow().catch(report);
  const stop = async () => {
    clearInterval(timer);
    await running?.catch(() => {});
  };
  return { syncNow, stop, [Symbol.asyncDispose]: stop };
}
