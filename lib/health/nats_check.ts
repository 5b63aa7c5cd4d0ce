/**
 * The `nats` backend: the message bus connection is up and answers a ping,
 * with its round-trip time. It follows the connection's state changes, so a
 * dropped connection shows at the next probe without waiting for a ping to
 * time out.
 *
 * @module
 */
import type { Transport, TransportStatus } from "../messaging/mod.ts";
import type { HealthcheckResult, HealthPlugin } from "./plugin.ts";

/** Options of {@linkcode natsCheck}. */
export interface NatsCheckOptions {
  /** A connection to watch (shared with the rest of the service); not closed by the plugin. */
  transport?: Transport;
  /**
   * The service's own connection once it has one (it joined its site): from
   * then on the plugin checks that one, and closes its own if it opened one.
   * Until then it uses `connect`, or without `connect` reports that it waits.
   */
  shared?: () => Transport | undefined;
  /** Or: opens the connection on the first probe (and retries on each failing probe); closed with the plugin. */
  connect?: () => Promise<Transport>;
  /** Receives every measured round trip, in milliseconds (for metrics). */
  onRtt?: (ms: number) => void;
  /**
   * Receives the state changes of a connection the plugin opened itself (for
   * metrics; a shared connection's are its owner's to report).
   */
  onStatus?: (status: TransportStatus) => void;
  /** After every probe: whether the connection is up, false when it could not be opened (metrics). */
  onConnected?: (up: boolean) => void;
}

/**
 * Builds the plugin. Reasons: `OK`, `NATS DISCONNECTED` (reconnecting),
 * `NATS UNAVAILABLE` (cannot connect, or no answer to the ping).
 *
 * @example
 * ```ts ignore
 * import { connectTransport } from "../messaging/mod.ts";
 * import { natsCheck } from "./nats_check.ts";
 *
 * const plugin = natsCheck({ connect: () => connectTransport("nats://127.0.0.1:4222") });
 * const result = await plugin.probe(AbortSignal.timeout(2000));
 * // { available: true, reason: "OK", details: "Connected to 127.0.0.1:4222, round trip 0.31 ms, 0 reconnects" }
 * ```
 */
export function natsCheck(options: NatsCheckOptions): HealthPlugin {
  let transport = options.transport;
  let owned = false;
  let disconnectedSince: Date | undefined;
  let unwatch: (() => void) | undefined;
  let closed = false;

  const watch = (t: Transport, own: boolean) => {
    unwatch?.();
    transport = t;
    owned = own;
    disconnectedSince = t.state === "reconnecting" ? new Date() : undefined;
    unwatch = t.onStatus((s) => {
      if (s.type === "disconnect" || s.type === "reconnecting") disconnectedSince ??= new Date();
      else if (s.type === "reconnect") disconnectedSince = undefined;
      if (own) options.onStatus?.(s);
    });
  };
  if (transport) watch(transport, false);

  const unavailable = (details: string): HealthcheckResult => ({
    available: false,
    reason: "NATS UNAVAILABLE",
    details,
  });

  const check = async (): Promise<HealthcheckResult> => {
    const shared = options.shared?.();
    if (shared && shared !== transport) {
      const mine = owned ? transport : undefined;
      watch(shared, false);
      await mine?.close().catch(() => {});
    }
    if (!transport) {
      if (!options.connect) {
        return unavailable(
          options.shared
            ? "Waiting for the service's connection to its site"
            : "No NATS connection configured",
        );
      }
      let opened: Transport;
      try {
        opened = await options.connect();
      } catch (e) {
        return unavailable((e as Error).message);
      }
      if (closed) {
        await opened.close();
        return unavailable("Health checks are closed");
      }
      watch(opened, true);
    }
    const t = transport as Transport;
    if (t.closed) return unavailable("The NATS connection is closed");
    if (disconnectedSince) {
      return {
        available: false,
        reason: "NATS DISCONNECTED",
        details: `Disconnected since ${disconnectedSince.toISOString()}; reconnecting`,
      };
    }
    let ms: number;
    try {
      // The client reports whole milliseconds; time the same PING/PONG more finely.
      const started = performance.now();
      await t.rtt();
      ms = performance.now() - started;
    } catch (e) {
      return unavailable(`No answer to a ping from ${t.server}: ${(e as Error).message}`);
    }
    options.onRtt?.(ms);
    const { reconnects } = t.stats();
    return {
      available: true,
      reason: "OK",
      details: `Connected to ${t.server}, round trip ${ms.toFixed(2)} ms, ${reconnects} ${
        reconnects === 1 ? "reconnect" : "reconnects"
      }`,
    };
  };

  return {
    name: "nats",
    kind: "dependency",
    failReason: "NATS UNAVAILABLE",
    async probe(): Promise<HealthcheckResult> {
      const result = await check();
      options.onConnected?.(transport?.state === "connected" && !disconnectedSince);
      return result;
    },
    async close() {
      closed = true;
      unwatch?.();
      if (owned && transport) await transport.close();
    },
  };
}
