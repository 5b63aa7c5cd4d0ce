/**
 * lib/messaging: oslo.messaging's programming model over NATS. This first
 * layer is the transport seam: transport URLs, publish/subscribe/request with
 * headers, and JetStream KV buckets with compare-and-set writes.
 *
 * @example Request and reply
 * ```ts ignore
 * import { connectTransport } from "./mod.ts";
 *
 * await using t = await connectTransport("nats://127.0.0.1:4222/");
 * t.subscribe("echo", (m) => void m.respond(m.data));
 * const reply = await t.request("echo", "hi", { timeout: 1000 });
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
export {
  ConnectionFailedError,
  KvConflictError,
  MessagingError,
  MessagingTimeout,
  NoRespondersError,
  TransportUrlError,
} from "./errors.ts";
