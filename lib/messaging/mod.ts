/**
 * lib/messaging: oslo.messaging's programming model over NATS.
 *
 * - RPC: {@linkcode Target}, {@linkcode RPCClient} (`call`, `cast`, `prepare`),
 *   {@linkcode RPCServer} (endpoints, namespaces and versions, concurrent
 *   executor, `stop`/`wait`), typed remote errors, a serializer hook,
 *   heartbeats (`callMonitorTimeout`) and TTLs, a per-call hook (`onCall`,
 *   for metrics).
 * - Notifications: {@linkcode Notifier} (priorities, topics, drivers
 *   `messaging`/`log`/`noop`) and {@linkcode NotificationListener} (targets,
 *   endpoints by priority, {@linkcode NotificationFilter}, pools, requeue),
 *   stored in JetStream streams so that none are lost while a leaf link is down.
 * - Options in oslo's groups and hybrid transports: `[DEFAULT] transport_url`
 *   for RPC, `[oslo_messaging_notifications] transport_url` for notifications.
 * - The lower-level API, without the RPC layer (below).
 *
 * Subjects are described in `subjects.ts`, the RPC wire format in
 * `rpc_wire.ts`, notification streams in `notification_streams.ts`.
 *
 * ## The lower-level API
 *
 * {@linkcode connectTransport} gives a {@linkcode Transport}: one NATS
 * connection that reconnects by itself, forever.
 *
 * - `publish(subject, data, { headers, reply })`: fire and forget.
 * - `subscribe(subject, handler, { queue })`: wildcards (`a.*`, `a.>`), queue
 *   groups (each message to one member); the handler gets a {@linkcode Message}
 *   with `subject`, `data`, `headers`, `reply`, `status`, `string()`, `json()`
 *   and `respond(data, { headers })`. `drain()` waits for running handlers.
 * - `request(subject, data, { timeout, headers })`: one reply, or
 *   `NoRespondersError` (nobody listens) or `MessagingTimeout`.
 * - `state` (`connected`, `reconnecting`, `closed`), `onStatus(listener)`,
 *   `stats()` (messages, bytes, reconnects), `rtt()`, `flush()`.
 * - `kv(bucket)`: a JetStream key/value bucket ({@linkcode KvStore}) with
 *   compare-and-set `create`/`update`/`delete` by revision and `watch`.
 * - {@linkcode JetStream}: streams (`ensureStream`, sources from other
 *   JetStream domains), `publish` that resolves once stored (`Nats-Msg-Id`
 *   dedupe), durable consumers, and {@linkcode pullConsumer} to read them with
 *   `ack`/`nak`.
 *
 * @example Request and reply with headers, no RPC layer
 * ```ts ignore
 * import { connectTransport } from "./mod.ts";
 *
 * await using t = await connectTransport("nats://127.0.0.1:4222/");
 * t.subscribe("echo", (m) => void m.respond(m.data, { headers: { seen: m.headers["x-id"] } }));
 * const reply = await t.request("echo", "hi", { timeout: 1000, headers: { "x-id": "7" } });
 * reply.headers.seen; // "7"
 * ```
 *
 * @example Store, then read with acknowledgements
 * ```ts ignore
 * import { connectTransport, JetStream, pullConsumer } from "./mod.ts";
 *
 * await using t = await connectTransport("nats://127.0.0.1:4222/");
 * const js = new JetStream(t);
 * await js.ensureStream({ name: "AUDIT", subjects: ["audit.>"] });
 * await js.publish("audit.login", JSON.stringify({ user: "u1" }), { msgId: "evt-1" });
 * await js.ensureConsumer("AUDIT", { name: "archiver" });
 * const loop = pullConsumer(js, { stream: "AUDIT", consumer: "archiver" }, (m) => {
 *   console.log(m.subject, m.json()); // acked when the handler returns
 * });
 * await loop.stop();
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
 * @example Notifications
 * ```ts ignore
 * import { connectTransport, NotificationListener, Notifier } from "./mod.ts";
 *
 * await using t = await connectTransport("nats://127.0.0.1:4222/");
 * await using listener = new NotificationListener(t, [{ topic: "notifications" }], [{
 *   info: (_ctxt, publisherId, eventType, payload) => console.log(publisherId, eventType, payload),
 * }], { pool: "billing" });
 * await listener.start();
 * await new Notifier(t, { publisherId: "compute.host1" }).info({}, "compute.instance.create.end", {});
 * ```
 *
 * @module
 */
export { connectTransport } from "./connect_transport.ts";
export type { ConnectOptions, NatsClient } from "./connect_transport.ts";
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
export type { RpcCallHook, RpcCallInfo } from "./call_hook.ts";
export { expose } from "./rpc_dispatcher.ts";
export type { AccessPolicy, Endpoint } from "./rpc_dispatcher.ts";
export type { AllowedErrors, ErrorClass, Failure } from "./remote_error.ts";
export { defaultLogger } from "./logger.ts";
export type { Logger, LogLevel } from "./logger.ts";
export type { MessagingStats } from "./stats.ts";
export { probeTransport } from "./health.ts";
export type { TransportHealth } from "./health.ts";
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
export {
  DEFAULT_NOTIFICATION_MAX_AGE,
  DEFAULT_NOTIFICATION_STREAM,
  ensureNotificationStream,
  pickStreamLimits,
} from "./notification_streams.ts";
export type {
  NotificationStreamLimits,
  NotificationStreamOptions,
} from "./notification_streams.ts";
export { MESSAGING_GROUPS, NATS_OPTS, NOTIFICATION_OPTS, RPC_OPTS } from "./options.ts";
export {
  getNotificationTransport,
  getRpcTransport,
  listenerOptions,
  notificationStreamLimits,
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
