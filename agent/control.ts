/**
 * Central control's side of the edge agents: takes registrations (and then
 * sources the agent's site's notification stream into the hub's), keeps the
 * list of agents with when each was last heard of, and calls one agent or
 * all of them.
 *
 * @module
 */
import {
  type Context,
  defaultLogger,
  ensureNotificationStream,
  JetStream,
  type Logger,
  NATS_OPTS,
  type NotificationStreamLimits,
  notificationStreamLimits,
  pickStreamLimits,
  RPCClient,
  type RPCClientOptions,
  RPCServer,
  type Transport,
} from "../lib/messaging/mod.ts";
import type { ConfigOpts } from "../lib/config/mod.ts";
import { z } from "zod";
import {
  AGENT_TARGET,
  type AgentMethod,
  type AgentRegistration,
  CONTROL_SERVER,
  CONTROL_TARGET,
} from "./protocol.ts";

/** What a registration must look like (validated at the edge of control, with zod). */
const Registration = z.object({
  name: z.string().min(1).max(200),
  site: z.string().min(1).max(200),
  methods: z.array(z.string()).max(100),
  jetstream: z.boolean(),
  startedAt: z.string(),
});

/** An agent as control knows it. */
export interface AgentRecord extends AgentRegistration {
  /** ISO time of its last registration. */
  lastSeen: string;
}

/** Options of {@linkcode EdgeControl}; the limits apply to the hub's stream and the sites' it sources. */
export interface EdgeControlOptions extends NotificationStreamLimits {
  /** Source registering sites' notification streams into the hub's (default true). */
  sourceNotifications?: boolean;
  /** Sites whose notification streams the hub's sources from the start, before they register. */
  sourceSites?: readonly string[];
  /** Notification stream name (default `OSLO_NOTIFICATIONS`). */
  stream?: string;
  /** Called with each registration (first or renewed). */
  onRegister?: (agent: AgentRecord, first: boolean) => void;
  /** Where to log. */
  log?: Logger;
}

/**
 * Control's notification options from `[oslo_messaging_nats]`: `source_sites`,
 * `notification_stream` and the stream limits (`notification_max_age`, ...).
 */
export function edgeControlOptions(conf: ConfigOpts): EdgeControlOptions {
  const nats = conf.group(NATS_OPTS);
  return {
    sourceSites: nats.source_sites,
    stream: nats.notification_stream,
    ...notificationStreamLimits(conf),
  };
}

/** Control: the registry of agents and the client that calls them. */
export class EdgeControl implements AsyncDisposable {
  #t: Transport;
  #o: EdgeControlOptions;
  #log: Logger;
  #agents = new Map<string, AgentRecord>();
  #server: RPCServer;
  #client: RPCClient;

  constructor(transport: Transport, options: EdgeControlOptions = {}) {
    this.#t = transport;
    this.#o = options;
    this.#log = options.log ?? defaultLogger;
    this.#server = new RPCServer(transport, CONTROL_TARGET.with({ server: CONTROL_SERVER }), [{
      target: CONTROL_TARGET,
      register_agent: (_c: Context, a: { registration?: unknown }) =>
        this.#register(a.registration),
    }], { log: this.#log, expectedErrors: [TypeError] });
    this.#client = new RPCClient(transport, AGENT_TARGET, { timeout: 10_000 });
  }

  async #register(input: unknown): Promise<{ registered: true }> {
    const parsed = Registration.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TypeError(
        `Cannot register an agent: field "${issue?.path.join(".")}" ${
          issue?.message ?? "is invalid"
        }`,
      );
    }
    const r: AgentRegistration = parsed.data;
    const first = !this.#agents.has(r.name);
    const record = { ...r, lastSeen: new Date().toISOString() };
    this.#agents.set(r.name, record);
    if (first && r.jetstream && this.#o.sourceNotifications !== false) {
      // Sourcing reaches the site's JetStream over the link that just carried this call.
      await this.#source([r.site]);
    }
    if (first) this.#log("info", `agent ${r.name} registered from site ${r.site}`);
    this.#o.onRegister?.(record, first);
    return { registered: true };
  }

  /** Starts taking registrations. */
  async start(): Promise<void> {
    await this.#server.start();
    const sites = this.#o.sourceSites ?? [];
    if (sites.length && this.#o.sourceNotifications !== false) {
      await this.#source(sites); // a site not reachable yet is sourced when it registers
    }
  }

  async #source(sites: readonly string[]): Promise<void> {
    await ensureNotificationStream(new JetStream(this.#t), {
      site: "hub",
      sourceDomains: sites,
      ...(this.#o.stream ? { stream: this.#o.stream } : {}),
      ...pickStreamLimits(this.#o),
    }).catch((e) =>
      this.#log(
        "warning",
        `Cannot source notifications of ${sites.map((s) => `site ${s}`).join(", ")}: ${e.message}`,
      )
    );
  }

  /** Every agent registered so far. */
  agents(): AgentRecord[] {
    return [...this.#agents.values()];
  }

  /** Calls one agent by name. */
  call<T = Record<string, unknown>>(
    agent: string,
    method: AgentMethod | "oslo_rpc_server_ping",
    args: Record<string, unknown> = {},
    options: RPCClientOptions & { ctxt?: Context } = {},
  ): Promise<T> {
    const { ctxt, ...prepare } = options;
    // The ping endpoint lives in the null namespace, as oslo's.
    const ns = method === "oslo_rpc_server_ping" ? { namespace: undefined } : {};
    return this.#client.prepare({ ...prepare, ...ns, server: agent }).call<T>(
      ctxt ?? {},
      method,
      args,
    );
  }

  /** Casts to every agent (fanout): nothing comes back. */
  fanout(
    method: AgentMethod,
    args: Record<string, unknown> = {},
    ctxt: Context = {},
  ): Promise<void> {
    return this.#client.prepare({ fanout: true }).cast(ctxt, method, args);
  }

  /** Stops taking registrations. */
  async stop(): Promise<void> {
    await this.#server.stop();
    await this.#server.wait();
    this.#client.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
