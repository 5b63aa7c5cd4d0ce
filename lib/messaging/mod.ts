/**
 * lib/messaging: oslo.messaging's programming model over NATS.
 *
 * - RPC: {@linkcode Target}, {@linkcode RPCClient} (`call`, `cast`, `prepare`),
 *   {@linkcode RPCServer} (endpoints, namespaces and versions, concurrent
 *   executor, `stop`/`wait`), typed remote errors, a serializer hook,
 *   heartbeats (`callMonitorTimeout`) and TTLs.
 * - Notifications: {@linkcode Notifier} (priorities, topics, drivers
 *   `messaging`/`log`/`noop`) and {@linkcode NotificationListener} (targets,
 *   endpoints by priority, {@linkcode NotificationFilter}, pools, requeue),
 *   stored in JetStream streams so that none are lost while a leaf link is down.
 * - Options in oslo's groups and hybrid transports: `[DEFAULT] transport_url`
 *   for RPC, `[oslo_messaging_notifications] transport_url` for notifications.
 * - The transport seam and the lower-level API: {@linkcode connectTransport}
 *   gives a {@linkcode Transport} with `publish`/`subscribe`/`request` (headers
 *   included), KV buckets, and {@linkcode JetStream} streams and pull consumers.
 *
 * Subjects are described in `subjects.ts`, the RPC wire format in `rpc_wire.ts`.
 *
 * @example Request and reply, no RPC layer
 * ```ts ignore
 * import { connectTransport } from "./mod.ts";
 *
 * await using t = await connectTransport("nats://127.0.0.1:4222/");
 * t.subscribe("echo", (m) => void m.respond(m.data, { headers: { seen: "1" } }));
 * const reply = await t.request("echo", "hi", { timeout: 1000, headers: { "x-id": "7" } });
 * ```
 *
 * @example RPC
 * ```ts ignore
 * import { connectTransport, RPCClient, RPCServer, Target } from "./mod.ts";
 *
 * await using t = await connectTransport("nats://127.0.0.1:4222/");
 * await using server = new RPCServer(t, { topic: "calc", server: "a" }, [
 *   { add: (_ctxt: unknown, a: { x: number; y: number }) => a.x + a.y },
 * ]);
 * await server.start();
 * const client = new RPCClient(t, new Target({ topic: "calc" }), { timeout: 5000 });
 * const sum = await client.call({}, "add", { x: 1, y: 2 }); // 3
 * ```
 *
 * @module
 */
export { connectTransport } from "./nats_transport.ts";
export type { ConnectOptions } from "./nats_transport.ts";
export { parseTransportUrl, redactTransportUrl } from "./transport_url.ts";
export type { TransportUrl } from "./transport_url.ts";
export type {
  KvEntry,
  KvOptions,
  KvStore,
  Message,
  MessageHeaders,
  Payload,
  PublishOptions,
  RequestOptions,
  SubscribeOptions,
  Subscription,
  Transport,
  TransportStats,
  TransportStatus,
} from "./transport.ts";
export { Target } from "./target.ts";
export type { TargetFields } from "./target.ts";
export { parseVersion, versionIsCompatible } from "./version.ts";
export { JsonPayloadSerializer, NoOpSerializer } from "./serializer.ts";
export type { Context, Serializer } from "./serializer.ts";
export { RPCClient } from "./rpc_client.ts";
export type { RPCClientInit, RPCClientOptions, RPCClientStats } from "./rpc_client.ts";
export { RPCServer } from "./rpc_server.ts";
export type { RPCServerOptions, RPCServerStats } from "./rpc_server.ts";
export { expose } from "./rpc_dispatcher.ts";
export type { AccessPolicy, Endpoint } from "./rpc_dispatcher.ts";
export type { ErrorClass, Failure } from "./remote_error.ts";
export { defaultLogger } from "./logger.ts";
export type { Logger, LogLevel } from "./logger.ts";
export type { MessagingStats } from "./stats.ts";
export {
  notificationFilter,
  notificationSubject,
  rpcSubject,
  siteNotificationSubjects,
  subjectToken,
} from "./subjects.ts";
export { Notifier, PRIORITIES } from "./notifier.ts";
export type { NotifierOptions, NotifierStats, Priority } from "./notifier.ts";
export type { NotificationDriver } from "./notify_drivers.ts";
export { NotificationListener, NotificationResult } from "./notification_listener.ts";
export type {
  NotificationEndpoint,
  NotificationHandler,
  NotificationListenerOptions,
  NotificationListenerStats,
  NotificationMetadata,
  NotificationResultValue,
} from "./notification_listener.ts";
export { NotificationFilter } from "./notification_filter.ts";
export type { NotificationFilterRules } from "./notification_filter.ts";
export type { NotificationMessage } from "./notification_message.ts";
export { DEFAULT_NOTIFICATION_STREAM, ensureNotificationStream } from "./notification_streams.ts";
export type { NotificationStreamOptions } from "./notification_streams.ts";
export { MESSAGING_GROUPS, NATS_OPTS, NOTIFICATION_OPTS, RPC_OPTS } from "./options.ts";
export {
  getNotificationTransport,
  getRpcTransport,
  notifierOptions,
  registerMessagingOptions,
  rpcClientInit,
  rpcServerOptions,
  transportUrlFor,
} from "./from_config.ts";
export { JetStream } from "./jetstream.ts";
export type { ConsumerConfig, PubAck, StreamConfig, StreamSource } from "./jetstream.ts";
export { pullConsumer } from "./pull_consumer.ts";
export type { PulledMessage, PullLoop, PullOptions } from "./pull_consumer.ts";
export {
  ConnectionFailedError,
  HeartbeatTimeoutError,
  InvalidTargetError,
  JetStreamApiError,
  KvConflictError,
  MessageDeliveryFailure,
  MessagingError,
  MessagingTimeout,
  NoRespondersError,
  NoSuchMethodError,
  RemoteError,
  RPCVersionCapError,
  TransportUrlError,
  UnsupportedVersionError,
} from "./errors.ts";
