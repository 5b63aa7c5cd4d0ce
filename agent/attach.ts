/**
 * Joins a service to its edge site as an agent: connects to the site's leaf
 * node and answers the agent RPCs with the given handlers. Used by
 * `deno task agent` (its own config only) and by `functions/serve.ts` when
 * `--site` is given (the service's health, config, policy and limits).
 *
 * @module
 */
import type { ConfigOpts } from "../lib/config/mod.ts";
import {
  connectTransport,
  type NatsClient,
  notificationStreamLimits,
  redactTransportUrl,
  RPC_OPTS,
  type RpcCallHook,
  type Transport,
} from "../lib/messaging/mod.ts";
import { type AgentHandlers, EdgeAgent } from "./agent.ts";
import { AGENT_OPTS } from "./options.ts";

/** A running agent and how to stop it. */
export interface AttachedAgent extends AsyncDisposable {
  agent: EdgeAgent;
  transport: Transport;
  /** Where it is connected, credentials hidden. */
  url: string;
  close(): Promise<void>;
}

/** Why an agent cannot start: the message names the option. */
export class AgentSetupError extends Error {
  readonly code = "ERR_AGENT_SETUP";
  constructor(message: string) {
    super(message);
    this.name = "AgentSetupError";
  }
}

/** What the service joining its site wants to follow (its metrics and health check). */
export interface AttachOptions {
  /** Called with the connection once it is up, before the agent serves. */
  onTransport?: (transport: Transport) => void;
  /** `onCall` of the agent's RPC server. */
  onServerCall?: RpcCallHook;
  /** `onCall` of the agent's RPC client (its calls to control). */
  onClientCall?: RpcCallHook;
}

/**
 * The NATS URL an instance uses by its options (`--nats`, else `[DEFAULT]
 * transport_url`), and whether it joins its site over it (`--site`).
 */
export function siteNats(conf: ConfigOpts): { url: string; joinsSite: boolean } | undefined {
  const o = conf.group(AGENT_OPTS);
  const url = o.nats ?? conf.group(RPC_OPTS).transport_url;
  return url ? { url, joinsSite: Boolean(o.site) } : undefined;
}

/**
 * Starts an agent from the `[DEFAULT] site`/`nats` options in `conf`;
 * undefined when no site is configured.
 */
export async function attachAgent(
  conf: ConfigOpts,
  handlers: AgentHandlers,
  options: AttachOptions = {},
): Promise<AttachedAgent | undefined> {
  const o = conf.group(AGENT_OPTS);
  if (!o.site) return undefined;
  const url = siteNats(conf)?.url;
  if (!url) {
    throw new AgentSetupError(
      "Cannot join site without a NATS URL: pass --nats nats://host:port/ or set [DEFAULT] transport_url",
    );
  }
  const name = o.agent_name ?? o.site;
  const transport = await connectTransport(url, {
    name: `edge-agent.${name}`,
    waitOnFirstConnect: true,
    client: o.nats_client as NatsClient,
  });
  options.onTransport?.(transport);
  const agent = new EdgeAgent(transport, {
    ...(options.onServerCall ? { onServerCall: options.onServerCall } : {}),
    ...(options.onClientCall ? { onClientCall: options.onClientCall } : {}),
    site: o.site,
    name,
    jetstream: o.site_jetstream,
    announceInterval: o.announce_interval * 1000,
    ...notificationStreamLimits(conf),
    handlers,
    log: (level, message) => {
      if (level !== "debug") console.error(`agent ${name}: ${level}: ${message}`);
    },
  });
  await agent.start();
  const close = async () => {
    await agent.stop();
    await transport.close();
  };
  return { agent, transport, url: redactTransportUrl(url), close, [Symbol.asyncDispose]: close };
}
