/**
 * The RPC server, after oslo.messaging's `RPCServer`: listens on its target's
 * topic and on `topic.server.<name>` (each as one of a queue group, so servers
 * sharing a name share its calls, as oslo's share one queue per server name:
 * a directed call runs once) and on the topic's fanout subject (every server); runs calls on a concurrent executor; heartbeats long calls
 * whose caller asked for it; drops messages whose TTL passed before they could
 * run; `stop()` stops taking messages (draining what the NATS server already
 * sent) and `wait()` waits for those taken.
 *
 * A call waits in the executor's queue when `executorPoolSize` calls already
 * run; heartbeats start only once it runs, so a caller whose
 * `callMonitorTimeout` is shorter than that wait fails with
 * `HeartbeatTimeoutError` although the server is alive.
 *
 * Delivery is at most once, as oslo's (which acknowledges before dispatching):
 * a call taken by a server that dies is not sent again; its caller times out.
 *
 * @module
 */
import { type RpcCallHook, startCall } from "./call_hook.ts";
import { InvalidTargetError } from "./errors.ts";
import { Executor } from "./executor.ts";
import { type ErrorClass, isExpected, toFailure } from "./remote_error.ts";
import { type AccessPolicy, type Endpoint, RPCDispatcher } from "./rpc_dispatcher.ts";
import { decodeRequest, type RpcReply, type RpcRequest } from "./rpc_wire.ts";
import { NoOpSerializer, type Serializer } from "./serializer.ts";
import { type MessagingStats, newStats, withTransport } from "./stats.ts";
import { rpcSubject } from "./subjects.ts";
import { Target, type TargetFields } from "./target.ts";
import type { Message, Subscription, Transport } from "./transport.ts";
import { defaultLogger, type Logger } from "./logger.ts";

/** Options of an {@linkcode RPCServer}. */
export interface RPCServerOptions {
  /** Entity and context conversion (default: none). */
  serializer?: Serializer;
  /** Which methods may be called (default `default`: not `_private` ones). */
  accessPolicy?: AccessPolicy;
  /** Calls run at once (oslo's `executor_thread_pool_size`, default 64). */
  executorPoolSize?: number;
  /** Exchange when the target has none (oslo's `control_exchange`, default "openstack"). */
  exchange?: string;
  /** Adds `oslo_rpc_server_ping` answering "pong" (oslo's `rpc_ping_enabled`). */
  pingEnabled?: boolean;
  /** Errors the endpoints raise on purpose: logged at debug only, not as errors with their stack. */
  expectedErrors?: readonly (ErrorClass | string)[];
  /** Send an endpoint error's stack trace to the caller (default false: name and message only). */
  sendTraceback?: boolean;
  /** Shortest heartbeat interval in ms (default 100); a caller asking for less gets none. */
  minHeartbeatInterval?: number;
  /** Where to log (default: warnings and errors to stderr). */
  log?: Logger;
  /** Told when each call or cast starts and ends (metrics); not for expired or malformed messages. */
  onCall?: RpcCallHook;
}

/** Counters of a server. */
export interface RPCServerStats extends MessagingStats {
  /** Calls and casts run to completion (with a result or an error). */
  handled: number;
  /** Runs that ended in an error. */
  failed: number;
  /** Heartbeats sent. */
  heartbeats: number;
  /** Messages that could not be read. */
  malformed: number;
  /** Runs in progress now. */
  active: number;
}

/**
 * Serves a target's calls and casts with a list of endpoints.
 *
 * @example
 * ```ts ignore
 * import { connectTransport, RPCServer, Target } from "./mod.ts";
 *
 * await using t = await connectTransport("nats://127.0.0.1:4222/");
 * const server = new RPCServer(t, new Target({ topic: "compute", server: "node1" }), [
 *   { add: (_ctxt: unknown, { a, b }: { a: number; b: number }) => a + b },
 * ]);
 * await server.start();
 * // ...
 * await server.stop();
 * await server.wait();
 * ```
 */
export class RPCServer implements AsyncDisposable {
  readonly target: Target;
  #t: Transport;
  #dispatcher: RPCDispatcher;
  #executor: Executor;
  #o: RPCServerOptions;
  #log: Logger;
  #subs: Subscription[] = [];
  #state: "new" | "running" | "stopped" = "new";
  #stopped: Promise<void>;
  #markStopped!: () => void;
  #c = { ...newStats(), handled: 0, failed: 0, heartbeats: 0, malformed: 0 };

