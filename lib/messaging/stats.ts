/**
 * Counters every lib/messaging object exposes through `stats()`, for metrics
 * and health checks.
 *
 * @module
 */
import type { Transport } from "./transport.ts";

/** Counters shared by clients, servers, notifiers and listeners. */
export interface MessagingStats {
  /** Messages sent (calls, casts, replies, notifications). */
  sent: number;
  /** Messages received (requests, replies, notifications). */
  received: number;
  /** Messages dropped unexecuted/undelivered because their TTL had passed. */
  expired: number;
  /** Calls (or stores) that timed out. */
  timeouts: number;
  /** Calls failed because heartbeats stopped for `callMonitorTimeout`. */
  heartbeatFailures: number;
  /** Reconnects of the underlying connection since it was opened. */
  reconnects: number;
  /** Whether the connection is up now. */
  connected: boolean;
}

/** Fresh zeroed counters (the transport fields are filled in by {@linkcode withTransport}). */
export function newStats(): Omit<MessagingStats, "reconnects" | "connected"> {
  return { sent: 0, received: 0, expired: 0, timeouts: 0, heartbeatFailures: 0 };
}

/** Adds the connection's reconnects and state to counters. */
export function withTransport<T extends object>(
  counters: T,
  transport: Transport,
): T & Pick<MessagingStats, "reconnects" | "connected"> {
  return {
    ...counters,
    reconnects: transport.stats().reconnects,
    connected: transport.state === "connected",
  };
}
