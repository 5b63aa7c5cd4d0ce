/**
 * oslo.metrics' RPC series (`oslo_messaging_rpc_{client,server}_...`), with
 * its names, labels and buckets (`oslo_metrics/metrics/oslo_messaging.py`).
 *
 * @module
 */
import type { Labels, MetricsRegistry } from "./metrics_registry.ts";

/** oslo.metrics' `rpc_processing_seconds_buckets`. */
export const RPC_BUCKETS = [
  0.01,
  0.025,
  0.05,
  0.075,
  0.1,
  0.25,
  0.5,
  0.75,
  1,
  2.5,
  5,
  7.5,
  10,
  25,
  50,
  75,
  100,
] as const;

/** oslo.metrics' RPC server labels, in order. */
export const RPC_SERVER_LABELS = [
  "exchange",
  "topic",
  "server",
  "endpoint",
  "namespace",
  "version",
  "method",
  "process",
] as const;
/** oslo.metrics' RPC client labels, in order. */
export const RPC_CLIENT_LABELS = [
  "call_type",
  "exchange",
  "topic",
  "namespace",
  "version",
  "server",
  "fanout",
  "process",
  "method",
  "timeout",
] as const;

/** oslo.metrics' RPC server labels. */
export type RpcServerLabels = Labels<typeof RPC_SERVER_LABELS[number]>;
/** oslo.metrics' RPC client labels (`call_type` is `call` or `cast`). */
export type RpcClientLabels = Labels<typeof RPC_CLIENT_LABELS[number]>;

/** One RPC in progress: call `end()` when it returns, with the exception class name when it failed. */
export interface RpcTimer {
  end(exception?: string): void;
}

/**
 * Declares the RPC series in `r`; `start(kind, labels)` counts a start and
 * returns a timer whose `end(exception?)` counts the end, the time and the exception.
 *
 * @example
 * ```ts
 * import { MetricsRegistry } from "./metrics_registry.ts";
 * import { rpcMetrics } from "./rpc_metrics.ts";
 * import assert from "node:assert/strict";
 *
 * const registry = new MetricsRegistry();
 * rpcMetrics(registry).start("client", { call_type: "call", topic: "compute", method: "ping" }).end();
 * assert.match(await registry.render(), /oslo_messaging_rpc_client_invocation_end_total\{.*method="ping".*\} 1/);
 * ```
 */
export function rpcMetrics(r: MetricsRegistry) {
  const side = (kind: "server" | "client", labels: readonly string[]) => ({
    start: r.counter(`oslo_messaging_rpc_${kind}_invocation_start_total`, {
      help: `Total number of RPC invocation start.`,
      labels,
    }),
    end: r.counter(`oslo_messaging_rpc_${kind}_invocation_end_total`, {
      help: "Total number of RPC invocation end.",
      labels,
    }),
    seconds: r.histogram(`oslo_messaging_rpc_${kind}_processing_seconds`, {
      help: "Duration of RPC processing.",
      labels,
      buckets: RPC_BUCKETS,
    }),
    errors: r.counter(`oslo_messaging_rpc_${kind}_exception_total`, {
      help: "Total number of exception while RPC processing.",
      labels: [...labels, "exception"],
    }),
  });
  const sides = {
    server: side("server", RPC_SERVER_LABELS),
    client: side("client", RPC_CLIENT_LABELS),
  };
  return {
    start(kind: "server" | "client", labels: Labels<string>): RpcTimer {
      const s = sides[kind];
      const started = performance.now();
      s.start.inc(labels);
      return {
        end(exception?: string) {
          s.end.inc(labels);
          s.seconds.observe(labels, (performance.now() - started) / 1000);
          if (exception) s.errors.inc({ ...labels, exception });
        },
      };
    },
  };
}
