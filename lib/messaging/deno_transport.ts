/**
 * A {@linkcode Transport} speaking the NATS protocol itself over `Deno.connect`
 * (`connectTransport(url, { client: "deno" })`). It needs no npm package, so a
 * process using it does not load Deno's npm compatibility layer: about 10 MiB
 * less memory, which matters for edge agents. It reconnects forever, buffers
 * publishes while disconnected, re-subscribes after a reconnect and detects a
 * stale link by pings. KV buckets are served by a nats.js connection opened on
 * first use. User/password and token auth; no TLS, no NKEY/JWT credentials
 * (use the nats.js client for those).
 *
 * @module
 */
import { ConnectionFailedError } from "./errors.ts";
import { ProtocolParser, type ServerFrame } from "./nats_protocol.ts";
import { DenoMessage, Outbox, Requests, Subs } from "./deno_parts.ts";
import type {
  KvOptions,
  KvStore,
  Message,
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

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

class DenoTransport implements Transport {
  #url: TransportUrl;
  #o: ConnectOptions;
  #conn: Deno.Conn | undefined;
  #server = "";
  #state: "connected" | "reconnecting" | "closed" = "reconnecting";
  #listeners = new Set<(s: TransportStatus) => void>();
  #out: Outbox;
  #subs: Subs;
  #requests: Requests;
  #pongs: (() => void)[] = [];
  #pingsOut = 0;
  #pinger: ReturnType<typeof setInterval> | undefined;
  #stats: TransportStats = { inMsgs: 0, outMsgs: 0, inBytes: 0, outBytes: 0, reconnects: 0 };
  #kv: Promise<Transport> | undefined;

  constructor(url: TransportUrl, options: ConnectOptions) {
    this.#url = url;
    this.#o = options;
    this.#out = new Outbox((bytes) => this.#write(bytes));
    this.#subs = new Subs(
      this.#out,
      (e) => this.#emit({ type: "error", error: e }),
      () => this.flush(),
    );
    this.#requests = new Requests(this);
  }

  get server(): string {
    return this.#server;
  }
  get closed(): boolean {
    return this.#state === "closed";
  }
  get state(): "connected" | "reconnecting" | "closed" {
    return this.#state;
  }

  #emit(s: TransportStatus): void {
    for (const l of this.#listeners) {
      try {
        l(s);
      } catch { /* a listener's failure is its own */ }
    }
  }

  async #write(bytes: Uint8Array): Promise<void> {
    const conn = this.#conn;
    if (!conn || this.#state !== "connected") throw new Error("not connected");
    let off = 0;
    while (off < bytes.length) off += await conn.write(bytes.subarray(off));
    this.#stats.outBytes += bytes.length;
  }

  /** Dials each server in turn until one takes the CONNECT; throws after one round when `once`. */
  async dial(once: boolean): Promise<void> {
    for (;;) {
      for (const server of this.#url.servers) {
        if (this.#state === "closed") return;
        try {
          await this.#open(server);
          return;
        } catch (e) {
          if (once && server === this.#url.servers.at(-1)) throw e;
        }
      }
      await delay(this.#o.reconnectTimeWait ?? 250);
    }
  }

  async #open(server: string): Promise<void> {
    if (this.#url.scheme === "tls") {
      throw new ConnectionFailedError(
        'Cannot use tls:// with the deno NATS client: use the nats.js client ({ client: "nats.js" })',
      );
    }
    const i = server.lastIndexOf(":");
    const hostname = server.slice(0, i).replace(/^\[|\]$/g, "");
    const conn = await Deno.connect({ hostname, port: Number(server.slice(i + 1)) });
    const buf = new Uint8Array(64 * 1024);
    const read = async (): Promise<Uint8Array | null> => {
      const n = await conn.read(buf);
      return n === null ? null : buf.slice(0, n);
    };
    const parser = new ProtocolParser();
    const timer = setTimeout(() => conn.close(), this.#o.timeout ?? 5000);
    try {
      // INFO, then our CONNECT and a PING: the PONG says the server took the CONNECT.
      let sent = false;
      for (;;) {
        const value = await read();
        if (!value) {
          throw new ConnectionFailedError(`Connection to ${server} closed during CONNECT`);
        }
        const frames = parser.feed(value);
        const info = frames.find((f) => f.op === "INFO");
        if (info && info.op === "INFO" && info.info.tls_required) {
          throw new ConnectionFailedError(
            `Server ${server} requires TLS: use the nats.js client ({ client: "nats.js" })`,
          );
        }
        const err = frames.find((f) => f.op === "ERR");
        if (err && err.op === "ERR") {
          throw new ConnectionFailedError(
            `Server ${server} refused the connection: ${err.message}`,
          );
        }
        if (frames.some((f) => f.op === "PONG")) break;
        if (info && !sent) {
          sent = true;
          await conn.write(new TextEncoder().encode(`CONNECT ${this.#connectJson()}\r\nPING\r\n`));
        }
      }
    } catch (e) {
      try {
        conn.close();
      } catch { /* closed */ }
      throw e;
    } finally {
      clearTimeout(timer);
    }
    if (this.#state === "closed") { // closed while dialling
      conn.close();
      return;
    }
    this.#conn = conn;
    this.#server = server;
    this.#state = "connected";
    this.#pingsOut = 0;
    this.#subs.resubscribe();
    this.#out.resume();
    this.#readLoop(conn, read, parser);
    this.#startPings();
  }

  #connectJson(): string {
    const name = this.#o.name ?? this.#url.query.name;
    return JSON.stringify({
      verbose: false,
      pedantic: false,
      headers: true,
      no_responders: true,
      protocol: 1,
      lang: "deno-oslo-edge",
      version: "1.0",
      ...(name ? { name } : {}),
      ...(this.#url.user !== undefined ? { user: this.#url.user, pass: this.#url.pass } : {}),
      ...(this.#url.token !== undefined ? { auth_token: this.#url.token } : {}),
    });
  }

  #readLoop(
    conn: Deno.Conn,
    read: () => Promise<Uint8Array | null>,
    parser: ProtocolParser,
  ) {
    (async () => {
      try {
        for (;;) {
          const value = await read();
          if (!value) break;
          this.#stats.inBytes += value.length;
          for (const f of parser.feed(value)) this.#frame(f);
        }
      } catch { /* the socket failed: reconnect below */ }
      if (this.#conn !== conn) return;
      this.#lost(conn);
    })();
  }

  #frame(f: ServerFrame): void {
    switch (f.op) {
      case "MSG":
        this.#stats.inMsgs++;
        this.#subs.deliver(f.sid, new DenoMessage(this, f));
        return;
      case "PING":
        this.#out.push(new TextEncoder().encode("PONG\r\n"));
        return;
      case "PONG":
        this.#pingsOut = 0;
        this.#pongs.shift()?.();
        return;
      case "ERR":
        this.#emit({ type: "error", error: f.message });
        return;
      default:
        return;
    }
  }

  #startPings(): void {
    clearInterval(this.#pinger);
    this.#pinger = setInterval(() => {
      if (this.#state !== "connected" || !this.#conn) return;
      if (++this.#pingsOut > 2) return this.#lost(this.#conn); // stale: two pings unanswered
      this.#out.push(new TextEncoder().encode("PING\r\n"));
    }, this.#o.pingInterval ?? 10_000);
  }

  #lost(conn: Deno.Conn): void {
    if (this.#state === "closed" || this.#conn !== conn) return;
    try {
      conn.close();
    } catch { /* closed */ }
    this.#conn = undefined;
    this.#state = "reconnecting";
    this.#out.pause();
    for (const p of this.#pongs.splice(0)) p(); // flush() waiters: nothing more to wait for
    this.#emit({ type: "disconnect", server: this.#server });
    this.#emit({ type: "reconnecting" });
    this.dial(false).then(() => {
      if (this.#state !== "connected") return;
      this.#stats.reconnects++;
      this.#emit({ type: "reconnect", server: this.#server });
    });
  }

  publish(subject: string, data?: Payload, options: PublishOptions = {}): void {
    if (this.#state === "closed") {
      throw new ConnectionFailedError("Cannot publish: the connection is closed");
    }
    this.#out.pub(subject, options.reply, options.headers, data);
    this.#stats.outMsgs++;
  }

  subscribe(
    subject: string,
    handler: (msg: Message) => void | Promise<void>,
    options: SubscribeOptions = {},
  ): Subscription {
    return this.#subs.add(subject, options.queue, handler);
  }

  request(subject: string, data: Payload, options: RequestOptions): Promise<Message> {
    return this.#requests.send(subject, data, options);
  }

  inbox(): string {
    return `_INBOX.${crypto.randomUUID().replaceAll("-", "")}`;
  }

  flush(): Promise<void> {
    if (this.#state !== "connected") return Promise.resolve();
    return new Promise((resolve) => {
      this.#pongs.push(resolve);
      this.#out.push(new TextEncoder().encode("PING\r\n"));
    });
  }

  async rtt(): Promise<number> {
    const t0 = performance.now();
    await this.flush();
    return performance.now() - t0;
  }

  stats(): TransportStats {
    return { ...this.#stats };
  }

  onStatus(listener: (status: TransportStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async kv(bucket: string, options?: KvOptions): Promise<KvStore> {
    this.#kv ??= import("./nats_transport.ts").then((m) =>
      m.connectNatsJs(this.#url, { ...this.#o, client: "nats.js" })
    );
    return await (await this.#kv).kv(bucket, options);
  }

  async close(): Promise<void> {
    if (this.#state === "closed") return;
    await this.#subs.drainAll();
    if (this.#state === "connected") {
      // The PONG comes after the UNSUBs and anything queued before them; a dead link gets 2 s.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.flush(), new Promise((r) => (timer = setTimeout(r, 2000)))]);
      clearTimeout(timer);
    }
    this.#state = "closed";
    this.#out.pause();
    clearInterval(this.#pinger);
    for (const p of this.#pongs.splice(0)) p();
    this.#requests.closeAll();
    try {
      this.#conn?.close();
    } catch { /* closed */ }
    this.#conn = undefined;
    if (this.#kv) await (await this.#kv).close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Connects with the native client (see the module doc). */
export async function connectDeno(
  url: TransportUrl,
  options: ConnectOptions,
  shown: string = url.servers.join(","),
): Promise<Transport> {
  const t = new DenoTransport(url, options);
  try {
    await t.dial(!options.waitOnFirstConnect);
  } catch (e) {
    throw new ConnectionFailedError(`Cannot connect to ${shown}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return t;
}
