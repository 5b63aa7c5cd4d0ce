/**
 * lib/messaging's options, declared with lib/config in oslo.messaging's groups
 * (`[DEFAULT]` for RPC, `[oslo_messaging_notifications]`) plus
 * `[oslo_messaging_nats]` for what only the NATS transport has.
 *
 * @module
 */
import { boolOpt, intOpt, listOpt, multiStrOpt, optGroup, strOpt } from "../config/mod.ts";

/** `[DEFAULT]`: the RPC transport and RPC behaviour (oslo.messaging's names and defaults). */
export const RPC_OPTS = optGroup("DEFAULT", [
  strOpt("transport_url", {
    secret: true,
    help:
      "The network address and optional user credentials for connecting to the messaging backend, in URL format: nats://user:pass@host:port[,host2:port]/",
  }),
  intOpt("rpc_response_timeout", {
    default: 60,
    min: 1,
    help: "Seconds to wait for a response from a call.",
  }),
  strOpt("control_exchange", {
    default: "openstack",
    help: "The default exchange under which topics are scoped.",
  }),
  intOpt("executor_thread_pool_size", {
    default: 64,
    min: 1,
    deprecatedName: "rpc_thread_pool_size",
    help: "Size of executor pool when the executor runs calls concurrently.",
  }),
  boolOpt("rpc_ping_enabled", {
    default: false,
    help: "Add an endpoint to answer to ping calls. Endpoint is named oslo_rpc_server_ping.",
  }),
]);

/** `[oslo_messaging_notifications]`, as oslo.messaging declares it. */
export const NOTIFICATION_OPTS = optGroup("oslo_messaging_notifications", [
  multiStrOpt("driver", {
    default: [],
    deprecatedOpts: [{ name: "notification_driver", group: "DEFAULT" }],
    help:
      "The Drivers(s) to handle sending notifications. Possible values are messaging, messagingv2, log, noop.",
  }),
  strOpt("transport_url", {
    secret: true,
    deprecatedOpts: [{ name: "notification_transport_url", group: "DEFAULT" }],
    help:
      "A URL representing the messaging driver to use for notifications. If not set, we fall back to the same configuration used for RPC.",
  }),
  listOpt("topics", {
    default: ["notifications"],
    deprecatedOpts: [
      { name: "topics", group: "rpc_notifier2" },
      { name: "notification_topics", group: "DEFAULT" },
    ],
    help: "Topic(s) used for OpenStack notifications.",
  }),
  intOpt("retry", {
    default: -1,
    min: -1,
    help:
      "The maximum number of attempts to re-send a notification message which failed to be delivered due to a recoverable error. 0 - No retry, -1 - indefinite",
  }),
]);

/** `[oslo_messaging_nats]`: the NATS transport's own settings. */
export const NATS_OPTS = optGroup("oslo_messaging_nats", [
  strOpt("site", {
    default: "hub",
    help:
      "Name of this site: the JetStream domain of the local leaf node (leaf1, ...), or hub. Notifications are stored in this site's stream first.",
  }),
  listOpt("source_sites", {
    default: [],
    help:
      "Leaf sites (JetStream domains) whose notification streams this site's stream sources, so its listeners get their notifications; set at the hub (control also sources each site that registers).",
  }),
  strOpt("notification_stream", {
    default: "OSLO_NOTIFICATIONS",
    help: "Name of the JetStream stream holding notifications (the same at every site).",
  }),
  intOpt("notification_max_age", {
    default: 86400,
    min: 0,
    help:
      "Seconds a site's notification stream keeps a notification (default one day); 0: no age limit, only notification_max_msgs and notification_max_bytes.",
  }),
  intOpt("notification_max_msgs", {
    default: -1,
    min: -1,
    help: "Most notifications a site's stream keeps, the oldest dropped first; -1: no limit.",
  }),
  intOpt("notification_max_bytes", {
    default: -1,
    min: -1,
    help:
      "Most bytes a site's notification stream keeps, the oldest dropped first; -1: no limit (JetStream reserves this much storage when set).",
  }),
  intOpt("notification_ttl", {
    default: 0,
    min: 0,
    help:
      "Seconds a notification stays deliverable; listeners drop (and count) older ones. 0: no TTL.",
  }),
  intOpt("reconnect_time_wait", {
    default: 250,
    min: 10,
    help: "Milliseconds between reconnect attempts (clients reconnect forever).",
  }),
]);

/** Every messaging group, for registration, samples and validation. */
export const MESSAGING_GROUPS = [RPC_OPTS, NOTIFICATION_OPTS, NATS_OPTS] as const;
