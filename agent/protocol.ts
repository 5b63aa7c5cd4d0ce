/**
 * The edge agent's RPC interface, shared by the agent, control and the CLI:
 * topics, namespaces, versions and method names.
 *
 * | topic          | server       | methods (namespace `edge_agent`, version 1.0)                                   |
 * |----------------|--------------|---------------------------------------------------------------------------------|
 * | `edge_agent`   | agent's name | `health_report`, `config_reload`, `policy_cache_refresh`, `limit_cache_refresh` |
 * | `edge_control` | `control`    | `register_agent`, `agent_alive` (namespace `edge_control`)                      |
 *
 * @module
 */
import { Target } from "../lib/messaging/mod.ts";

/** Topic every agent serves (its server name is the agent's name). */
export const AGENT_TOPIC = "edge_agent";
/** Topic control serves. */
export const CONTROL_TOPIC = "edge_control";
/** Server name of control. */
export const CONTROL_SERVER = "control";

/** The agent interface's target (endpoint side). */
export const AGENT_TARGET = new Target({
  topic: AGENT_TOPIC,
  namespace: "edge_agent",
  version: "1.0",
});
/** The control interface's target (endpoint side). */
export const CONTROL_TARGET = new Target({
  topic: CONTROL_TOPIC,
  namespace: "edge_control",
  version: "1.0",
});

/** What the agent answers to, by RPC method name. */
export const AGENT_METHODS = [
  "health_report",
  "config_reload",
  "policy_cache_refresh",
  "limit_cache_refresh",
] as const;
/** One of {@linkcode AGENT_METHODS}. */
export type AgentMethod = typeof AGENT_METHODS[number];

/** What an agent sends when it registers. */
export interface AgentRegistration {
  /** Agent name (its RPC server name). */
  name: string;
  /** Site (leaf node / JetStream domain). */
  site: string;
  /** Methods it answers. */
  methods: readonly string[];
  /** Whether the site stores notifications in its own JetStream (then control sources it). */
  jetstream: boolean;
  /** ISO time it started. */
  startedAt: string;
}
