/**
 * Request body size limit, as hono's `bodyLimit` but without touching the
 * body when `Content-Length` already answers: in Deno, reading `request.body`
 * turns the body into a JavaScript stream, which makes every later read of it
 * several times slower. Chunked bodies (no length) go through hono's counting
 * reader.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";

/** Options: the largest body in bytes, and what to do beyond it. */
export interface BodyLimitOptions {
  maxSize: number;
  onError: (c: Context) => Response | Promise<Response>;
}

/** Refuses bodies over `maxSize` bytes. */
export function bodyLimit(options: BodyLimitOptions): MiddlewareHandler {
  const counting = honoBodyLimit(options);
  return async function bodyLimitMiddleware(c, next) {
    const headers = c.req.raw.headers;
    const length = headers.get("content-length");
    if (length !== null && !headers.has("transfer-encoding")) {
      if (Number.parseInt(length, 10) > options.maxSize) return await options.onError(c);
      return await next();
    }
    return await counting(c, next);
  };
}
