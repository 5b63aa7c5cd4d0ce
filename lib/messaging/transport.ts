/**
 * The transport seam: what lib/messaging needs from a message bus, with no
 * NATS types in it. Two implementations: `nats_transport.ts` on nats.js (the
 * only file that imports `@nats-io/*`, loaded on first use) and
 * `deno_transport.ts`, a native NATS client on `Deno.connect`;
 * `connect_transport.ts` picks one.
 *
 * @module
 */

/** Message headers: name → value (one value per name). */
export type MessageHeaders = Record<string, string>;

/** A received message. */
export interface Message {
  /** Subject it was published on. */
  readonly subject: string;
  /** Raw payload. */
  readonly data: Uint8Array;
  /** Headers, empty when none. */
  readonly headers: MessageHeaders;
  /** Reply subject, when the sender waits for an answer. */
  readonly reply?: string | undefined;
  /**
   * Status line of a server-generated message (`503` no responders, JetStream's
   * `100` idle heartbeat, `404`/`408`/`409` pull status), absent on ordinary messages.
   */
  readonly status?: { code: number; description: string } | undefined;
  /** Payload decoded as UTF-8. */
  string(): string;
  /** Payload parsed as JSON. */
  json<T = unknown>(): T;
  /** Publishes an answer to `reply`; false when there is none. */
  respond(data?: Payload, options?: { headers?: MessageHeaders }): boolean;
}

/** What may be published: bytes, text, or anything JSON-serialisable (encoded as JSON). */
export type Payload = Uint8Array | string;

/** Options of {@linkcode Transport.publish}. */
export interface PublishOptions {
  /** Headers to send. */
  headers?: MessageHeaders;
  /** Reply subject. */
  reply?: string;
}

/** Options of {@linkcode Transport.request}. */
export interface RequestOptions {
  /** Milliseconds to wait for the reply. */
  timeout: number;
  /** Headers to send. */
  headers?: MessageHeaders;
}

/** Options of {@linkcode Transport.subscribe}. */
export interface SubscribeOptions {
  /** Queue group: each message goes to one member of the group. */
  queue?: string;
}

/** A live subscription. */
export interface Subscription {
  /** The subject (or wildcard) subscribed to. */
  readonly subject: string;
  /** Stops delivery now. */
  unsubscribe(): void;
  /** Stops taking new messages and waits for the handlers of those already taken. */
  drain(): Promise<void>;
}

/** Connection state changes, for health checks and metrics. */
export type TransportStatus =
  | { type: "disconnect"; server: string }
  | { type: "reconnect"; server: string }
  | { type: "reconnecting" }
  | { type: "error"; error: string };

/** Counters of one connection. */
export interface TransportStats {
  /** Messages received. */
  inMsgs: number;
  /** Messages sent. */
  outMsgs: number;
  /** Bytes received. */
  inBytes: number;
  /** Bytes sent. */
  outBytes: number;
  /** Reconnects since connecting. */
  reconnects: number;
}

/** One entry of a KV bucket. */
export interface KvEntry {
  /** Key. */
  key: string;
  /** Value bytes (empty for a delete marker). */
  value: Uint8Array;
  /** Revision: the stream sequence of this write. */
  revision: number;
  /** `PUT`, `DEL` or `PURGE`. */
  operation: "PUT" | "DEL" | "PURGE";
  /** Value decoded as UTF-8. */
  string(): string;
  /** Value parsed as JSON. */
  json<T = unknown>(): T;
}

/** Options of {@linkcode Transport.kv}. */
export interface KvOptions {
  /** Revisions kept per key. */
  history?: number;
  /** Milliseconds after which an entry expires (bucket-wide). */
  ttl?: number;
  /** Replicas in a clustered JetStream. */
  replicas?: number;
  /** JetStream domain of the bucket (a leaf node's own, or `hub`). */
  domain?: string;
  /** Create the bucket when missing (default true). */
  create?: boolean;
}

/** A JetStream key/value bucket with compare-and-set writes. */
export interface KvStore {
  /** Bucket name. */
  readonly bucket: string;
  /** The current entry, or undefined when missing or deleted. */
  get(key: string): Promise<KvEntry | undefined>;
  /** Writes a value; resolves to its revision. */
  put(key: string, value: Payload): Promise<number>;
  /** Writes only when the key does not exist; throws `KvConflictError` otherwise. */
  create(key: string, value: Payload): Promise<number>;
  /** Writes only when the key is still at `revision`; throws `KvConflictError` otherwise. */
  update(key: string, value: Payload, revision: number): Promise<number>;
  /** Deletes a key (keeps history); with `revision`, only when still at it. */
  delete(key: string, options?: { revision?: number }): Promise<void>;
  /** Every key currently set. */
  keys(filter?: string): Promise<string[]>;
  /** Current values, then every change, for keys matching `key` (wildcards allowed). */
  watch(
    options: { key?: string; includeHistory?: boolean; onlyUpdates?: boolean },
  ): Promise<AsyncIterable<KvEntry> & { stop(): void }>;
}

/** A connection to a message bus. */
export interface Transport extends AsyncDisposable {
  /** Server currently connected to (`host:port`). */
  readonly server: string;
  /** Publishes a message. */
  publish(subject: string, data?: Payload, options?: PublishOptions): void;
  /** Subscribes; `handler` runs for each message (errors in it are reported, not thrown). */
  subscribe(
    subject: string,
    handler: (msg: Message) => void | Promise<void>,
    options?: SubscribeOptions,
  ): Subscription;
  /** Sends a request and waits for one reply. */
  request(subject: string, data: Payload, options: RequestOptions): Promise<Message>;
  /** A unique subject for replies. */
  inbox(): string;
  /** Round trip to the server and back, in milliseconds. */
  rtt(): Promise<number>;
  /** Waits until the server has processed everything sent so far. */
  flush(): Promise<void>;
  /** Connection counters. */
  stats(): TransportStats;
  /** Registers a listener for connection state changes; returns a function removing it. */
  onStatus(listener: (status: TransportStatus) => void): () => void;
  /** A KV bucket (created when missing unless `create: false`). */
  kv(bucket: string, options?: KvOptions): Promise<KvStore>;
  /** True once closed. */
  readonly closed: boolean;
  /**
   * `connected`, `reconnecting` (the link dropped; publishes are buffered and
   * subscriptions come back by themselves), or `closed`: for health checks.
   */
  readonly state: "connected" | "reconnecting" | "closed";
  /** Drains subscriptions and closes. */
  close(): Promise<void>;
}
