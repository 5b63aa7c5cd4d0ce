/**
 * The edge agent's command-line options (lib/config, `[DEFAULT]`, all on the
 * command line too), beside the messaging groups (`[DEFAULT] transport_url`,
 * `[oslo_messaging_notifications]`, `[oslo_messaging_nats]`) read from
 * `--config-file` when given.
 *
 * @module
 */
import { boolOpt, intOpt, optGroup, strOpt } from "../lib/config/mod.ts";
import { MESSAGING_GROUPS } from "../lib/messaging/mod.ts";

/** `deno task agent` options. */
export const AGENT_OPTS = optGroup("DEFAULT", [
  strOpt("site", {
    cli: true,
    help: "Name of this edge site: its leaf node's name and JetStream domain (leaf1, ...).",
  }),
  strOpt("nats", {
    cli: true,
    secret: true,
    help: "NATS URL of the site's leaf node (nats://host:port/); default [DEFAULT] transport_url.",
  }),
  strOpt("agent_name", { cli: true, help: "Name the agent answers to (default: the site)." }),
  intOpt("announce_interval", {
    cli: true,
    default: 30,
    min: 1,
    help: "Seconds between re-announcements to control.",
  }),
  strOpt("nats_client", {
    cli: true,
    default: "deno",
    choices: ["deno", "nats.js"],
    help:
      "NATS client: deno (native, about 10 MiB lighter) or nats.js (needed for TLS or NKEY/JWT credentials).",
  }),
  boolOpt("site_jetstream", {
    cli: true,
    default: true,
    help:
      "The site's leaf node has JetStream (notifications are stored there while the link is down).",
  }),
]);

/** Every group an agent reads: its own and the messaging ones. */
export const AGENT_GROUPS = [AGENT_OPTS, ...MESSAGING_GROUPS] as const;

/** `deno task agent:call` options. */
export const CALL_OPTS = optGroup("DEFAULT", [
  strOpt("nats", { cli: true, secret: true, help: "NATS URL (any node: hub or leaf)." }),
  strOpt("agent", { cli: true, help: "Agent to call (its name, by default its site)." }),
  boolOpt("all", { cli: true, default: false, help: "Cast to every agent (fanout) instead." }),
  strOpt("method", {
    cli: true,
    default: "health_report",
    choices: [
      "health_report",
      "config_reload",
      "policy_cache_refresh",
      "limit_cache_refresh",
      "oslo_rpc_server_ping",
    ],
    help: "Method to call.",
  }),
  strOpt("args", { cli: true, default: "{}", help: "Arguments as a JSON object." }),
  intOpt("timeout", { cli: true, default: 10, min: 1, help: "Seconds to wait for the reply." }),
]);
