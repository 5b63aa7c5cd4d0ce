/**
 * {@linkcode KvStore} on a nats.js KV bucket. The bucket is typed here by the
 * few members used, so that this file needs no `@nats-io/*` import:
 * `nats_transport.ts` opens the bucket and hands it over.
 *
 * @module
 */
import { KvConflictError } from "./errors.ts";
import type { KvEntry, KvStore, Payload } from "./transport.ts";

/** A nats.js KV entry, as far as it is read here. */
interface NatsKvEntry {
  key: string;
  value: Uint8Array;
  revision: number;
  operation: string;
}

/** The nats.js `KV` members used here. */
export interface KvClient {
  get(key: string): Promise<NatsKvEntry | null>;
  put(key: string, value: Uint8Array): Promise<number>;
  create(key: string, value: Uint8Array): Promise<number>;
  update(key: string, value: Uint8Array, revision: number): Promise<number>;
  delete(key: string, options?: { previousSeq?: number }): Promise<void>;
  keys(filter?: string): Promise<AsyncIterable<string>>;
  watch(options: { key?: string; include?: "" | "history" | "updates" }): Promise<
    AsyncIterable<NatsKvEntry> & { stop(): void }
  >;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toBytes(data: Payload): Uint8Array {
  return typeof data === "string" ? encoder.encode(data) : data;
}

function entry(e: NatsKvEntry): KvEntry {
  return {
    key: e.key,
    value: e.value,
    revision: e.revision,
    operation: e.operation === "DEL" || e.operation === "PURGE" ? e.operation : "PUT",
    string: () => decoder.decode(e.value),
    json: <T>() => JSON.parse(decoder.decode(e.value)) as T,
  };
}

function isConflict(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  const apiCode = (e as { api_error?: { err_code?: number } }).api_error?.err_code;
  return code === 10071 || apiCode === 10071 || /wrong last sequence/i.test(String(e));
}

/** A KV bucket with compare-and-set writes. */
export class NatsKvStore implements KvStore {
  readonly bucket: string;
  #kv: KvClient;
  constructor(bucket: string, kv: KvClient) {
    this.bucket = bucket;
    this.#kv = kv;
  }
  async get(key: string): Promise<KvEntry | undefined> {
    const e = await this.#kv.get(key);
    return e && e.operation === "PUT" ? entry(e) : undefined;
  }
  put(key: string, value: Payload): Promise<number> {
    return this.#kv.put(key, toBytes(value));
  }
  async create(key: string, value: Payload): Promise<number> {
    try {
      return await this.#kv.create(key, toBytes(value));
    } catch (e) {
      if (isConflict(e) || /exists/i.test(String(e))) {
        throw new KvConflictError(this.bucket, key, { cause: e });
      }
      throw e;
    }
  }
  async update(key: string, value: Payload, revision: number): Promise<number> {
    try {
      return await this.#kv.update(key, toBytes(value), revision);
    } catch (e) {
      if (isConflict(e)) throw new KvConflictError(this.bucket, key, { cause: e });
      throw e;
    }
  }
  async delete(key: string, options: { revision?: number } = {}): Promise<void> {
    try {
      await this.#kv.delete(
        key,
        options.revision === undefined ? {} : { previousSeq: options.revision },
      );
    } catch (e) {
      if (isConflict(e)) throw new KvConflictError(this.bucket, key, { cause: e });
      throw e;
    }
  }
  async keys(filter?: string): Promise<string[]> {
    const out: string[] = [];
    for await (const k of await this.#kv.keys(filter)) out.push(k);
    return out;
  }
  async watch(
    options: { key?: string; includeHistory?: boolean; onlyUpdates?: boolean } = {},
  ): Promise<AsyncIterable<KvEntry> & { stop(): void }> {
    const include = options.onlyUpdates
      ? ("updates" as const)
      : options.includeHistory
      ? ("history" as const)
      : ("" as const);
    const iter = await this.#kv.watch({ ...(options.key ? { key: options.key } : {}), include });
    return {
      stop: () => iter.stop(),
      async *[Symbol.asyncIterator]() {
        for await (const e of iter) yield entry(e);
      },
    };
  }
}
