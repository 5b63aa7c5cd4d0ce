/**
 * The nats.js implementation of {@linkcode Transport}: the only file in the
 * project that imports `@nats-io/*`. nats.js itself is imported when the first
 * connection is made, so a process using only the native client
 * (`deno_transport.ts`) never loads it nor Deno's npm layer.
 *
 * @module
 */
import type { Msg, MsgHdrs, NatsConnection } from "@nats-io/transport-node";
import { type KvClient, NatsKvStore } from "./nats_kv_store.ts";
import {
  ConnectionFailedError,
  MessagingError,
  MessagingTimeout,
  NoRespondersError,
} from "./errors.ts";
import type {
  KvOptions,
  KvStore,
  Message,
  MessageHeaders,
  Payload,
  PublishOptions,
  RequestOptions,
  SubscribeOptions,
  Subscription,
  Transport,
  TransportStats,
  TransportStatus,
} from "./transport.ts";
import type { TransportUrl } from "./transport_url.ts";
import type { ConnectOptions } from "./connect_transport.ts";

/** nats.js, loaded on the first connection (a process that never uses it does not carry it). */
type NatsJs = typeof import("@nats-io/transport-node");

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toBytes(data: Payload | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array();
  return typeof data === "string" ? encoder.encode(data) : data;
}

/** `{ headers }` for nats.js options, or nothing when there are none. */
function withHeaders(nats: NatsJs, h: MessageHeaders | undefined): { headers?: MsgHdrs } {
  if (!h) return {};
  const headers = nats.headers();
  for (const [k, v] of Object.entries(h)) headers.set(k, v);
  return { headers };
}

function fromHeaders(h: MsgHdrs | undefined): MessageHeaders {
  const out: MessageHeaders = {};
  if (!h) return out;
  for (const k of h.keys()) out[k] = h.get(k);
  return out;
}