  constructor(
    transport: Transport,
    target: Target | TargetFields,
    endpoints: readonly Endpoint[],
    options: RPCServerOptions = {},
  ) {
    this.target = target instanceof Target ? target : new Target(target);
    if (!this.target.topic || !this.target.server) {
      throw new InvalidTargetError(
        `Cannot serve ${this.target}: a server target needs a topic and a server name`,
      );
    }
    this.#t = transport;
    this.#o = options;
    this.#log = options.log ?? defaultLogger;
    this.#dispatcher = new RPCDispatcher(endpoints, {
      serializer: options.serializer ?? new NoOpSerializer(),
      ...(options.accessPolicy ? { accessPolicy: options.accessPolicy } : {}),
      ...(options.pingEnabled ? { pingEnabled: true } : {}),
      warn: (m) => this.#log("warning", m),
    });
    this.#executor = new Executor(
      options.executorPoolSize ?? 64,
      (e) => this.#log("error", `RPC server ${this.target}: ${(e as Error).message}`),
    );
    this.#stopped = new Promise((resolve) => (this.#markStopped = resolve));
  }

  /** The endpoints, with the ping endpoint when enabled. */
  get endpoints(): readonly Endpoint[] {
    return this.#dispatcher.endpoints;
  }

  /** Subscribes and waits until the local server has the subscriptions. */
  async start(): Promise<void> {
    if (this.#state === "running") return;
    if (this.#state === "stopped") {
      this.#stopped = new Promise((resolve) => (this.#markStopped = resolve));
    }
    const t = this.target;
    const exchange = t.exchange ?? this.#o.exchange ?? "openstack";
    const topic = t.topic as string;
    const on = (m: Message) => this.#receive(m);
    const queue = rpcSubject(exchange, topic);
    const direct = rpcSubject(exchange, topic, { server: t.server });
    this.#subs = [
      this.#t.subscribe(queue, on, { queue }),
      this.#t.subscribe(direct, on, { queue: direct }),
      this.#t.subscribe(rpcSubject(exchange, topic, { fanout: true }), on),
    ];
    this.#state = "running";
    await this.#t.flush();
  }

  /**
   * Stops taking messages: drains the subscriptions, so every message the NATS
   * server sent before it learnt of the stop is still taken (and runs, see
   * {@linkcode wait}) rather than dropped, and nothing new comes after. Resolves
   * once the subscriptions are gone.
   */
  async stop(): Promise<void> {
    if (this.#state !== "running") return;
    this.#state = "stopped";
    const subs = this.#subs.splice(0);
    const markStopped = this.#markStopped; // a start() meanwhile makes a new one
    try {
      await Promise.all(subs.map((s) => s.drain()));
    } finally {
      markStopped();
    }
  }

  /** Resolves once stopped and every message taken has been handled. */
  async wait(): Promise<void> {
    if (this.#state === "running") {
      this.#log(
        "warning",
        `wait() called on running RPC server ${this.target}: waiting for stop()`,
      );
    }
    if (this.#state !== "new") await this.#stopped;
    await this.#executor.idle();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
    await this.wait();
  }

  /** Counters and the connection's state. */
  stats(): RPCServerStats {
    return withTransport({ ...this.#c, active: this.#executor.active }, this.#t);
  }

  #receive(m: Message): void {
    if (m.status) return;
    this.#c.received++;
    this.#executor.run(() => this.#process(m));
  }

  #reply(m: Message, reply: RpcReply): void {
    if (!m.reply) return;
    m.respond(JSON.stringify(reply));
    this.#c.sent++;
  }

  async #process(m: Message): Promise<void> {
    let req: RpcRequest;
    try {
      req = decodeRequest(m.string());
    } catch (e) {
      this.#c.malformed++;
      this.#log("warning", `RPC server ${this.target}: ${(e as Error).message}`);
      this.#reply(m, { failure: toFailure(e) });
      return;
    }
    if (req.expires !== undefined && Date.now() > req.expires) {
      this.#c.expired++;
      this.#log("debug", `dropped expired "${req.method}" (${Date.now() - req.expires} ms late)`);
      return;
    }
    let beat: ReturnType<typeof setInterval> | undefined;
    const interval = (req.monitor ?? 0) / 2;
    if (m.reply && interval > 0) {
      if (interval >= (this.#o.minHeartbeatInterval ?? 100)) {
        beat = setInterval(() => {
          m.respond();
          this.#c.heartbeats++;
        }, interval);
      } else {
        this.#log(
          "warning",
          `caller asked for heartbeats every ${interval} ms: too often, none sent`,
        );
      }
    }
    const end = startCall(this.#o.onCall, {
      callType: m.reply ? "call" : "cast",
      target: this.target,
      exchange: this.target.exchange ?? this.#o.exchange ?? "openstack",
      method: req.method,
      namespace: req.namespace,
      version: req.version,
    }, { log: this.#log });
    try {
      const result = await this.#dispatcher.dispatch(req.context, req);
      clearInterval(beat);
      this.#reply(m, { result: result ?? null });
      end();
    } catch (e) {
      clearInterval(beat);
      end(e);
      this.#c.failed++;
      const expected = e instanceof Error && isExpected(e, this.#o.expectedErrors ?? []);
      if (expected) {
        this.#log(
          "debug",
          `RPC method "${req.method}" on ${this.target} raised ${(e as Error).name}`,
        );
      } else {
        this.#log(
          "error",
          `RPC method "${req.method}" on ${this.target} failed: ${
            e instanceof Error ? (e.stack ?? e.message) : String(e)
          }`,
        );
      }
      this.#reply(m, { failure: toFailure(e, { traceback: this.#o.sendTraceback === true }) });
    } finally {
      this.#c.handled++;
    }
  }
}
