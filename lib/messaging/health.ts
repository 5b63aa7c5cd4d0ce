/**
 * The message bus as a health-check dependency: is the connection up, and
 * does the server answer a round trip in time.
 *
 * @module
 */
import type { Transport } from "./transport.ts";

/** What {@linkcode probeTransport} finds. */
export interface TransportHealth {
  /** True when connected and the server answered in time. */
  available: boolean;
  /** `OK`, or why not (for oslo.middleware's `reason`). */
  reason: string;
  /** `connected`, `reconnecting` or `closed`. */
  state: Transport["state"];
  /** Server connected to (`host:port`). */
  server: string;
  /** Round trip in ms, when measured. */
  rttMs?: number;
  /** Reconnects since the connection was opened. */
  reconnects: number;
}

/**
 * Probes a transport: its state, then a round trip bounded by `timeout` ms.
 *
 * @example
 * ```ts ignore
 * const h = await probeTransport(transport, { timeout: 1000 });
 * if (!h.available) console.error(h.reason);
 * ```
 */
export async function probeTransport(
  transport: Transport,
  options: { timeout?: number } = {},
): Promise<TransportHealth> {
  const base = {
    state: transport.state,
    server: transport.server,
    reconnects: transport.stats().reconnects,
  };
  if (transport.state !== "connected") {
    return { ...base, available: false, reason: `NATS connection is ${transport.state}` };
  }
  const timeout = options.timeout ?? 2000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const rttMs = await Promise.race([
      transport.rtt(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeout} ms`)), timeout);
      }),
    ]);
    return { ...base, available: true, reason: "OK", rttMs };
  } catch (e) {
    return {
      ...base,
      available: false,
      reason: `NATS server ${base.server} did not answer: ${(e as Error).message}`,
    };
  } finally {
    clearTimeout(timer);
  }
}