/** A received message; headers are decoded only when read. */
class NatsMessage implements Message {
  #msg: Msg;
  #nats: NatsJs;
  #headers: MessageHeaders | undefined;
  constructor(nats: NatsJs, msg: Msg) {
    this.#nats = nats;
    this.#msg = msg;
  }
  get subject(): string {
    return this.#msg.subject;
  }
  get data(): Uint8Array {
    return this.#msg.data;
  }
  get reply(): string | undefined {
    return this.#msg.reply || undefined;
  }
  get headers(): MessageHeaders {
    return this.#headers ??= fromHeaders(this.#msg.headers);
  }
  get status(): { code: number; description: string } | undefined {
    const h = this.#msg.headers;
    return h && h.code > 0 ? { code: h.code, description: h.description } : undefined;
  }
  string(): string {
    return decoder.decode(this.#msg.data);
  }
  json<T>(): T {
    return JSON.parse(decoder.decode(this.#msg.data)) as T;
  }
  respond(data?: Payload, options?: { headers?: MessageHeaders }): boolean {
    return this.#msg.respond(toBytes(data), withHeaders(this.#nats, options?.headers));
  }
}

class NatsTransport implements Transport {
  #nc: NatsConnection;
  #nats: NatsJs;
  #listeners = new Set<(s: TransportStatus) => void>();
  #reconnects = 0;
  #down = false;

  constructor(nats: NatsJs, nc: NatsConnection) {
    this.#nats = nats;
    this.#nc = nc;
    (async () => {
      for await (const s of nc.status()) {
        let status: TransportStatus | undefined;
        if (s.type === "disconnect") {
          this.#down = true;
          status = { type: "disconnect", server: s.server };
        } else if (s.type === "reconnect") {
          this.#down = false;
          this.#reconnects++;
          status = { type: "reconnect", server: s.server };
        } else if (s.type === "reconnecting") status = { type: "reconnecting" };
        else if (s.type === "error") status = { type: "error", error: String(s.error) };
        if (status) this.#emit(status);
      }
    })().catch(() => {});
  }

  #emit(status: TransportStatus): void {
    for (const l of this.#listeners) {
      try {
        l(status);
      } catch { /* a listener's failure is its own */ }
    }
  }

  get server(): string {
    return this.#nc.getServer();
  }

  get closed(): boolean {
    return this.#nc.isClosed();
  }

  get state(): "connected" | "reconnecting" | "closed" {
    return this.#nc.isClosed() ? "closed" : this.#down ? "reconnecting" : "connected";
  }

  publish(subject: string, data?: Payload, options: PublishOptions = {}): void {
    this.#nc.publish(subject, toBytes(data), {
      ...withHeaders(this.#nats, options.headers),
      ...(options.reply ? { reply: options.reply } : {}),
    });
  }

  subscribe(
    subject: string,
    handler: (msg: Message) => void | Promise<void>,
    options: SubscribeOptions = {},
  ): Subscription {
    let running = 0;
    let idle: (() => void) | undefined;
    const report = (e: unknown) =>
      this.#emit({ type: "error", error: `handler for ${subject}: ${(e as Error).message}` });
    const done = () => {
      if (--running === 0 && idle) idle();
    };
    const sub = this.#nc.subscribe(subject, {
      ...(options.queue ? { queue: options.queue } : {}),
      callback: (err, msg) => {
        if (err) {
          this.#emit({ type: "error", error: err.message });
          return;
        }
        let result: void | Promise<void>;
        try {
          result = handler(new NatsMessage(this.#nats, msg));
        } catch (e) {
          report(e);
          return;
        }
        if (result instanceof Promise) {
          running++;
          result.catch(report).finally(done);
        }
      },
    });
    return {
      subject,
      unsubscribe: () => sub.unsubscribe(),
      drain: async () => {
        if (!sub.isClosed()) await sub.drain().catch(() => {});
        if (running > 0) await new Promise<void>((resolve) => (idle = resolve));
      },
    };
  }

  async request(subject: string, data: Payload, options: RequestOptions): Promise<Message> {
    try {
      const reply = await this.#nc.request(subject, toBytes(data), {
        timeout: options.timeout,
        ...withHeaders(this.#nats, options.headers),
      });
      return new NatsMessage(this.#nats, reply);
    } catch (e) {
      if (
        e instanceof this.#nats.NoRespondersError ||
        (e instanceof this.#nats.RequestError && e.isNoResponders())
      ) {
        throw new NoRespondersError(subject, { cause: e });
      }
      if (
        e instanceof this.#nats.TimeoutError ||
        (e instanceof this.#nats.RequestError && e.cause instanceof this.#nats.TimeoutError)
      ) {
        throw new MessagingTimeout(
          `Timed out after ${options.timeout} ms waiting for a reply on "${subject}"`,
          {
            cause: e,
          },
        );
      }
      throw new MessagingError(`Cannot send request on "${subject}": ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  inbox(): string {
    return `_INBOX.${crypto.randomUUID().replaceAll("-", "")}`;
  }

  rtt(): Promise<number> {
    return this.#nc.rtt();
  }

  flush(): Promise<void> {
    return this.#nc.flush();
  }

  stats(): TransportStats {
    const s = this.#nc.stats();
    return { ...s, reconnects: this.#reconnects };
  }

  onStatus(listener: (status: TransportStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async kv(bucket: string, options: KvOptions = {}): Promise<KvStore> {
    // Loaded on first use: processes without KV (edge agents) do not carry it.
    const [{ jetstream }, { Kvm }] = await Promise.all([
      import("@nats-io/jetstream"),
      import("@nats-io/kv"),
    ]);
    const js = jetstream(this.#nc, options.domain ? { domain: options.domain } : {});
    const kvm = new Kvm(js);
    const opts = {
      ...(options.history ? { history: options.history } : {}),
      ...(options.ttl ? { ttl: options.ttl } : {}),
      ...(options.replicas ? { replicas: options.replicas } : {}),
    };
    const kv = options.create === false
      ? await kvm.open(bucket, opts)
      : await kvm.create(bucket, opts);
    return new NatsKvStore(bucket, kv as unknown as KvClient);
  }

  async close(): Promise<void> {
    if (this.#nc.isClosed()) return;
    await this.#nc.drain().catch(() => this.#nc.close());
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Connects with nats.js (see {@linkcode connectTransport}). */
export async function connectNatsJs(
  parsed: TransportUrl,
  options: ConnectOptions = {},
  shown: string = parsed.servers.join(","),
): Promise<Transport> {
  try {
    const nats = await import("@nats-io/transport-node");
    const nc = await nats.connect({
      servers: parsed.servers.map((s) => `${parsed.scheme === "tls" ? "tls" : "nats"}://${s}`),
      ...(parsed.user !== undefined ? { user: parsed.user } : {}),
      ...(parsed.pass !== undefined ? { pass: parsed.pass } : {}),
      ...(parsed.token !== undefined ? { token: parsed.token } : {}),
      ...(options.name ?? parsed.query.name ? { name: options.name ?? parsed.query.name } : {}),
      ...(parsed.scheme === "tls" ? { tls: {} } : {}),
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: options.reconnectTimeWait ?? 250,
      reconnectJitter: 50,
      timeout: options.timeout ?? 5000,
      pingInterval: options.pingInterval ?? 10_000,
      waitOnFirstConnect: options.waitOnFirstConnect ?? false,
      // No stack capture per request: errors here say which subject timed out.
      noAsyncTraces: true,
    });
    return new NatsTransport(nats, nc);
  } catch (e) {
    throw new ConnectionFailedError(`Cannot connect to ${shown}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}
