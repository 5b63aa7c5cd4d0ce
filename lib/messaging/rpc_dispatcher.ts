/**
 * Picks the endpoint method for an incoming call, with oslo.messaging's rules
 * (`rpc/dispatcher.py`): endpoints are tried in order; the first whose target
 * accepts the namespace, whose version is compatible, which has the method and
 * whose access policy allows it, runs. A compatible endpoint without the method
 * means {@linkcode NoSuchMethodError}; no compatible endpoint means
 * {@linkcode UnsupportedVersionError}.
 *
 * @module
 */
import { NoSuchMethodError, UnsupportedVersionError } from "./errors.ts";
import type { Context, Serializer } from "./serializer.ts";
import { Target } from "./target.ts";
import { versionIsCompatible } from "./version.ts";

/**
 * An endpoint: an object whose methods are called as `method(ctxt, args)`
 * (`args` is the keyword-argument object of the call). Its optional `target`
 * gives the namespace and version it implements (default: null namespace, 1.0).
 */
export type Endpoint = object;

/**
 * Which endpoint methods may be called remotely: `default` (every method not
 * starting with `_`), `explicit` (only methods listed with {@linkcode expose}),
 * `legacy` (every method), or a function.
 */
export type AccessPolicy =
  | "default"
  | "explicit"
  | "legacy"
  | ((endpoint: Endpoint, method: string) => boolean);

const EXPOSED = Symbol.for("oslo-edge.messaging.exposed");

/**
 * Marks methods of an endpoint as callable under the `explicit` access policy
 * (oslo's `@expose`); returns the endpoint.
 *
 * @example
 * ```ts
 * import { expose } from "./rpc_dispatcher.ts";
 * import assert from "node:assert/strict";
 *
 * const ep = expose({ ping: () => "pong", reset: () => {} }, "ping");
 * assert.equal(typeof ep.ping, "function");
 * ```
 */
export function expose<E extends object>(endpoint: E, ...methods: (keyof E & string)[]): E {
  const obj = endpoint as E & { [EXPOSED]?: Set<string> };
  const set = obj[EXPOSED] ?? new Set<string>();
  for (const m of methods) set.add(m);
  Object.defineProperty(obj, EXPOSED, { value: set, enumerable: false, configurable: true });
  return endpoint;
}

function allowed(policy: AccessPolicy, endpoint: Endpoint, method: string): boolean {
  if (typeof policy === "function") return policy(endpoint, method);
  if (policy === "legacy") return true;
  if (policy === "explicit") {
    return (endpoint as { [EXPOSED]?: Set<string> })[EXPOSED]?.has(method) === true;
  }
  return !method.startsWith("_");
}

/** The method named `name`, unless it is not an own method of the endpoint's class or object. */
function methodOf(endpoint: Endpoint, name: string): ((...a: unknown[]) => unknown) | undefined {
  if (name === "constructor" || name === "target" || name in Object.prototype) return undefined;
  const fn = (endpoint as Record<string, unknown>)[name];
  return typeof fn === "function" ? fn as (...a: unknown[]) => unknown : undefined;
}

/** An incoming call's routing fields. */
export interface CallMessage {
  method: string;
  args: Record<string, unknown>;
  namespace?: string | undefined;
  version?: string | undefined;
}

/** The ping endpoint `rpcPingEnabled` adds: `oslo_rpc_server_ping` answers "pong". */
class PingEndpoint {
  oslo_rpc_server_ping(): string {
    return "pong";
  }
}

/** Dispatches calls to endpoints. */
export class RPCDispatcher {
  readonly endpoints: readonly Endpoint[];
  #serializer: Serializer;
  #policy: AccessPolicy;
  #default = new Target();

  constructor(
    endpoints: readonly Endpoint[],
    options: {
      serializer: Serializer;
      accessPolicy?: AccessPolicy;
      pingEnabled?: boolean;
      warn?: (message: string) => void;
    },
  ) {
    const list = [...endpoints];
    let hasPing = false;
    for (const ep of list) {
      const target = (ep as { target?: unknown }).target;
      if (target !== undefined && !(target instanceof Target)) {
        throw new TypeError(
          "Cannot use an endpoint whose 'target' is not a Target: 'target' is reserved for the " +
            "namespace and version; do not name an endpoint method 'target'",
        );
      }
      if (methodOf(ep, "oslo_rpc_server_ping")) hasPing = true;
    }
    if (options.pingEnabled) {
      if (hasPing) {
        options.warn?.(
          "rpc ping is enabled but an endpoint already defines oslo_rpc_server_ping: not adding it",
        );
      } else list.push(new PingEndpoint());
    }
    this.endpoints = list;
    this.#serializer = options.serializer;
    this.#policy = options.accessPolicy ?? "default";
  }

  /** Runs the call; resolves to the serialized result. */
  async dispatch(wireCtxt: Context, msg: CallMessage): Promise<unknown> {
    const version = msg.version ?? "1.0";
    let foundCompatible = false;
    for (const endpoint of this.endpoints) {
      const target = (endpoint as { target?: Target }).target ?? this.#default;
      if (!target.acceptedNamespaces.includes(msg.namespace)) continue;
      if (!versionIsCompatible(target.version ?? "1.0", version)) continue;
      const fn = methodOf(endpoint, msg.method);
      if (fn && allowed(this.#policy, endpoint, msg.method)) {
        const ctxt = this.#serializer.deserializeContext(wireCtxt);
        const args: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(msg.args ?? {})) {
          args[k] = this.#serializer.deserializeEntity(ctxt, v);
        }
        const result = await fn.call(endpoint, ctxt, args);
        return this.#serializer.serializeEntity(ctxt, result);
      }
      foundCompatible = true;
    }
    if (foundCompatible) throw new NoSuchMethodError(msg.method);
    throw new UnsupportedVersionError(version, msg.method);
  }
}
