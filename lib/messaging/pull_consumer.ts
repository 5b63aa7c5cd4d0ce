/**
 * A pull loop on a durable JetStream consumer, over the transport seam. Each
 * pull asks for a batch with an expiry and idle heartbeats; a pull that goes
 * quiet (lost on a reconnect, a leaf link cut) is replaced by a new one, so the
 * loop recovers by itself. Messages are handed to the handler one batch at a
 * time; the next pull waits until the batch is handled (back-pressure).
 *
 * @module
 */
import type { JetStream } from "./jetstream.ts";
import type { Message, MessageHeaders, Subscription } from "./transport.ts";

/** A message pulled from a stream. */
export interface PulledMessage {
  /** Subject it was published on. */
  readonly subject: string;
  /** Payload. */
  readonly data: Uint8Array;
  /** Headers. */
  readonly headers: MessageHeaders;
  /** How many times it has been delivered (1 the first time). */
  readonly deliveries: number;
  /** Its sequence in the stream. */
  readonly streamSeq: number;
  /** Payload parsed as JSON. */
  json<T = unknown>(): T;
  /** Done with it: never delivered again. */
  ack(): void;
  /** Deliver it again later (`delay` ms). */
  nak(delay?: number): void;
}

/** Options of {@linkcode pullConsumer}. */
export interface PullOptions {
  /** Messages per pull (default 64). */
  batch?: number;
  /** Milliseconds a pull waits for messages (default 5000). */
  expires?: number;
  /** Milliseconds between the server's idle heartbeats (default 1000). */
  heartbeat?: number;
  /** Called with problems (JetStream unreachable, consumer deleted). */
  onError?: (message: string) => void;
}

/** A running pull loop. */
export interface PullLoop {
  /** Stops pulling and waits for the messages being handled. */
  stop(): Promise<void>;
}

function ackInfo(reply: string): { deliveries: number; streamSeq: number } {
  const t = reply.split(".");
  const base = t.length === 9 ? 2 : 4; // $JS.ACK.<stream>... or $JS.ACK.<domain>.<hash>.<stream>...
  return { deliveries: Number(t[base + 2] ?? 1), streamSeq: Number(t[base + 3] ?? 0) };
}

function pulled(m: Message, settle: (verb: string) => void): PulledMessage {
  const { deliveries, streamSeq } = ackInfo(m.reply ?? "");
  return {
    subject: m.subject,
    data: m.data,
    get headers() {
      return m.headers;
    },
    deliveries,
    streamSeq,
    json: <T>() => m.json<T>(),
    ack: () => settle("+ACK"),
    nak: (delay?: number) =>
      settle(delay ? `-NAK ${JSON.stringify({ delay: delay * 1_000_000 })}` : "-NAK"),
  };
}

/**
 * Pulls from `stream`'s durable `consumer` until stopped. The handler may ack or
 * nak; a message it leaves unsettled is acked when it returns, and nak'ed when it throws.
 */
export function pullConsumer(
  js: JetStream,
  target: { stream: string; consumer: string },
  handler: (msg: PulledMessage) => Promise<void> | void,
  options: PullOptions = {},
): PullLoop {
  const t = js.transport;
  const batch = options.batch ?? 64;
  const expires = options.expires ?? 5000;
  const heartbeat = Math.min(options.heartbeat ?? 1000, expires / 2);
  const next = `${js.prefix}.CONSUMER.MSG.NEXT.${target.stream}.${target.consumer}`;
  const inbox = t.inbox();
  let pullId = 0;
  let outstanding = 0; // messages the current pull may still bring
  let running = 0; // handlers not finished
  let lastSeen = Date.now();
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let idle: (() => void) | undefined;

  const pull = () => {
    if (stopped || running > 0) return;
    clearTimeout(retryTimer);
    if (t.closed) return void stopLoop();
    pullId++;
    outstanding = batch;
    lastSeen = Date.now();
    try {
      t.publish(
        next,
        JSON.stringify({
          batch,
          expires: expires * 1_000_000,
          idle_heartbeat: heartbeat * 1_000_000,
        }),
        { reply: `${inbox}.${pullId}` },
      );
    } catch (e) {
      options.onError?.(`pull from ${target.stream}/${target.consumer}: ${(e as Error).message}`);
    }
  };
  const pullLater = (ms: number) => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(pull, ms);
  };

  const handle = async (m: Message) => {
    let settled = false;
    const settle = (verb: string) => {
      if (settled || !m.reply || t.closed) return;
      settled = true;
      try {
        t.publish(m.reply, verb);
      } catch { /* the connection closed: JetStream redelivers after ackWait */ }
    };
    const msg = pulled(m, settle);
    try {
      await handler(msg);
      settle("+ACK");
    } catch {
      settle("-NAK");
    }
  };

  const sub: Subscription = t.subscribe(`${inbox}.*`, (m) => {
    lastSeen = Date.now();
    const current = m.subject === `${inbox}.${pullId}`;
    const status = m.status;
    if (status) {
      if (!current || status.code === 100) return; // heartbeat, or the end of a replaced pull
      if (status.code === 404 || status.code === 408) outstanding = 0;
      else {
        options.onError?.(
          `pull from ${target.stream}/${target.consumer}: ${status.code} ${status.description}`,
        );
        outstanding = 0;
        pullLater(1000);
        return;
      }
      if (running === 0) pull();
      return;
    }
    if (stopped) {
      if (m.reply && !t.closed) t.publish(m.reply, "-NAK"); // another member of the pool takes it now
      return;
    }
    if (current) outstanding--;
    running++;
    handle(m).finally(() => {
      running--;
      if (running === 0) {
        if (stopped) idle?.();
        else if (outstanding <= 0 || Date.now() - lastSeen > 2 * heartbeat) pull();
      }
    });
  });

  // A pull that went quiet (lost across a reconnect or a cut link) is replaced.
  const watchdog = setInterval(() => {
    if (running === 0 && Date.now() - lastSeen > 2 * heartbeat + 500) pull();
  }, heartbeat);
  const stopLoop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(watchdog);
    clearTimeout(retryTimer);
    if (running > 0) await new Promise<void>((resolve) => (idle = resolve));
    if (!t.closed) sub.unsubscribe();
  };
  pull();

  return { stop: stopLoop };
}
