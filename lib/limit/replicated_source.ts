/**
 * The edge side of limit replication: a limit source that watches the limits
 * document central control publishes to a NATS KV bucket, and answers from
 * memory. A change is applied as a whole (validated first; an invalid
 * document is reported and the previous limits kept), typically within
 * milliseconds of being published.
 *
 * The bucket lives in the hub's JetStream domain; an edge site watches it
 * through its leaf node. While the site is cut off from the hub it keeps
 * enforcing the last limits it received; the watch resumes when the link is
 * back. A site that starts while cut off has no limits yet: `ready()` fails
 * after its timeout, and until the first document arrives every lookup (the
 * model too) throws {@linkcode LimitsNotReadyError}, so nothing is decided
 * under a guessed model or guessed limits.
 *
 * @module
 */
import type { KvStore, Transport } from "../messaging/mod.ts";
import { LimitsNotReadyError, LimitSourceError } from "./errors.ts";
import type { EnforcementModel, LimitsData, LimitSource } from "./limit_source.ts";
import { StaticLimitSource } from "./static_source.ts";

/** Where replicated limits live. */
export interface LimitsBucketOptions {
  /** Bucket (default `oslo_limit_limits`). */
  bucket?: string;
  /** Key of the limits document (default `limits`). */
  key?: string;
  /** JetStream domain of the bucket (default `hub`; `null` for a server without domains). */
  domain?: string | null;
}

/** Opens the limits bucket (creating it when missing). */
export async function openLimitsBucket(
  transport: Transport,
  options: LimitsBucketOptions = {},
): Promise<KvStore> {
  const domain = options.domain === undefined ? "hub" : options.domain;
  return await transport.kv(options.bucket ?? "oslo_limit_limits", {
    history: 5,
    ...(domain ? { domain } : {}),
  });
}

/** A change the source applied, or refused. */
export type ReplicationEvent =
  | { type: "applied"; revision: number }
  | { type: "rejected"; revision: number; error: LimitSourceError };

/** Limits replicated from central control over NATS KV. */
export class ReplicatedLimitSource implements LimitSource, AsyncDisposable {
  readonly cacheable = false;
  readonly description: string;
  #current: StaticLimitSource = new StaticLimitSource({});
  #revision = 0;
  #stop: (() => void) | undefined;
  #first: PromiseWithResolvers<void> = Promise.withResolvers();
  #listeners = new Set<(e: ReplicationEvent) => void>();
  #done: Promise<void> = Promise.resolve();

  private constructor(description: string) {
    this.description = description;
    this.#first.promise.catch(() => {});
  }

  /** Starts watching the limits document of `options.key` in the bucket. */
  static async open(
    transport: Transport,
    options: LimitsBucketOptions = {},
  ): Promise<ReplicatedLimitSource> {
    const kv = await openLimitsBucket(transport, options);
    const key = options.key ?? "limits";
    const src = new ReplicatedLimitSource(`limits replicated from NATS KV ${kv.bucket}/${key}`);
    const watch = await kv.watch({ key });
    src.#stop = () => watch.stop();
    src.#done = (async () => {
      for await (const e of watch) {
        if (e.operation !== "PUT") continue;
        src.#apply(e.revision, () => e.json<LimitsData>());
      }
    })().catch(() => {});
    return src;
  }

  #apply(revision: number, read: () => LimitsData): void {
    let event: ReplicationEvent;
    try {
      // Central control decided these limits: check their shape, not its hierarchy rules.
      this.#current = new StaticLimitSource(read(), {
        file: `${this.description} (revision ${revision})`,
        checkHierarchy: false,
      });
      this.#revision = revision;
      event = { type: "applied", revision };
      this.#first.resolve();
    } catch (e) {
      const error = e instanceof LimitSourceError ? e : new LimitSourceError(
        this.description,
        `revision ${revision} is not JSON: ${(e as Error).message}`,
      );
      event = { type: "rejected", revision, error };
    }
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch { /* a listener's failure is its own */ }
    }
  }

  /** Resolves once a first limits document has been applied; rejects after `timeout` ms. */
  async ready(timeout = 10_000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new LimitSourceError(this.description, `no limits received within ${timeout} ms`)),
        timeout,
      );
    });
    try {
      await Promise.race([this.#first.promise, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Revision of the limits in use (0: none yet). */
  get revision(): number {
    return this.#revision;
  }

  /** Calls `listener` for every document applied or refused; returns a function removing it. */
  onChange(listener: (event: ReplicationEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The limits in use, as data (an empty document before the first arrives). */
  toJSON(): LimitsData {
    return this.#current.toJSON();
  }

  /** The limits in use; throws {@linkcode LimitsNotReadyError} before the first document. */
  #limits(): StaticLimitSource {
    if (this.#revision === 0) {
      throw new LimitsNotReadyError(
        `Cannot decide limits: no limits received yet from ${this.description} (is central control publishing them, and this site's leaf node linked to the hub?)`,
      );
    }
    return this.#current;
  }

  model(): EnforcementModel {
    return this.#limits().model();
  }
  registeredLimit(resourceName: string): number | undefined {
    return this.#limits().registeredLimit(resourceName);
  }
  projectLimit(projectId: string, resourceName: string): number | undefined {
    return this.#limits().projectLimit(projectId, resourceName);
  }
  parentOf(projectId: string): string | null {
    return this.#limits().parentOf(projectId);
  }
  childrenOf(projectId: string): readonly string[] {
    return this.#limits().childrenOf(projectId);
  }

  /** Stops watching (the last limits stay readable). */
  async close(): Promise<void> {
    this.#stop?.();
    this.#stop = undefined;
    await this.#done;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
