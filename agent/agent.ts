/**
 * The edge agent: serves the agent RPC interface at its site (health report,
 * config reload, policy and limit cache refresh, each done by a handler the
 * other areas plug in; it advertises only those it has), registers with control (retrying until control
 * answers, then re-announcing itself), and emits a notification for each
 * action, stored at its site so none is lost while the leaf link is down.
 *
 * @module
 */
import {
  type Context,
  defaultLogger,
  type Logger,
  MessagingError,
  type NotificationStreamLimits,
  Notifier,
  pickStreamLimits,
  type RpcCallHook,
  RPCClient,
  RPCServer,
  type Transport,
} from "../lib/messaging/mod.ts";
import {
  AGENT_METHODS,
  AGENT_TARGET,
  type AgentMethod,
  type AgentRegistration,
  CONTROL_SERVER,
  CONTROL_TARGET,
} from "./protocol.ts";

/** A handler for one agent action: gets the caller's context and arguments, returns a JSON object. */
export type AgentHandler = (
  ctxt: Context,
  args: Record<string, unknown>,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** An action this agent does not do, and why (the answer's `reason`). */
export interface Unhandled {
  unhandled: string;
}

/**
 * Handlers by RPC method. A method without one, or with an {@linkcode Unhandled}
 * entry, is not advertised to control and answers `{ handled: false, reason }`;
 * `health_report` always has the agent's own.
 */
export type AgentHandlers = Partial<Record<AgentMethod, AgentHandler | Unhandled>>;

/** Options of {@linkcode EdgeAgent}; the limits apply to the site's notification stream it creates or updates. */
export interface EdgeAgentOptions extends NotificationStreamLimits {
  /** Site (the leaf node's name and JetStream domain). */
  site: string;
  /** Agent name, its RPC server name (default: the site). */
  name?: string;
  /** Handlers of the actions. */
  handlers?: AgentHandlers;
  /** Transport for notifications (default: the RPC one). */
  notificationTransport?: Transport;
  /** Whether the site has its own JetStream for notifications (default true). */
  jetstream?: boolean;
  /** Milliseconds between announcements to control (default 30000). */
  announceInterval?: number;
  /** Where to log. */
  log?: Logger;
  /** `onCall` of the RPC server (metrics). */
  onServerCall?: RpcCallHook;
  /** `onCall` of the RPC client calling control (metrics). */
  onClientCall?: RpcCallHook;
}

/** An edge agent. */
export class EdgeAgent implements AsyncDisposable {
  readonly site: string;
  readonly name: string;
  readonly startedAt = new Date();
  #t: Transport;
  #o: EdgeAgentOptions;
  #log: Logger;
  #server: RPCServer;
  #control: RPCClient;
  #notifier: Notifier;
  #registered = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  #actions = 0;

  constructor(transport: Transport, options: EdgeAgentOptions) {
    this.#t = transport;
    this.#o = options;
    this.site = options.site;
    this.name = options.name ?? options.site;
    this.#log = options.log ?? defaultLogger;
    this.#server = new RPCServer(transport, AGENT_TARGET.with({ server: this.name }), [
      this.#endpoint(),
    ], {
      pingEnabled: true,
      log: this.#log,
      expectedErrors: [MessagingError],
      ...(options.onServerCall ? { onCall: options.onServerCall } : {}),
    });
    this.#control = new RPCClient(
      transport,
      CONTROL_TARGET.with({ server: CONTROL_SERVER }),
      { timeout: 5000, ...(options.onClientCall ? { onCall: options.onClientCall } : {}) },
    );
    this.#notifier = new Notifier(options.notificationTransport ?? transport, {
      publisherId: `edge-agent.${this.name}`,
      site: options.jetstream === false ? "hub" : this.site,
      log: this.#log,
      ...pickStreamLimits(options),
    });
  }

  /** Whether control has acknowledged a registration. */
  get registered(): boolean {
    return this.#registered;
  }

  /** The methods this agent handles (and advertises when it registers). */
  get methods(): AgentMethod[] {
    return AGENT_METHODS.filter((m) => m === "health_report" || this.#handler(m));
  }

  #handler(method: AgentMethod): AgentHandler | undefined {
    const h = this.#o.handlers?.[method];
    return typeof h === "function" ? h : undefined;
  }

  #endpoint(): Record<string, unknown> {
    const ep: Record<string, unknown> = { target: AGENT_TARGET };
    for (const method of AGENT_METHODS) {
      ep[method] = (ctxt: Context, args: Record<string, unknown>) => this.#act(method, ctxt, args);
    }
    return ep;
  }

  async #act(method: AgentMethod, ctxt: Context, args: Record<string, unknown>) {
    this.#actions++;
    const handler = this.#handler(method) ??
      (method === "health_report" ? (() => this.#health()) : undefined);
    const base = { agent: this.name, site: this.site, action: method };
    if (!handler) {
      const entry = this.#o.handlers?.[method];
      const reason = entry && typeof entry !== "function"
        ? entry.unhandled
        : `no ${method} handler is plugged into this agent`;
      return { ...base, handled: false, reason };
    }
    try {
      const own = this.#handler("health_report") && method === "health_report";
      // A plugged-in health report adds the service's checks to the agent's own.
      const result = own
        ? { ...this.#health(), service: await handler(ctxt, args) }
        : await handler(ctxt, args);
      void this.#notifier.info(ctxt, `edge_agent.${method}`, { ...base, ok: true });
      return { ...base, handled: true, ...result };
    } catch (e) {
      void this.#notifier.error(ctxt, `edge_agent.${method}`, {
        ...base,
        ok: false,
        error: (e as Error).name,
      });
      throw e;
    }
  }

  #health(): Record<string, unknown> {
    const rpc = this.#server.stats();
    return {
      status: rpc.connected ? "ok" : "degraded",
      uptimeSeconds: Math.round((Date.now() - this.startedAt.getTime()) / 1000),
      registered: this.#registered,
      messaging: { state: this.#t.state, server: this.#t.server, rpc },
      actions: this.#actions,
    };
  }

  /** Starts serving, then registers with control in the background. */
  async start(): Promise<void> {
    this.#stopped = false;
    await this.#server.start();
    void this.#notifier.info({}, "edge_agent.start", {
      agent: this.name,
      site: this.site,
      methods: this.methods,
    });
    this.#announce(0);
  }

  #announce(attempt: number): void {
    if (this.#stopped) return;
    const registration: AgentRegistration = {
      name: this.name,
      site: this.site,
      methods: this.methods,
      jetstream: this.#o.jetstream !== false,
      startedAt: this.startedAt.toISOString(),
    };
    const every = this.#o.announceInterval ?? 30_000;
    this.#control.call({}, "register_agent", { registration }).then(() => {
      if (!this.#registered) this.#log("info", `agent ${this.name}: registered with control`);
      this.#registered = true;
      this.#timer = setTimeout(() => this.#announce(0), every);
    }, (e) => {
      if (attempt === 0) {
        this.#log("warning", `agent ${this.name}: control did not answer (${e.message}); retrying`);
      }
      const wait = Math.min(500 * 2 ** attempt, every);
      this.#timer = setTimeout(() => this.#announce(attempt + 1), wait);
    });
  }

  /** Counters of the RPC server and the notifier. */
  stats(): { rpc: ReturnType<RPCServer["stats"]>; notifications: ReturnType<Notifier["stats"]> } {
    return { rpc: this.#server.stats(), notifications: this.#notifier.stats() };
  }

  /** Stops serving and announcing; running actions finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#control.close();
    await this.#server.stop();
    await this.#server.wait();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
