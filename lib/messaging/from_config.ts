/**
 * Building transports, notifiers, clients and servers from oslo.config-style
 * options, as oslo.messaging's `get_rpc_transport`, `get_notification_transport`
 * and `Notifier(conf, ...)` do. Hybrid messaging: RPC uses `[DEFAULT]
 * transport_url`, notifications `[oslo_messaging_notifications] transport_url`,
 * falling back to the RPC one when unset, so the two may be different NATS
 * systems (for example RPC over a JetStream-less core cluster, notifications
 * over a JetStream one).
 *
 * @module
 */
import type { ConfigOpts } from "../config/mod.ts";
import { MessagingError } from "./errors.ts";
import { type ConnectOptions, connectTransport } from "./connect_transport.ts";
import type { NotificationListenerOptions } from "./notification_listener.ts";
import type { NotificationStreamLimits } from "./notification_streams.ts";
import type { NotifierOptions } from "./notifier.ts";
import { NATS_OPTS, NOTIFICATION_OPTS, RPC_OPTS } from "./options.ts";
import type { RPCClientInit } from "./rpc_client.ts";
import type { RPCServerOptions } from "./rpc_server.ts";
import type { Transport } from "./transport.ts";

/** Registers the messaging option groups (idempotent). */
export function registerMessagingOptions(conf: ConfigOpts): ConfigOpts {
  return conf.register(RPC_OPTS).register(NOTIFICATION_OPTS).register(NATS_OPTS);
}

/**
 * The transport URL for `use`, and which option gave it.
 *
 * @example Notifications fall back to the RPC URL
 * ```ts
 * import { ConfigOpts } from "../config/mod.ts";
 * import { registerMessagingOptions, transportUrlFor } from "./from_config.ts";
 * import assert from "node:assert/strict";
 *
 * const conf = registerMessagingOptions(new ConfigOpts());
 * await conf.load({ texts: [{ name: "a.conf", text: "[DEFAULT]\ntransport_url = nats://h:4222/\n" }], env: false });
 * assert.deepEqual(transportUrlFor(conf, "notifications"), {
 *   url: "nats://h:4222/",
 *   option: "[DEFAULT] transport_url",
 * });
 * ```
 */
export function transportUrlFor(
  conf: ConfigOpts,
  use: "rpc" | "notifications",
): { url: string; option: string } {
  const rpc = conf.group(RPC_OPTS).transport_url;
  if (use === "notifications") {
    const n = conf.group(NOTIFICATION_OPTS).transport_url;
    if (n) return { url: n, option: "[oslo_messaging_notifications] transport_url" };
  }
  if (rpc) return { url: rpc, option: "[DEFAULT] transport_url" };
  throw new MessagingError(
    `Cannot connect for ${
      use === "rpc" ? "RPC" : "notifications"
    }: [DEFAULT] transport_url is not set` +
      (use === "notifications" ? " (nor [oslo_messaging_notifications] transport_url)" : "") +
      ": set it to nats://host:4222/",
  );
}

function connectOptions(conf: ConfigOpts, extra: ConnectOptions): ConnectOptions {
  return { reconnectTimeWait: conf.group(NATS_OPTS).reconnect_time_wait, ...extra };
}

/** Connects the RPC transport (`[DEFAULT] transport_url`). */
export function getRpcTransport(
  conf: ConfigOpts,
  options: ConnectOptions = {},
): Promise<Transport> {
  return connectTransport(transportUrlFor(conf, "rpc").url, connectOptions(conf, options));
}

/** Connects the notification transport (its own URL, else the RPC one). */
export function getNotificationTransport(
  conf: ConfigOpts,
  options: ConnectOptions = {},
): Promise<Transport> {
  return connectTransport(
    transportUrlFor(conf, "notifications").url,
    connectOptions(conf, options),
  );
}

/**
 * The notification stream's limits from `[oslo_messaging_nats]`
 * `notification_max_age` (seconds → ms), `notification_max_msgs` and `notification_max_bytes`.
 *
 * @example One day by default
 * ```ts
 * import { ConfigOpts } from "../config/mod.ts";
 * import { notificationStreamLimits, registerMessagingOptions } from "./from_config.ts";
 * import assert from "node:assert/strict";
 *
 * const conf = registerMessagingOptions(new ConfigOpts());
 * await conf.load({ texts: [], env: false });
 * assert.deepEqual(notificationStreamLimits(conf), { maxAge: 86_400_000, maxMsgs: -1, maxBytes: -1 });
 * ```
 */
export function notificationStreamLimits(conf: ConfigOpts): Required<NotificationStreamLimits> {
  const nats = conf.group(NATS_OPTS);
  return {
    maxAge: nats.notification_max_age * 1000,
    maxMsgs: nats.notification_max_msgs,
    maxBytes: nats.notification_max_bytes,
  };
}

/** Notifier options from `[oslo_messaging_notifications]` and `[oslo_messaging_nats]`. */
export function notifierOptions(conf: ConfigOpts, publisherId?: string): NotifierOptions {
  const n = conf.group(NOTIFICATION_OPTS);
  const nats = conf.group(NATS_OPTS);
  return {
    driver: n.driver,
    topics: n.topics,
    retry: n.retry,
    exchange: conf.group(RPC_OPTS).control_exchange,
    site: nats.site,
    stream: nats.notification_stream,
    ...notificationStreamLimits(conf),
    ...(nats.notification_ttl ? { ttl: nats.notification_ttl * 1000 } : {}),
    ...(publisherId ? { publisherId } : {}),
  };
}

/**
 * Listener options from `[oslo_messaging_nats]` (site, stream, `source_sites`,
 * stream limits) and `[DEFAULT] control_exchange`; add `pool` and the rest.
 */
export function listenerOptions(conf: ConfigOpts): NotificationListenerOptions {
  const nats = conf.group(NATS_OPTS);
  return {
    exchange: conf.group(RPC_OPTS).control_exchange,
    site: nats.site,
    stream: nats.notification_stream,
    ...(nats.source_sites.length ? { sourceSites: nats.source_sites } : {}),
    ...notificationStreamLimits(conf),
  };
}

/** RPC client options from `[DEFAULT]` (timeout in ms from `rpc_response_timeout` seconds). */
export function rpcClientInit(conf: ConfigOpts): RPCClientInit {
  const d = conf.group(RPC_OPTS);
  return { timeout: d.rpc_response_timeout * 1000, exchange: d.control_exchange };
}

/** RPC server options from `[DEFAULT]`. */
export function rpcServerOptions(conf: ConfigOpts): RPCServerOptions {
  const d = conf.group(RPC_OPTS);
  return {
    exchange: d.control_exchange,
    executorPoolSize: d.executor_thread_pool_size,
    pingEnabled: d.rpc_ping_enabled,
  };
}
