/**
 * The pieces of the native NATS client (`deno_transport.ts`): received
 * messages, the outgoing buffer (coalesced writes, held while disconnected),
 * subscriptions (re-sent after a reconnect) and request/reply on one inbox.
 *
 * @module
 */
import { ConnectionFailedError, MessagingTimeout, NoRespondersError } from "./errors.ts";
import {
  decodeHeaders,
  encodeHeaders,
  encodeLine,
  encodePub,
  type ServerFrame,
} from "./nats_protocol.ts";
import type {
  Message,
  MessageHeaders,
  Payload,
  RequestOptions,
  Subscription,
  Transport,
} from "./transport.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Most bytes held while disconnected before publishing fails. */
const MAX_PENDING = 64 * 1024 * 1024;

function toBytes(data: Payload | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array();
  return typeof data === "string" ? encoder.encode(data) : data;
}

/** A received message; headers are decoded when read. */
export class DenoMessage implements Message {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly reply: string | undefined;
  #t: Transport;
  #header: Uint8Array;
  #decoded: ReturnType<typeof decodeHeaders> | undefined;

  constructor(t: Transport, f: Extract<ServerFrame, { op: "MSG" }>) {
    this.#t = t;
    this.subject = f.subject;
    this.data = f.payload;
    this.reply = f.reply;
    this.#header = f.header;
  }
  #h() {
    return this.#decoded ??= this.#header.length
      ? decodeHeaders(this.#header)
      : { headers: {}, code: 0, description: "" };
  }
  get headers(): MessageHeaders {
    return this.#h().headers;
  }
  get status(): { code: number; description: string } | undefined {
    const h = this.#h();
    return h.code > 0 ? { code: h.code, description: h.description } : undefined;
  }
  string(): string {
    return decoder.decode(this.data);
  }
  json<T>(): T {
    return JSON.parse(this.string()) as T;
  }
  respond(data?: Payload, options?: { headers?: MessageHeaders }): boolean {
    if (!this.reply) return false;
    this.#t.publish(this.reply, data, options?.headers ? { headers: options.headers } : {});
    return true;
  }
}

/** Outgoing bytes: written in one go per tick while connected, held while not. */
export class Outbox {
  #chunks: Uint8Array[] = [];
  #size = 0;
  #paused = true;
  #flushing = false;
  #idle: (() => void)[] = [];
  #write: (bytes: Uint8Array) => Promise<void>;

  constructor(write: (bytes: Uint8Array) => Promise<void>) {
    this.#write = write;
  }

  pub(
    subject: string,
    reply: string | undefined,
    headers: MessageHeaders | undefined,
    data?: Payload,
  ) {
    this.push(encodePub(subject, reply, encodeHeaders(headers), toBytes(data)));
  }

  push(bytes: Uint8Array): void {
    if (this.#paused && this.#size + bytes.length > MAX_PENDING) {
      throw new ConnectionFailedError(
        `Cannot buffer more than ${MAX_PENDING} bytes while disconnected`,
      );
    }
    this.#chunks.push(bytes);
    this.#size += bytes.length;
    this.#schedule();
  }

