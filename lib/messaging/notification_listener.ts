/**
 * The notification listener, after oslo.messaging's: endpoints have one
 * method per priority they want (`info(ctxt, publisherId, eventType, payload,
 * metadata)`, oslo's signature, so endpoints port as they are), an optional
 * `filterRule`, and return `NotificationResult.REQUEUE` (or throw) to have the
 * message delivered again when `allowRequeue` is on.
 *
 * Each (target, priority, pool) is a durable JetStream consumer: listeners of
 * the same pool share its messages, every pool (and the default, pool-less
 * group) gets each message. The default group's consumer, when first made,
 * delivers everything the stream still holds (bounded by the stream's limits,
 * 24 h by default), as oslo's notifier declares the default queue itself so
 * that it holds what was sent before any listener; a pool's queue is its
 * listeners', so a new pool starts with new messages. A consumer that exists
 * resumes where it stopped, so nothing stored meanwhile is lost. The default
 * group's consumer has a name no pool can take. A message is never given twice to the same
 * endpoint by one listener, even when JetStream redelivers it (a lost ack, a
 * requeue by a later endpoint); an expired one (`Oslo-Expires-At`) is dropped
 * and counted, never delivered.
 *
 * @module
 */
import { JetStream } from "./jetstream.ts";
import { defaultLogger, type Logger } from "./logger.ts";
import type { NotificationFilter } from "./notification_filter.ts";
import { EXPIRES_HEADER, type NotificationMessage } from "./notification_message.ts";
import {
  DEFAULT_NOTIFICATION_STREAM,
  ensureNotificationStream,
  listenSite,
  type NotificationStreamLimits,
  pickStreamLimits,
  SourcesPendingError,
} from "./notification_streams.ts";
import { PRIORITIES, type Priority } from "./notifier.ts";
import { pullConsumer, type PulledMessage, type PullLoop } from "./pull_consumer.ts";
import { type Context, NoOpSerializer, type Serializer } from "./serializer.ts";
import { type MessagingStats, newStats, withTransport } from "./stats.ts";
import { notificationFilter } from "./subjects.ts";
import { Target, type TargetFields } from "./target.ts";
import type { Transport } from "./transport.ts";
import { consumerName, defaultGroupStart, SeenSet } from "./listener_support.ts";

/** What an endpoint method returns. */
export const NotificationResult = { HANDLED: "handled", REQUEUE: "requeue" } as const;
/** `handled` or `requeue`. */
export type NotificationResultValue = typeof NotificationResult[keyof typeof NotificationResult];

/** `{message_id, timestamp}`, as oslo passes it. */
export interface NotificationMetadata {
  message_id: string;
  timestamp: string;
}

/** An endpoint method (oslo's signature). */
export type NotificationHandler = (
  ctxt: Context,
  publisherId: string | null,
  eventType: string,
  payload: unknown,
  metadata: NotificationMetadata,
) => NotificationResultValue | void | Promise<NotificationResultValue | void>;

/** A notification endpoint: a method per priority it handles, and an optional filter. */
export type NotificationEndpoint = { [P in Priority]?: NotificationHandler } & {
  filterRule?: NotificationFilter;
};

/** Options of a {@linkcode NotificationListener}; the limits apply to the stream it creates or updates. */
export interface NotificationListenerOptions extends NotificationStreamLimits {
  /** Pool name: listeners of one pool share messages; each pool gets them all (not ""). */
  pool?: string;
  /** Deliver a message again when an endpoint asks (default false: it is acked anyway). */
  allowRequeue?: boolean;
  /** Payload and context conversion. */
  serializer?: Serializer;
  /** Messages handled at once per consumer (default 64). */
  executorPoolSize?: number;
  /** Exchange for targets without one (default "openstack"). */
  exchange?: string;
  /** Stream name (default `OSLO_NOTIFICATIONS`). */
  stream?: string;
  /** JetStream domain of the stream (default: the connected server's). */
  domain?: string;
  /** Site whose stream is read (default "hub": the stream with every site's notifications). */
  site?: string;
  /** Create the stream when missing (default true). */
  ensureStream?: boolean;
  /** Leaf sites (JetStream domains) whose streams the hub's stream sources (added if missing). */
  sourceSites?: readonly string[];
  /** Milliseconds between attempts to source a leaf site that did not answer (default 5000). */
  sourceRetry?: number;
  /** Milliseconds before an unacknowledged message is redelivered (default 30000). */
  ackWait?: number;
  /** Message ids remembered to refuse repeats (default 10000). */
  dedupeWindow?: number;
  /** Where to log. */
  log?: Logger;
}

