/**
 * Waits for call replies on one inbox per client (`<inbox>.<call id>`), with
 * oslo's call-monitor rule: each heartbeat restarts the monitor timer, a
 * missing heartbeat fails the call after `callMonitorTimeout`, and the overall
 * `timeout` holds regardless (`amqpdriver.ReplyWaiter.wait`). A send that finds
 * no server listening is sent again with back-off until the timeout, as a
 * broker queue would hold it until a server comes.
 *
 * @module
 */
import {
  ConnectionFailedError,
  HeartbeatTimeoutError,
  MessagingError,
  MessagingTimeout,
} from "./errors.ts";
import { type ErrorClass, fromFailure } from "./remote_error.ts";
import type { RpcReply } from "./rpc_wire.ts";
import type { Message, Subscription, Transport } from "./transport.ts";

interface Counters {
  sent: number;
  received: number;
  timeouts: number;
  heartbeatFailures: number;
  heartbeats: number;
  noResponders: number;
  remoteErrors: number;
}

/** Options of one call. */
export interface WaitOptions {
  /** Overall milliseconds. */
  timeout: number;
  /** Milliseconds without a heartbeat that fail the call. */
  callMonitorTimeout?: number;
  /** For error messages: `"method" on <Target ...>`. */
  what: string;
}

const decoder = new TextDecoder();

/** The reply inbox of one client. */
export class ReplyWaiter {
  #t: Transport;
  #allowed: ReadonlyMap<string, ErrorClass>;
  #c: Counters;
  #inbox = "";
  #sub: Subscription | undefined;
  #pending = new Map<string, { deliver: (m: Message) => void; fail: (e: Error) => void }>();
  #next = 0;

  constructor(transport: Transport, allowed: ReadonlyMap<string, ErrorClass>, counters: Counters) {
    this.#t = transport;
    this.#allowed = allowed;
    this.#c = counters;
  }

  #listen(): void {
    if (this.#sub) return;
    this.#inbox = this.#t.inbox();
    this.#sub = this.#t.subscribe(`${this.#inbox}.*`, (m) => {
      const id = m.subject.slice(this.#inbox.length + 1);
      this.#pending.get(id)?.deliver(m);
    });
  }

  /** Publishes `body` to `subject` and resolves to the reply's result. */
  call(subject: string, body: string, o: WaitOptions): Promise<unknown> {
    if (this.#t.closed) {
      return Promise.reject(
        new ConnectionFailedError(`Cannot call ${o.what}: the connection is closed`),
      );
    }
    this.#listen();
    const id = String(++this.#next);
    const reply = `${this.#inbox}.${id}`;
    const c = this.#c;
    const started = Date.now();
    return new Promise((resolve, reject) => {
      let monitorTimer: ReturnType<typeof setTimeout> | undefined;
      let resendTimer: ReturnType<typeof setTimeout> | undefined;
      let noResponders = 0;
      const finish = (err: Error | undefined, value?: unknown) => {
        clearTimeout(overall);
        clearTimeout(monitorTimer);
        clearTimeout(resendTimer);
        this.#pending.delete(id);
        if (err) reject(err);
        else resolve(value);
      };
      const send = () => {
        try {
          this.#t.publish(subject, body, { reply });
          c.sent++;
        } catch (e) {
          finish(
            new MessagingError(`Cannot send ${o.what}: ${(e as Error).message}`, { cause: e }),
          );
        }
      };
      const overall = setTimeout(() => {
        c.timeouts++;
        const why = noResponders > 0
          ? `: no server is listening on "${subject}"`
          : monitorTimer === undefined
          ? ""
          : " (the server was still sending heartbeats)";
        finish(
          new MessagingTimeout(
            `Timed out after ${o.timeout} ms waiting for a reply to ${o.what}${why}`,
          ),
        );
      }, o.timeout);
      const armMonitor = () => {
        if (!o.callMonitorTimeout) return;
        clearTimeout(monitorTimer);
        monitorTimer = setTimeout(() => {
          c.heartbeatFailures++;
          c.timeouts++;
          finish(
            new HeartbeatTimeoutError(
              `No heartbeat for ${o.callMonitorTimeout} ms from the server handling ${o.what}` +
                (noResponders > 0
                  ? `: no server is listening on "${subject}"`
                  : ": it is stuck or gone") +
                ` (after ${Date.now() - started} ms)`,
            ),
          );
        }, o.callMonitorTimeout);
      };
      const deliver = (m: Message) => {
        const status = m.status;
        if (status) {
          if (status.code !== 503) return;
          // Nobody listens (yet): send again with back-off while time remains.
          c.noResponders++;
          noResponders++;
          const wait = Math.min(25 * 2 ** Math.min(noResponders - 1, 4), 400);
          if (Date.now() - started + wait < o.timeout) resendTimer = setTimeout(send, wait);
          return;
        }
        c.received++;
        if (m.data.length === 0) {
          c.heartbeats++;
          armMonitor();
          return;
        }
        let parsed: RpcReply;
        try {
          parsed = JSON.parse(decoder.decode(m.data)) as RpcReply;
        } catch (e) {
          finish(
            new MessagingError(`Cannot parse the reply to ${o.what}: ${(e as Error).message}`),
          );
          return;
        }
        if (parsed.failure) {
          c.remoteErrors++;
          finish(fromFailure(parsed.failure, this.#allowed));
        } else finish(undefined, parsed.result);
      };
      this.#pending.set(id, { deliver, fail: (e) => finish(e) });
      armMonitor();
      send();
    });
  }

  /** Stops listening; calls still waiting fail now. */
  close(): void {
    this.#sub?.unsubscribe();
    this.#sub = undefined;
    for (const p of [...this.#pending.values()]) {
      p.fail(new ConnectionFailedError("Cannot wait for the reply: the client was closed"));
    }
  }
}