  /** Puts bytes before everything waiting (subscriptions after a reconnect). */
  unshift(bytes: Uint8Array): void {
    this.#chunks.unshift(bytes);
    this.#size += bytes.length;
    this.#schedule();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#paused || this.#flushing) return;
    this.#flushing = true;
    queueMicrotask(() => this.#flush());
  }

  async #flush(): Promise<void> {
    while (!this.#paused && this.#chunks.length) {
      const chunks = this.#chunks.splice(0);
      const size = this.#size;
      this.#size = 0;
      let all = chunks[0] as Uint8Array;
      if (chunks.length > 1) {
        all = new Uint8Array(size);
        let off = 0;
        for (const c of chunks) all.set(c, (off += c.length) - c.length);
      }
      try {
        await this.#write(all);
      } catch {
        this.#chunks.unshift(all); // sent again once reconnected
        this.#size += all.length;
        this.#paused = true;
      }
    }
    this.#flushing = false;
    if (!this.#chunks.length) { for (const r of this.#idle.splice(0)) r(); }
  }

  /** Resolves once everything queued has been written. */
  idle(): Promise<void> {
    if (!this.#chunks.length && !this.#flushing) return Promise.resolve();
    return new Promise((r) => this.#idle.push(r));
  }
}

interface Sub {
  sid: number;
  subject: string;
  queue: string | undefined;
  handler: (m: Message) => void | Promise<void>;
  running: number;
  idle: (() => void) | undefined;
  /** UNSUB sent: still delivered to until the server confirms it, never re-sent. */
  draining: boolean;
}

/** Subscriptions by id. */
export class Subs {
  #next = 1;
  #map = new Map<number, Sub>();
  #out: Outbox;
  #report: (error: string) => void;
  #flush: () => Promise<void>;

  /** `flush` resolves once the server has processed everything sent (a PING's PONG). */
  constructor(out: Outbox, report: (error: string) => void, flush: () => Promise<void>) {
    this.#out = out;
    this.#report = report;
    this.#flush = flush;
  }

  #line(s: Sub): string {
    return `SUB ${s.subject}${s.queue ? ` ${s.queue}` : ""} ${s.sid}`;
  }

  add(
    subject: string,
    queue: string | undefined,
    handler: (m: Message) => void | Promise<void>,
  ): Subscription {
    if (!subject || /\s/.test(subject)) throw new TypeError(`Cannot subscribe to "${subject}"`);
    const sub: Sub = {
      sid: this.#next++,
      subject,
      queue,
      handler,
      running: 0,
      idle: undefined,
      draining: false,
    };
    this.#map.set(sub.sid, sub);
    this.#out.push(encodeLine(this.#line(sub)));
    const unsubscribe = () => {
      if (this.#map.delete(sub.sid) && !sub.draining) {
        this.#out.push(encodeLine(`UNSUB ${sub.sid}`));
      }
    };
    return {
      subject,
      unsubscribe,
      drain: () => this.#drain([sub]),
    };
  }

  /**
   * Sends the UNSUBs, keeps delivering what the server sent before it read
   * them (until the PONG after them, at most 2 s), then waits for running handlers.
   */
  async #drain(subs: Sub[]): Promise<void> {
    const live = subs.filter((s) => this.#map.has(s.sid) && !s.draining);
    for (const s of live) {
      s.draining = true;
      this.#out.push(encodeLine(`UNSUB ${s.sid}`));
    }
    if (live.length) {
      // A dead link not yet noticed gets 2 s: what it still holds is lost either way.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.#flush(), new Promise((r) => (timer = setTimeout(r, 2000)))]);
      clearTimeout(timer);
    }
    for (const s of live) this.#map.delete(s.sid);
    await Promise.all(
      subs.filter((s) => s.running > 0).map((s) => new Promise<void>((r) => (s.idle = r))),
    );
  }

  deliver(sid: number, m: Message): void {
    const s = this.#map.get(sid);
    if (!s) return;
    let r: void | Promise<void>;
    try {
      r = s.handler(m);
    } catch (e) {
      this.#report(`handler for ${s.subject}: ${(e as Error).message}`);
      return;
    }
    if (r instanceof Promise) {
      s.running++;
      r.catch((e) => this.#report(`handler for ${s.subject}: ${(e as Error).message}`))
        .finally(() => {
          if (--s.running === 0) s.idle?.();
        });
    }
  }

  /** Sends every subscription again, ahead of anything queued (after a reconnect). */
  resubscribe(): void {
    const lines = [...this.#map.values()].filter((s) => !s.draining)
      .map((s) => this.#line(s) + "\r\n").join("");
    if (lines) this.#out.unshift(encoder.encode(lines));
  }

  /** Drains every subscription (see `drain` of one). */
  drainAll(): Promise<void> {
    return this.#drain([...this.#map.values()]);
  }
}

/** Request/reply over one inbox subscription. */
export class Requests {
  #t: Transport;
  #prefix: string | undefined;
  #n = 0;
  #map = new Map<
    string,
    { subject: string; resolve: (m: Message) => void; reject: (e: Error) => void }
  >();

  constructor(t: Transport) {
    this.#t = t;
  }

  send(subject: string, data: Payload, o: RequestOptions): Promise<Message> {
    if (!this.#prefix) {
      const prefix = this.#t.inbox();
      this.#prefix = prefix;
      this.#t.subscribe(`${prefix}.*`, (m) => {
        const p = this.#map.get(m.subject.slice(prefix.length + 1));
        if (!p) return;
        if (m.status?.code === 503) p.reject(new NoRespondersError(p.subject));
        else p.resolve(m);
      });
    }
    const token = String(++this.#n);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#map.delete(token);
        reject(
          new MessagingTimeout(
            `Timed out after ${o.timeout} ms waiting for a reply on "${subject}"`,
          ),
        );
      }, o.timeout);
      const done = () => {
        clearTimeout(timer);
        this.#map.delete(token);
      };
      this.#map.set(token, {
        subject,
        resolve: (m) => (done(), resolve(m)),
        reject: (e) => (done(), reject(e)),
      });
      try {
        this.#t.publish(subject, data, {
          reply: `${this.#prefix}.${token}`,
          ...(o.headers ? { headers: o.headers } : {}),
        });
      } catch (e) {
        done();
        reject(e);
      }
    });
  }

  closeAll(): void {
    for (const p of [...this.#map.values()]) {
      p.reject(new ConnectionFailedError("Cannot wait for the reply: the connection was closed"));
    }
  }
}