/** Counters of a listener. */
export interface NotificationListenerStats extends MessagingStats {
  /** Endpoint calls made. */
  delivered: number;
  /** Messages handed back for redelivery. */
  requeued: number;
  /** Repeats refused (already given to the endpoint). */
  duplicates: number;
  /** Messages no endpoint's filter accepted. */
  filtered: number;
  /** Endpoint calls that threw. */
  errors: number;
}

/** Listens for notifications on targets and dispatches them to endpoints by priority. */
export class NotificationListener implements AsyncDisposable {
  readonly targets: readonly Target[];
  readonly endpoints: readonly NotificationEndpoint[];
  #t: Transport;
  #js: JetStream;
  #o: NotificationListenerOptions;
  #log: Logger;
  #loops: PullLoop[] = [];
  #running = false;
  #from = "";
  #retry: ReturnType<typeof setTimeout> | undefined;
  #stopping: Promise<void> | undefined;
  #seen: SeenSet;
  #c = {
    ...newStats(),
    delivered: 0,
    requeued: 0,
    duplicates: 0,
    filtered: 0,
    errors: 0,
  };

  constructor(
    transport: Transport,
    targets: readonly (Target | TargetFields)[],
    endpoints: readonly NotificationEndpoint[],
    options: NotificationListenerOptions = {},
  ) {
    this.targets = targets.map((t) => t instanceof Target ? t : new Target(t));
    for (const t of this.targets) {
      if (!t.topic) {
        throw new TypeError(`Cannot listen on ${t}: a notification target needs a topic`);
      }
    }
    if (options.pool !== undefined && (typeof options.pool !== "string" || options.pool === "")) {
      throw new TypeError(
        `Cannot listen in pool ${
          JSON.stringify(options.pool)
        }: name the pool, or leave pool out for the default group`,
      );
    }
    this.endpoints = endpoints;
    this.#t = transport;
    this.#o = options;
    this.#log = options.log ?? defaultLogger;
    this.#js = new JetStream(transport, options.domain ? { domain: options.domain } : {});
    this.#seen = new SeenSet(options.dedupeWindow ?? 10_000);
  }

  /** Priorities some endpoint handles. */
  get priorities(): Priority[] {
    return PRIORITIES.filter((p) => this.endpoints.some((e) => typeof e[p] === "function"));
  }

  /**
   * Creates the durable consumers (and the stream, unless told not to) and
   * starts pulling. Leaf sites that cannot be reached yet are sourced later, by
   * themselves (retried every `sourceRetry` ms).
   */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#stopping = undefined;
    await this.#consume(await this.#streamSite());
  }

  async #streamSite(): Promise<string> {
    const stream = this.#o.stream ?? DEFAULT_NOTIFICATION_STREAM;
    const site = this.#o.site ?? "hub";
    if (this.#o.ensureStream === false) return await listenSite(this.#js, stream, site);
    try {
      return await ensureNotificationStream(this.#js, {
        site,
        stream,
        ...(this.#o.sourceSites ? { sourceDomains: this.#o.sourceSites } : {}),
        ...pickStreamLimits(this.#o),
      });
    } catch (e) {
      if (!(e instanceof SourcesPendingError)) throw e;
      this.#log("warning", `${e.message}; retrying`);
      clearTimeout(this.#retry);
      this.#retry = setTimeout(() => this.#resource(), this.#o.sourceRetry ?? 5000);
      return e.listenSite;
    }
  }

  /** Tries the pending sources again; re-creates the consumers if their filter must widen. */
  async #resource(): Promise<void> {
    if (!this.#running) return;
    try {
      const from = await this.#streamSite();
      if (from !== this.#from && this.#running) {
        await Promise.all(this.#loops.splice(0).map((l) => l.stop()));
        await this.#consume(from);
      }
    } catch (e) {
      this.#log("warning", `Cannot update notification sources: ${(e as Error).message}`);
      this.#retry = setTimeout(() => this.#resource(), this.#o.sourceRetry ?? 5000);
    }
  }

  async #consume(from: string): Promise<void> {
    this.#from = from;
    const stream = this.#o.stream ?? DEFAULT_NOTIFICATION_STREAM;
    for (const target of this.targets) {
      const exchange = target.exchange ?? this.#o.exchange ?? "openstack";
      for (const priority of this.priorities) {
        const topic = target.topic as string;
        const pool = this.#o.pool;
        const name = consumerName(pool ?? null, exchange, topic, priority);
        // The default group delivers what the stream holds; a new pool starts from now.
        const start = pool === undefined
          ? await defaultGroupStart(this.#js, stream, name, { exchange, topic, priority })
          : undefined;
        await this.#js.ensureDurable(stream, {
          name,
          filterSubject: notificationFilter(exchange, topic, priority, from),
          ackWait: this.#o.ackWait ?? 30_000,
          deliverNew: pool !== undefined,
          ...(start ? { startSeq: start } : {}),
        });
        this.#loops.push(
          pullConsumer(this.#js, { stream, consumer: name }, (m) => this.#handle(m), {
            batch: this.#o.executorPoolSize ?? 64,
            onError: (e) => this.#log("warning", e),
          }),
        );
      }
    }
  }

  /** Stops pulling; messages being handled finish (see {@linkcode wait}). */
  stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#retry);
    const loops = this.#loops.splice(0);
    this.#stopping ??= Promise.all(loops.map((l) => l.stop())).then(() => {});
    return Promise.resolve();
  }

  /** Resolves once stopped and every message taken has been handled. */
  async wait(): Promise<void> {
    await this.#stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
    await this.wait();
  }

  /** Counters and the connection's state. */
  stats(): NotificationListenerStats {
    return withTransport({ ...this.#c }, this.#t);
  }

  async #handle(m: PulledMessage): Promise<void> {
    this.#c.received++;
    const expires = Number(m.headers[EXPIRES_HEADER] ?? 0);
    if (expires && Date.now() > expires) {
      this.#c.expired++;
      m.ack();
      return;
    }
    let body: { context?: Context; message?: NotificationMessage };
    try {
      body = m.json();
    } catch {
      this.#log("warning", `Dropped an unreadable notification on ${m.subject}`);
      m.ack();
      return;
    }
    const msg = body.message;
    const priority = String(msg?.priority ?? "").toLowerCase() as Priority;
    if (!msg || !PRIORITIES.includes(priority)) {
      this.#log("warning", `Unknown priority "${priority}"`);
      m.ack();
      return;
    }
    const serializer = this.#o.serializer ?? new NoOpSerializer();
    const ctxt = serializer.deserializeContext(body.context ?? {});
    const payload = serializer.deserializeEntity(ctxt, msg.payload);
    const metadata = { message_id: msg.message_id, timestamp: msg.timestamp };
    let matched = false;
    for (const [i, ep] of this.endpoints.entries()) {
      const fn = ep[priority];
      if (typeof fn !== "function") continue;
      const f = ep.filterRule ?? (ep as { filter_rule?: NotificationFilter }).filter_rule;
      if (f && !f.match(ctxt, msg.publisher_id, msg.event_type, metadata, payload)) continue;
      matched = true;
      if (this.#seen.has(msg.message_id, i)) {
        this.#c.duplicates++;
        continue;
      }
      let result: NotificationResultValue | void;
      try {
        this.#c.delivered++;
        result = await fn.call(ep, ctxt, msg.publisher_id, msg.event_type, payload, metadata);
      } catch (e) {
        this.#c.errors++;
        this.#log("error", `Notification endpoint raised: ${(e as Error).message}`);
        result = NotificationResult.REQUEUE;
      }
      if (result === NotificationResult.REQUEUE) {
        // As oslo: the first REQUEUE stops the remaining endpoints.
        if (this.#o.allowRequeue) {
          this.#c.requeued++;
          m.nak();
        } else m.ack();
        return;
      }
      this.#seen.add(msg.message_id, i);
    }
    if (!matched) this.#c.filtered++;
    m.ack();
  }
}
