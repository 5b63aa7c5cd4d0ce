/**
 * Errors crossing the wire. The server sends the error's class name and `code`
 * always, and its message and simple fields only for expected errors (oslo's
 * `expected_exceptions`; lib/messaging's own errors are always expected), so an
 * unexpected error's text, which may hold secrets, stays in the server's log.
 * The caller rebuilds dispatcher errors as their own types, errors whose class
 * is in its `allowedRemoteErrors` (oslo's `allowed_remote_exmods`) as instances
 * of that class, and anything else as a {@linkcode RemoteError}.
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

/** An error on the wire. */
export interface Failure {
  /** Class name. */
  class: string;
  /** Stable code, when the error has one. */
  code?: string;
  /** Message, "" when withheld. */
  message: string;
  /** Simple own fields (strings, numbers, booleans), for expected errors. */
  data?: Record<string, string | number | boolean | null>;
}

const SKIP = new Set(["message", "stack", "name", "cause", "code"]);

function className(e: Error): string {
  return e.name && e.name !== "Error" ? e.name : (e.constructor?.name ?? "Error");
}

/** Whether `e` matches an entry of an expected-errors list (a class or a class name). */
export function isExpected(e: Error, expected: readonly (ErrorClass | string)[]): boolean {
  if (e instanceof MessagingError) return true;
  return expected.some((x) => typeof x === "string" ? x === className(e) : e instanceof x);
}

/** The wire form of an error thrown by an endpoint. */
export function toFailure(e: unknown, expected: boolean): Failure {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  const failure: Failure = {
    class: className(err),
    message: expected ? err.message : "",
    ...(typeof code === "string" ? { code } : {}),
  };
  if (expected) {
    const data: Record<string, string | number | boolean | null> = {};
    for (const [k, v] of Object.entries(err)) {
      if (SKIP.has(k)) continue;
      if (v === null || ["string", "number", "boolean"].includes(typeof v)) {
        data[k] = v as string | number | boolean | null;
      }
    }
    if (Object.keys(data).length) failure.data = data;
  }
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
  const cls = allowed.get(f.class);
  if (!cls) return new RemoteError(f.class, f.message, f.code);
  const err = Object.create(cls.prototype) as Error;
  const props: PropertyDescriptorMap = {
    name: { value: f.class, writable: true, configurable: true },
    message: { value: f.message, writable: true, configurable: true },
    stack: {
      value: `${f.class}: ${f.message}\n    at (remote)`,
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

/** A name → class map from an allow-list of classes. */
export function allowList(classes: Iterable<ErrorClass> = []): Map<string, ErrorClass> {
  const map = new Map<string, ErrorClass>();
  for (const c of classes) map.set(c.name, c);
  return map;
}
