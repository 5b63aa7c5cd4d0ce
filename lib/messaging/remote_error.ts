/**
 * Errors crossing the wire, as oslo.messaging sends them: the server always
 * sends the error's class name, its module (when the class declares one), its
 * message, `code` and simple own fields; a stack trace only when the server
 * opts in (`sendTraceback`). The caller decides what to rebuild: dispatcher
 * errors as their own types, an error whose class is in its
 * `allowedRemoteErrors` (oslo's `allowed_remote_exmods`) as an instance of that
 * class, anything else as a {@linkcode RemoteError} carrying the name and
 * message. `expectedErrors` (oslo's `expected_exceptions`) only decide how the
 * server logs (debug, not error with the stack).
 *
 * JavaScript classes have no module: a class names one with
 * `static readonly module = "nova.exception"` (or an instance `module` field),
 * and allow-list entries are keyed `module.Name`, so same-named classes of
 * different modules do not collide; a class without one is keyed by `Name`
 * and matches that name from any module.
 *
 * @module
 */
import {
  MessagingError,
  NoSuchMethodError,
  RemoteError,
  UnsupportedVersionError,
} from "./errors.ts";

/** An error class, as given in allow-lists. */
// deno-lint-ignore no-explicit-any
export type ErrorClass = abstract new (...args: any[]) => Error;

/** An allow-list: classes (keyed by their `module.Name`, else `Name`) or keys → classes. */
export type AllowedErrors = Iterable<ErrorClass> | Readonly<Record<string, ErrorClass>>;

/** An error on the wire. */
export interface Failure {
  /** Class name. */
  class: string;
  /** Module the class declares (`static module`), when it does. */
  module?: string;
  /** Stable code, when the error has one. */
  code?: string;
  /** Message. */
  message: string;
  /** Simple own fields (strings, numbers, booleans, null). */
  data?: Record<string, string | number | boolean | null>;
  /** The server's stack trace, only when it opted in. */
  tb?: string;
}

const SKIP = new Set(["message", "stack", "name", "cause", "code", "module"]);

function className(e: Error): string {
  return e.name && e.name !== "Error" ? e.name : (e.constructor?.name ?? "Error");
}

/** The module an error or class declares (`module` field or static), if any. */
function moduleOf(x: object): string | undefined {
  const own = (x as { module?: unknown }).module;
  if (typeof own === "string" && own) return own;
  const ctor = typeof x === "function" ? undefined : (x.constructor as { module?: unknown });
  return typeof ctor?.module === "string" && ctor.module ? ctor.module : undefined;
}

/** Whether `e` matches an entry of an expected-errors list (a class or a class name). */
export function isExpected(e: Error, expected: readonly (ErrorClass | string)[]): boolean {
  if (e instanceof MessagingError) return true;
  return expected.some((x) => typeof x === "string" ? x === className(e) : e instanceof x);
}

/** The wire form of an error thrown by an endpoint; the stack only with `traceback`. */
export function toFailure(e: unknown, options: { traceback?: boolean } = {}): Failure {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  const module = moduleOf(err);
  const failure: Failure = {
    class: className(err),
    ...(module ? { module } : {}),
    message: err.message,
    ...(typeof code === "string" ? { code } : {}),
  };
  const data: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(err)) {
    if (SKIP.has(k)) continue;
    if (v === null || ["string", "number", "boolean"].includes(typeof v)) {
      data[k] = v as string | number | boolean | null;
    }
  }
  if (Object.keys(data).length) failure.data = data;
  if (options.traceback && err.stack) failure.tb = err.stack;
  return failure;
}

/** Rebuilds an error from its wire form. */
export function fromFailure(f: Failure, allowed: ReadonlyMap<string, ErrorClass>): Error {
  const data = f.data ?? {};
  if (f.class === "NoSuchMethodError") return new NoSuchMethodError(String(data.method ?? ""));
  if (f.class === "UnsupportedVersionError") {
    return new UnsupportedVersionError(
      String(data.version ?? ""),
      ...(typeof data.method === "string" ? [data.method] : []),
    );
  }
  const cls = (f.module ? allowed.get(`${f.module}.${f.class}`) : undefined) ??
    allowed.get(f.class);
  if (!cls) {
    return new RemoteError(f.class, f.message ?? "", f.code, {
      ...(f.module ? { module: f.module } : {}),
      ...(f.tb ? { traceback: f.tb } : {}),
    });
  }
  const err = Object.create(cls.prototype) as Error;
  const props: PropertyDescriptorMap = {
    name: { value: f.class, writable: true, configurable: true },
    message: { value: f.message ?? "", writable: true, configurable: true },
    stack: {
      value: `${f.class}: ${f.message ?? ""}\n    at (remote)` + (f.tb ? `\n${f.tb}` : ""),
      writable: true,
      configurable: true,
    },
    remote: { value: true, enumerable: false },
  };
  if (f.code !== undefined) props.code = { value: f.code, enumerable: true };
  for (const [k, v] of Object.entries(data)) props[k] = { value: v, enumerable: true };
  Object.defineProperties(err, props);
  return err;
}

/**
 * A key → class map from an allow-list; throws `TypeError` when two classes
 * would share a key (same name, no module to tell them apart).
 *
 * @example Same-named classes of two modules
 * ```ts
 * import { allowList } from "./remote_error.ts";
 * import assert from "node:assert/strict";
 *
 * class NovaQuota extends Error { static readonly module = "nova.exception"; }
 * class CinderQuota extends Error { static readonly module = "cinder.exception"; }
 * Object.defineProperty(NovaQuota, "name", { value: "QuotaExceeded" });
 * Object.defineProperty(CinderQuota, "name", { value: "QuotaExceeded" });
 * assert.deepEqual([...allowList([NovaQuota, CinderQuota]).keys()], [
 *   "nova.exception.QuotaExceeded",
 *   "cinder.exception.QuotaExceeded",
 * ]);
 * assert.deepEqual([...allowList({ "QuotaExceeded": NovaQuota }).keys()], ["QuotaExceeded"]);
 * ```
 */
export function allowList(classes: AllowedErrors = []): Map<string, ErrorClass> {
  const map = new Map<string, ErrorClass>();
  const add = (key: string, c: ErrorClass) => {
    const other = map.get(key);
    if (other && other !== c) {
      throw new TypeError(
        `Cannot allow two remote error classes as "${key}": give them a module (static module = "...") or key them { "module.${key}": Class }`,
      );
    }
    map.set(key, c);
  };
  if (Symbol.iterator in classes) {
    for (const c of classes as Iterable<ErrorClass>) {
      const module = moduleOf(c);
      add(module ? `${module}.${c.name}` : c.name, c);
    }
  } else {
    for (const [key, c] of Object.entries(classes)) add(key, c);
  }
  return map;
}
