/**
 * The RPC client, after oslo.messaging's `RPCClient`: `call` waits for the
 * result, `cast` does not, `prepare` overrides target fields and options for
 * some invocations. Replies come to one inbox per client (shared by its
 * prepared copies), heartbeats included.
 *
 * @module
 */
import { type RpcCallHook, startCall } from "./call_hook.ts";
import { InvalidTargetError, MessagingError, RPCVersionCapError } from "./errors.ts";
import { type AllowedErrors, allowList } from "./remote_error.ts";
import { ReplyWaiter } from "./reply_waiter.ts";
import { rpcSubject } from "./subjects.ts";
import { type Context, NoOpSerializer, type Serializer } from "./serializer.ts";
import { type MessagingStats, newStats, withTransport } from "./stats.ts";
import { Target, type TargetFields } from "./target.ts";
import type { Transport } from "./transport.ts";
import { ENVELOPE_VERSION, type RpcRequest } from "./rpc_wire.ts";
import { parseVersion, versionIsCompatible } from "./version.ts";

/** Options of an {@linkcode RPCClient}, and of {@linkcode RPCClient.prepare}. */
export interface RPCClientOptions {
  /** Milliseconds a call waits for its result (default 60000, oslo's `rpc_response_timeout`). */
  timeout?: number | undefined;
  /**
   * Milliseconds without a heartbeat after which a call fails with
   * `HeartbeatTimeoutError` (opt-in; the server then heartbeats every half of it).
   * The overall `timeout` still applies. Heartbeats start when the call runs:
   * one waiting in a busy server's executor queue gets none, so keep this above
   * the longest queueing expected.
   */
  callMonitorTimeout?: number | undefined;
  /** Highest version this client may send (`RPCVersionCapError` above it). */
  versionCap?: string | undefined;
  /** Milliseconds a cast stays valid; a server receiving it later drops it (default: none). */
  ttl?: number | undefined;
}

/** Options fixed at construction. */
export interface RPCClientInit extends RPCClientOptions {
  /** Entity and context conversion (default: none). */
  serializer?: Serializer;
  /** Exchange for targets without one (oslo's `control_exchange`, default "openstack"). */
  exchange?: string;
  /**
   * Error classes rebuilt as themselves when an endpoint throws them (oslo's
   * `allowed_remote_exmods`): classes, keyed by their `static module` and name
   * (`nova.exception.QuotaExceeded`) or by name alone when they declare no
   * module, or an object of such keys → classes.
   */
  allowedRemoteErrors?: AllowedErrors;
  /** Told when each call or cast starts and ends (metrics); shared by prepared copies. */
  onCall?: RpcCallHook;
}

/** Counters of a client (shared by its prepared copies). */
export interface RPCClientStats extends MessagingStats {
  /** Calls sent. */
  calls: number;
  /** Casts sent. */
  casts: number;
  /** Heartbeats received. */
  heartbeats: number;
  /** Sends that found no server listening (retried until the timeout). */
  noResponders: number;
  /** Calls that ended in an error raised by the endpoint or dispatcher. */
  remoteErrors: number;
}

type Counters = Omit<RPCClientStats, "reconnects" | "connected">;

/** The no-op serializer's entity method: arguments need no copy when it is in use. */
const NOOP_ENTITY = NoOpSerializer.prototype.serializeEntity;

/** Key under which prepared copies receive their parent's core. */
const SHARED = Symbol("shared");

interface Core {
  transport: Transport;
  serializer: Serializer;
  exchange: string;
  waiter: ReplyWaiter;
  counters: Counters;
  onCall: RpcCallHook | undefined;
}

/**
 * Invokes methods on RPC servers.
 *
 * @example Call and cast
 * ```ts ignore
 * import { connectTransport, RPCClient, Target } from "./mod.ts";
 *
 * await using t = await connectTransport("nats://127.0.0.1:4222/");
 * const client = new RPCClient(t, new Target({ topic: "compute", version: "1.0" }));
 * const n = await client.prepare({ timeout: 5000 }).call({}, "add", { a: 1, b: 2 });
 * await client.prepare({ fanout: true }).cast({}, "refresh");
 * ```
 */
export class RPCClient {
  readonly target: Target;
  readonly options: Readonly<RPCClientOptions>;
  #core: Core;
  /** False for prepared copies: the reply inbox belongs to the original. */
  #owner = true;

