/**
 * The RPC wire format. A request is one JSON object:
 *
 * ```json
 * { "oslo.version": "2.0", "method": "m", "args": {}, "namespace": "ns", "version": "1.2",
 *   "context": {}, "expires": 1700000000000, "monitor": 2000 }
 * ```
 *
 * `expires` (epoch ms) is the message's TTL: a call's timeout, a cast's `ttl`;
 * a server drops a message it receives later, unexecuted. `monitor` is the
 * caller's `callMonitorTimeout` (ms): the server then sends heartbeats. A reply
 * is `{ "result": ... }` or `{ "failure": { "class", "module", "code", "message", "data", "tb" } }`
 * (`tb`, the stack, only from a server with `sendTraceback`);
 * a heartbeat is an empty message. `oslo.version` is the envelope version, as
 * oslo.messaging's: a different major version is refused.
 *
 * @module
 */
import type { Failure } from "./remote_error.ts";
import type { Context } from "./serializer.ts";

/** Envelope version sent. */
export const ENVELOPE_VERSION = "2.0";

/** A request on the wire. */
export interface RpcRequest {
  "oslo.version": string;
  method: string;
  args: Record<string, unknown>;
  namespace?: string;
  version?: string;
  context: Context;
  /** Epoch ms after which the message must not run. */
  expires?: number;
  /** The caller's call-monitor timeout in ms (heartbeats wanted). */
  monitor?: number;
}

/** A final reply on the wire. */
export interface RpcReply {
  result?: unknown;
  failure?: Failure;
}

/** Parses and checks a request; throws `TypeError` naming the bad field. */
export function decodeRequest(text: string): RpcRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TypeError(`Cannot parse RPC message: ${(e as Error).message}`);
  }
  if (typeof raw !== "object" || raw === null) {
    throw new TypeError("Cannot read RPC message: not an object");
  }
  const r = raw as Record<string, unknown>;
  const env = String(r["oslo.version"] ?? "");
  if (env.split(".")[0] !== ENVELOPE_VERSION.split(".")[0]) {
    throw new TypeError(
      `Cannot read RPC message with envelope version "${env}": this server speaks ${ENVELOPE_VERSION}`,
    );
  }
  if (typeof r.method !== "string" || r.method === "") {
    throw new TypeError("Cannot read RPC message: field 'method' must be a non-empty string");
  }
  if (
    r.args !== undefined && (typeof r.args !== "object" || r.args === null || Array.isArray(r.args))
  ) {
    throw new TypeError("Cannot read RPC message: field 'args' must be an object");
  }
  for (const f of ["namespace", "version"] as const) {
    if (r[f] !== undefined && typeof r[f] !== "string") {
      throw new TypeError(`Cannot read RPC message: field '${f}' must be a string`);
    }
  }
  for (const f of ["expires", "monitor"] as const) {
    if (r[f] !== undefined && typeof r[f] !== "number") {
      throw new TypeError(`Cannot read RPC message: field '${f}' must be a number`);
    }
  }
  return {
    ...(r as unknown as RpcRequest),
    args: (r.args ?? {}) as Record<string, unknown>,
    context: (typeof r.context === "object" && r.context !== null ? r.context : {}) as Context,
  };
}
