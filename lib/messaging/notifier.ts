/**
 * The notifier, after oslo.messaging's `Notifier`: one method per priority,
 * each sending `{message_id, publisher_id, event_type, priority, payload,
 * timestamp}` with the request context sanitised to oslo's safe keys, through
 * its drivers: `messaging` (stored in the site's JetStream stream, retried per
 * `retry` until stored), `log`, `noop`, or your own. A driver's failure is
 * logged and reported as `false`, never thrown (as in oslo).
 *
 * @module
 */
import { JetStream } from "./jetstream.ts";
import { defaultLogger, type Logger } from "./logger.ts";
import {
  logDriver,
  messagingDriver,
  noopDriver,
  type NotificationDriver,
} from "./notify_drivers.ts";
import { type NotificationMessage, pythonUtcNow, sanitizeContext } from "./notification_message.ts";
import { type Context, NoOpSerializer, type Serializer } from "./serializer.ts";
import { type MessagingStats, newStats, withTransport } from "./stats.ts";
import type { Transport } from "./transport.ts";
import type { NotificationStreamLimits } from "./notification_streams.ts";

/** Key under which prepared copies receive their parent's core. */
const SHARED = Symbol("shared");

/** Notification priorities, lower case, as endpoint methods are named. */
export const PRIORITIES = [
  "audit",
  "debug",
  "info",
  "warn",
  "error",
  "critical",
  "sample",
] as const;
/** One of {@linkcode PRIORITIES}. */
export type Priority = typeof PRIORITIES[number];

/** Options of a {@linkcode Notifier}; the limits apply to the site's stream it creates or updates. */
export interface NotifierOptions extends NotificationStreamLimits {
  /** `publisher_id` of every message (`compute.host1`). */
  publisherId?: string;
  /** Drivers by name (`messaging`, `messagingv2`, `log`, `noop`) or object (default `["messaging"]`). */
  driver?: string | readonly (string | NotificationDriver)[];
  /** Topics each message goes to (default `["notifications"]`). */
  topics?: readonly string[];
  /** Retries until stored: -1 forever (default), 0 none, N at most N. */
  retry?: number;
  /** Milliseconds a message stays deliverable; listeners drop it later (default: none). */
  ttl?: number;
  /** Payload and context conversion. */
  serializer?: Serializer;
  /** Exchange (oslo's `control_exchange`, default "openstack"). */
  exchange?: string;
  /** This site's name: a leaf node's JetStream domain, or "hub" (default). */
  site?: string;
  /** Stream name (default `OSLO_NOTIFICATIONS`). */
  stream?: string;
  /** Create the site's stream when missing (default true). */
  ensureStream?: boolean;
  /** Milliseconds one store attempt waits for JetStream (default 5000). */
  publishTimeout?: number;
  /** Where to log. */
  log?: Logger;
}

/** Counters of a notifier (shared by its prepared copies). */
export interface NotifierStats extends MessagingStats {
  /** Messages a driver failed to send after its retries. */
  failed: number;
  /** Store attempts made again. */
  retries: number;
  /** Stores JetStream recognised as repeats (`Nats-Msg-Id`). */
  duplicates: number;
}

/** What drivers share. */
export interface NotifierCore {
  transport: Transport | undefined;
  js: JetStream | undefined;
  options: NotifierOptions;
  log: Logger;
  counters: Omit<NotifierStats, "reconnects" | "connected">;
  streamReady: Promise<unknown> | undefined;
}

function driversOf(spec: NotifierOptions["driver"]): NotificationDriver[] {
  const list = spec === undefined ? ["messaging"] : typeof spec === "string" ? [spec] : spec;
  return list.map((d) => {
    if (typeof d !== "string") return d;
    if (d === "messaging" || d === "messagingv2") return messagingDriver;
    if (d === "log") return logDriver;
    if (d === "noop") return noopDriver;
    throw new TypeError(
      `Cannot use notification driver "${d}": use messaging, messagingv2, log or noop`,
    );
  });
}

/**
 * Sends notifications.
 *
 * @example
 * ```ts ignore
 * const notifier = new Notifier(transport, { publisherId: "compute.host1", site: "leaf1" });
 * await notifier.info({ user_id: "u" }, "compute.instance.create.end", { id: "i-1" });
 * ```
 */
export class Notifier {
  readonly publisherId: string | undefined;
  readonly retry: number;
  readonly ttl: number | undefined;
  readonly drivers: readonly NotificationDriver[];
  #core: NotifierCore;