  constructor(transport: Transport, target: Target | TargetFields, init: RPCClientInit = {}) {
    this.target = target instanceof Target ? target : new Target(target);
    if (this.target.version !== undefined) parseVersion(this.target.version);
    this.options = {
      timeout: init.timeout,
      callMonitorTimeout: init.callMonitorTimeout,
      versionCap: init.versionCap,
      ttl: init.ttl,
    };
    const shared = (init as { [SHARED]?: Core })[SHARED];
    if (shared) {
      this.#core = shared;
      this.#owner = false;
      return;
    }
    const counters: Counters = {
      ...newStats(),
      calls: 0,
      casts: 0,
      heartbeats: 0,
      noResponders: 0,
      remoteErrors: 0,
    };
    this.#core = {
      transport,
      serializer: init.serializer ?? new NoOpSerializer(),
      exchange: init.exchange ?? "openstack",
      counters,
      onCall: init.onCall,
      waiter: new ReplyWaiter(transport, allowList(init.allowedRemoteErrors), counters),
    };
  }

  /** A copy with target fields and options overridden (the original is unchanged). */
  prepare(overrides: TargetFields & RPCClientOptions): RPCClient {
    const { timeout, callMonitorTimeout, versionCap, ttl, ...fields } = overrides;
    const options = { ...this.options };
    if ("timeout" in overrides) options.timeout = timeout;
    if ("callMonitorTimeout" in overrides) options.callMonitorTimeout = callMonitorTimeout;
    if ("versionCap" in overrides) options.versionCap = versionCap;
    if ("ttl" in overrides) options.ttl = ttl;
    return new RPCClient(this.#core.transport, this.target.with(fields), {
      ...options,
      [SHARED]: this.#core,
    } as RPCClientInit);
  }

  /** Whether `version` (the target's by default) is within the version cap. */
  canSendVersion(version: string | undefined = this.target.version): boolean {
    return versionIsCompatible(this.options.versionCap, version);
  }

  #message(ctxt: Context, method: string, args: Record<string, unknown>): RpcRequest {
    const t = this.target;
    if (!t.topic) {
      throw new InvalidTargetError(`Cannot send "${method}" to ${t}: a topic is required`);
    }
    if (!this.canSendVersion(t.version)) {
      throw new RPCVersionCapError(t.version ?? "", this.options.versionCap ?? "");
    }
    const s = this.#core.serializer;
    let wireArgs = args;
    if (!(s instanceof NoOpSerializer) || s.serializeEntity !== NOOP_ENTITY) {
      wireArgs = {};
      for (const [k, v] of Object.entries(args)) wireArgs[k] = s.serializeEntity(ctxt, v);
    }
    const msg: RpcRequest = {
      "oslo.version": ENVELOPE_VERSION,
      method,
      args: wireArgs,
      context: s.serializeContext(ctxt),
    };
    if (t.namespace !== undefined) msg.namespace = t.namespace;
    if (t.version !== undefined) msg.version = t.version;
    return msg;
  }

  #subjectCache: string | undefined;
  #subject(): string {
    const t = this.target;
    return this.#subjectCache ??= rpcSubject(
      t.exchange ?? this.#core.exchange,
      t.topic as string,
      t,
    );
  }

  /**
   * Invokes `method` and waits for its result. Throws `InvalidTargetError` for a
   * fanout target, `MessagingTimeout` after `timeout`, `HeartbeatTimeoutError`
   * when heartbeats stop, and the endpoint's error rebuilt (see `remote_error.ts`).
   */
  async call<T = unknown>(
    ctxt: Context,
    method: string,
    args: Record<string, unknown> = {},
  ): Promise<T> {
    if (this.target.fanout) {
      throw new InvalidTargetError(`A call cannot be used with fanout: ${this.target}`);
    }
    const msg = this.#message(ctxt, method, args);
    const timeout = this.options.timeout ?? 60_000;
    msg.expires = Date.now() + timeout;
    const monitor = this.options.callMonitorTimeout;
    if (monitor) msg.monitor = monitor;
    this.#core.counters.calls++;
    const end = this.#start("call", method, timeout);
    let result;
    try {
      result = await this.#core.waiter.call(this.#subject(), JSON.stringify(msg), {
        timeout,
        ...(monitor ? { callMonitorTimeout: monitor } : {}),
        what: `"${method}" on ${this.target}`,
      });
    } catch (e) {
      end(e);
      throw e;
    }
    end();
    return this.#core.serializer.deserializeEntity(ctxt, result) as T;
  }

  /** Invokes `method` without waiting (to every server of the topic with `fanout`). */
  // deno-lint-ignore require-await
  async cast(ctxt: Context, method: string, args: Record<string, unknown> = {}): Promise<void> {
    const msg = this.#message(ctxt, method, args);
    if (this.options.ttl) msg.expires = Date.now() + this.options.ttl;
    const end = this.#start("cast", method);
    try {
      this.#core.transport.publish(this.#subject(), JSON.stringify(msg));
      end();
    } catch (e) {
      end(e);
      throw new MessagingError(
        `Cannot cast "${method}" to ${this.target}: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
    this.#core.counters.casts++;
    this.#core.counters.sent++;
  }

  #start(callType: "call" | "cast", method: string, timeout?: number) {
    const t = this.target;
    return startCall(this.#core.onCall, {
      callType,
      target: t,
      exchange: t.exchange ?? this.#core.exchange,
      method,
      namespace: t.namespace,
      version: t.version,
      ...(timeout === undefined ? {} : { timeout }),
    });
  }

  /** Counters (shared with prepared copies) and the connection's state. */
  stats(): RPCClientStats {
    return withTransport({ ...this.#core.counters }, this.#core.transport);
  }

  /**
   * Stops listening for replies; pending calls fail, those of prepared copies
   * too. Only the original closes: a prepared copy shares its reply inbox, so
   * its `close()` does nothing (close the client it was prepared from).
   */
  close(): void {
    if (this.#owner) this.#core.waiter.close();
  }
}
