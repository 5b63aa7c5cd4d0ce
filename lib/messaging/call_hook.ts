/**
 * The per-call hook of {@linkcode RPCServer} and {@linkcode RPCClient}
 * (`onCall`): told when an RPC starts, and through the function it returns
 * when it ends, so metrics (oslo.metrics' RPC series) can count and time
 * calls without wrapping endpoints or clients. A hook that throws is logged
 * and ignored: it never fails the call.
 *
 * @module
 */
import type { Logger } from "./logger.ts";
import type { Target } from "./target.ts";

/** One RPC as the hook sees it. */
export interface RpcCallInfo {
  /** `call` (the caller waits for a reply) or `cast`. */
  callType: "call" | "cast";
  /** Client: the target called (after `prepare`). Server: the server's own target. */
  target: Target;
  /** Exchange used: the target's, else the client's or server's `exchange` option. */
  exchange: string;
  /** The method. */
  method: string;
  /** Namespace of the call: the message's (server), the target's (client). */
  namespace: string | undefined;
  /** Version of the call: the message's (server), the target's (client). */
  version: string | undefined;
  /** Client calls: milliseconds the call waits for its result. */
  timeout?: number;
}

/**
 * Called when an RPC starts; the function it returns (if any) is called once
 * when the RPC ends, with the error when it failed.
 */
export type RpcCallHook = (call: RpcCallInfo) => ((error?: unknown) => void) | void;

/** What {@linkcode startCall} gives back: call it once when the RPC ends. */
export type CallEnd = (error?: unknown) => void;

const NOTHING: CallEnd = () => {};

/**
 * Runs `hook` for an RPC starting; returns the end function, guarded so that
 * neither the hook nor its end function can throw into the RPC.
 *
 * @example
 * ```ts
 * import { startCall } from "./call_hook.ts";
 * import { Target } from "./target.ts";
 * import assert from "node:assert/strict";
 *
 * const seen: string[] = [];
 * const end = startCall((c) => {
 *   seen.push(`start ${c.method}`);
 *   return (e) => void seen.push(`end ${e ? (e as Error).name : "ok"}`);
 * }, {
 *   callType: "call", target: new Target({ topic: "t" }), exchange: "openstack",
 *   method: "ping", namespace: undefined, version: undefined,
 * });
 * end(new RangeError("x"));
 * assert.deepEqual(seen, ["start ping", "end RangeError"]);
 * assert.doesNotThrow(() => startCall(() => { throw new Error("bad hook"); }, {
 *   callType: "cast", target: new Target({ topic: "t" }), exchange: "openstack",
 *   method: "ping", namespace: undefined, version: undefined,
 * }, { log: () => {} })());
 * ```
 */
export function startCall(
  hook: RpcCallHook | undefined,
  info: RpcCallInfo,
  options: { log?: Logger } = {},
): CallEnd {
  if (!hook) return NOTHING;
  const failed = (e: unknown) =>
    options.log?.(
      "warning",
      `onCall hook failed for "${info.method}": ${(e as Error)?.message ?? e}`,
    );
  let end: ((error?: unknown) => void) | void;
  try {
    end = hook(info);
  } catch (e) {
    failed(e);
    return NOTHING;
  }
  if (typeof end !== "function") return NOTHING;
  const done = end;
  return (error) => {
    try {
      done(error);
    } catch (e) {
      failed(e);
    }
  };
}