  /** `transport` may be undefined when only `log`/`noop` drivers are used. */
  constructor(transport: Transport | undefined, options: NotifierOptions = {}) {
    this.drivers = driversOf(options.driver);
    this.publisherId = options.publisherId;
    this.retry = options.retry ?? -1;
    this.ttl = options.ttl;
    const shared = (options as { [SHARED]?: NotifierCore })[SHARED];
    this.#core = shared ?? {
      transport,
      js: transport
        ? new JetStream(transport, { timeout: options.publishTimeout ?? 5000 })
        : undefined,
      options,
      log: options.log ?? defaultLogger,
      counters: { ...newStats(), failed: 0, retries: 0, duplicates: 0 },
      streamReady: undefined,
    };
  }

  /** A copy with another publisher id, retry or TTL, sharing the connection and counters. */
  prepare(o: { publisherId?: string; retry?: number; ttl?: number | undefined }): Notifier {
    const options: NotifierOptions & { [SHARED]: NotifierCore } = {
      ...this.#core.options,
      driver: this.drivers,
      [SHARED]: this.#core,
    };
    const pid = "publisherId" in o ? o.publisherId : this.publisherId;
    if (pid !== undefined) options.publisherId = pid;
    options.retry = o.retry ?? this.retry;
    const ttl = "ttl" in o ? o.ttl : this.ttl;
    if (ttl !== undefined) options.ttl = ttl;
    else delete options.ttl;
    return new Notifier(this.#core.transport, options);
  }

  /** False only when the drivers are exactly `noop` (oslo's `is_enabled`). */
  isEnabled(): boolean {
    return !(this.drivers.length === 1 && this.drivers[0] === noopDriver);
  }

  /** Sends at `priority`; resolves true when every driver sent it. */
  async notify(
    ctxt: Context,
    eventType: string,
    payload: unknown,
    priority: Priority,
  ): Promise<boolean> {
    const o = this.#core.options;
    const serializer = o.serializer ?? new NoOpSerializer();
    const message: NotificationMessage = {
      message_id: crypto.randomUUID(),
      publisher_id: this.publisherId ?? null,
      event_type: eventType,
      priority: priority.toUpperCase(),
      payload: serializer.serializeEntity(ctxt, payload),
      timestamp: pythonUtcNow(),
    };
    const wireCtxt = serializer.serializeContext(sanitizeContext(ctxt));
    let ok = true;
    for (const driver of this.drivers) {
      try {
        const sent = await driver.notify(this.#core, wireCtxt, message, {
          retry: this.retry,
          ...(this.ttl ? { ttl: this.ttl } : {}),
        });
        if (!sent) ok = false;
      } catch (e) {
        ok = false;
        this.#core.counters.failed++;
        this.#core.log(
          "error",
          `Problem "${
            (e as Error).message
          }" attempting to send to notification system (event ${eventType})`,
        );
      }
    }
    return ok;
  }

  /** Priority AUDIT. */
  audit(ctxt: Context, eventType: string, payload: unknown): Promise<boolean> {
    return this.notify(ctxt, eventType, payload, "audit");
  }
  /** Priority DEBUG. */
  debug(ctxt: Context, eventType: string, payload: unknown): Promise<boolean> {
    return this.notify(ctxt, eventType, payload, "debug");
  }
  /** Priority INFO. */
  info(ctxt: Context, eventType: string, payload: unknown): Promise<boolean> {
    return this.notify(ctxt, eventType, payload, "info");
  }
  /** Priority WARN. */
  warn(ctxt: Context, eventType: string, payload: unknown): Promise<boolean> {
    return this.notify(ctxt, eventType, payload, "warn");
  }
  /** Priority WARN (oslo's alias). */
  warning(ctxt: Context, eventType: string, payload: unknown): Promise<boolean> {
    return this.notify(ctxt, eventType, payload, "warn");
  }
  /** Priority ERROR. */
  error(ctxt: Context, eventType: string, payload: unknown): Promise<boolean> {
    return this.notify(ctxt, eventType, payload, "error");
  }
  /** Priority CRITICAL. */
  critical(ctxt: Context, eventType: string, payload: unknown): Promise<boolean> {
    return this.notify(ctxt, eventType, payload, "critical");
  }
  /** Priority SAMPLE: frequent, small events. */
  sample(ctxt: Context, eventType: string, payload: unknown): Promise<boolean> {
    return this.notify(ctxt, eventType, payload, "sample");
  }

  /** Counters and the connection's state. */
  stats(): NotifierStats {
    const c = { ...this.#core.counters };
    return this.#core.transport
      ? withTransport(c, this.#core.transport)
      : { ...c, reconnects: 0, connected: false };
  }
}
