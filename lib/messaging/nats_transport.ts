/**
 * The NATS implementation of {@linkcode Transport}: the only file in the
 * project that imports `@nats-io/*`.
 *
 * @module
 */
import {
  connect,
  headers as natsHeaders,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  NoRespondersError as NatsNoResponders,
  RequestError,
  TimeoutError,
} from "@nats-io/transport-node";
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
import { parseTransportUrl, redactTransportUrl, type TransportUrl } from "./transport_url.ts";

/** Options of {@linkcode connectTransport}. */
export interface ConnectOptions {
  /** Client name shown by the server (`/connz`). */
  name?: string;
  /** Milliseconds between reconnect attempts (default 250: edge links come back fast). */
  reconnectTimeWait?: number;
  /** Keep retrying when no server answers at first, instead of failing. */
  waitOnFirstConnect?: boolean;
  /** Milliseconds to wait for the first connection (default 5000). */
  timeout?: number;
  /** Milliseconds between pings (default 10000); two missed pings mean a stale connection. */
  pingInterval?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toBytes(data: Payload | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array();
  return typeof data === "string" ? encoder.encode(data) : data;
}

/** `{ headers }` for nats.js options, or nothing when there are none. */
function withHeaders(h: MessageHeaders | undefined): { headers?: MsgHdrs } {
  if (!h) return {};
  const headers = natsHeaders();
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
  #headers: MessageHeaders | undefined;
  constructor(msg: Msg) {
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
    return this.#msg.respond(toBytes(data), withHeaders(options?.headers));
  }
}

class NatsTransport implements Transport {
  #nc: NatsConnection;
  #listeners = new Set<(s: TransportStatus) => void>();
  #reconnects = 0;
  #down = false;

  constructor(nc: NatsConnection) {
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
      ...withHeaders(options.headers),
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
          result = handler(new NatsMessage(msg));
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
        ...withHeaders(options.headers),
      });
      return new NatsMessage(reply);
    } catch (e) {
      if (
        e instanceof NatsNoResponders ||
        (e instanceof RequestError && e.isNoResponders())
      ) {
        throw new NoRespondersError(subject, { cause: e });
      }
      if (
        e instanceof TimeoutError || (e instanceof RequestError && e.cause instanceof TimeoutError)
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

/**
 * Connects to NATS from a transport URL (`nats://user:pass@host:port,host2:port/`).
 * The connection reconnects by itself, forever, every `reconnectTimeWait` ms.
 */
export async function connectTransport(
  url: string | TransportUrl,
  options: ConnectOptions = {},
): Promise<Transport> {
  const parsed = typeof url === "string" ? parseTransportUrl(url) : url;
  const shown = typeof url === "string" ? redactTransportUrl(url) : parsed.servers.join(",");
  try {
    const nc = await connect({
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
    return new NatsTransport(nc);
  } catch (e) {
    throw new ConnectionFailedError(`Cannot connect to ${shown}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}
