/**
 * Request ids, as oslo.middleware's request_id: accept the caller's
 * `X-Openstack-Request-Id` when it has oslo's `req-<uuid>` shape, otherwise
 * generate one, and echo it on every response.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";

/** The header oslo.middleware uses. */
export const REQUEST_ID_HEADER = "X-Openstack-Request-Id";

const VALID = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The caller's id when it has oslo's `req-<uuid>` shape, else a new one. */
export function requestIdFor(given: string | null | undefined): string {
  return given && VALID.test(given) ? given : `req-${crypto.randomUUID()}`;
}

/** Variables this middleware sets on the context. */
export type RequestIdVariables = { requestId: string };

/** Request id middleware; the id is `c.get("requestId")`. */
export function requestId(): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  return async function requestIdMiddleware(c, next) {
    const id = requestIdFor(c.req.header(REQUEST_ID_HEADER));
    c.set("requestId", id);
    await next();
    // Set on the finished reply (cheaper than c.header(), which makes every reply merge headers).
    if (c.res.headers.get(REQUEST_ID_HEADER) !== id) {
      try {
        c.res.headers.set(REQUEST_ID_HEADER, id);
      } catch {
        c.res = new Response(c.res.body, c.res);
        c.res.headers.set(REQUEST_ID_HEADER, id);
      }
    }
  };
}
