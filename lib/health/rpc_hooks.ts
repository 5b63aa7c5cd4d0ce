/**
 * lib/messaging's per-call hooks (`onCall` of `RPCServer` and `RPCClient`)
 * feeding oslo.metrics' RPC series. Label values are written as oslo.metrics
 * writes Python's: `None` for an unset field, `True`/`False` for `fanout`.
 * Where this differs: `exchange` is the exchange used (oslo.metrics sends the
 * target's, `None` when unset), `timeout` is a call's timeout in seconds
 * (oslo.messaging 14 always sends `None`), and `endpoint` is `None` (endpoints
 * here are plain objects, not classes). Method names come from the callers,
 * so past `maxMethods` distinct ones per side new names count as `other`.
 *
 * @module
 */
import type { RpcCallHook, RpcCallInfo } from "../messaging/mod.ts";
import type { ServiceMetrics } from "./service_metrics.ts";

/** The hooks to hand to an RPC server and client. */
export interface RpcHooks {
  /** For `RPCServer`'s `onCall`: oslo.metrics' server series. */
  onServerCall: RpcCallHook;
  /** For `RPCClient`'s `onCall`: oslo.metrics' client series. */
  onClientCall: RpcCallHook;
}

/** Options of {@linkcode rpcHooks}. */
export interface RpcHooksOptions {
  /** The `process` label (oslo.messaging's `metrics_process_name`, default empty). */
  process?: string;
  /** Distinct method names per side before others count as `other` (default 100). */
  maxMethods?: number;
}

function py(value: string | boolean | undefined): string {
  if (value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  return value;
}

function exceptionName(error: unknown): string {
  if (error instanceof Error) return error.name || error.constructor.name || "Error";
  return typeof error;
}

function capped(max: number): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= max) return "other";
    seen.add(value);
    return value;
  };
}

/**
 * Hooks that count, time and tally the errors of every RPC in `metrics`.
 *
 * @example
 * ```ts
 * import { rpcHooks, ServiceMetrics } from "./mod.ts";
 * import { Target } from "../messaging/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const metrics = new ServiceMetrics();
 * const { onServerCall } = rpcHooks(metrics);
 * const end = onServerCall({
 *   callType: "call", target: new Target({ topic: "edge_agent", server: "s1" }),
 *   exchange: "openstack", method: "health_report", namespace: undefined, version: "1.0",
 * });
 * end?.();
 * assert.match(
 *   await metrics.registry.render(),
 *   /oslo_messaging_rpc_server_invocation_end_total\{exchange="openstack",topic="edge_agent",server="s1",endpoint="None",namespace="None",version="1.0",method="health_report",process=""\} 1/,
 * );
 * ```
 */
export function rpcHooks(metrics: ServiceMetrics, options: RpcHooksOptions = {}): RpcHooks {
  const process = options.process ?? "";
  const max = options.maxMethods ?? 100;
  const serverMethod = capped(max);
  const clientMethod = capped(max);
  const ender = (timer: { end(exception?: string): void }) => (error?: unknown) =>
    timer.end(error === undefined ? undefined : exceptionName(error));
  return {
    onServerCall(call: RpcCallInfo) {
      return ender(metrics.rpcServerCall({
        exchange: call.exchange,
        topic: py(call.target.topic),
        server: py(call.target.server),
        endpoint: "None",
        namespace: py(call.namespace),
        version: py(call.version),
        method: serverMethod(call.method),
        process,
      }));
    },
    onClientCall(call: RpcCallInfo) {
      return ender(metrics.rpcClientCall({
        call_type: call.callType,
        exchange: call.exchange,
        topic: py(call.target.topic),
        namespace: py(call.namespace),
        version: py(call.version),
        server: py(call.target.server),
        fanout: py(call.target.fanout),
        process,
        method: clientMethod(call.method),
        timeout: call.timeout === undefined ? "None" : String(call.timeout / 1000),
      }));
    },
  };
}
