/**
 * Counts every request and times it, by method, route pattern and status
 * (`oslo_edge_http_requests_total`, `oslo_edge_http_request_duration_seconds`).
 * The route is the pattern the request matched (`/v1/config/validate`), never
 * the raw path, so label values stay few; requests no route matched count as
 * `unmatched`.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { ServiceMetrics } from "../../lib/health/mod.ts";

/** The route pattern a request matched, or `unmatched`. */
export function routeOf(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const path = routes[i]!.path;
    if (!path.endsWith("*")) return path;
  }
  return "unmatched";
}

/** Options of {@linkcode httpMetrics}. */
export interface HttpMetricsOptions {
  /** Where the counts go. */
  metrics: ServiceMetrics;
}

/**
 * Bindings a fast path (functions/policy_fast_path.ts) passes when it hands a
 * request it has started timing to the app: the timer goes on, so the request
 * is counted once, for its whole time.
 */
export interface HttpTimerBindings {
  httpTimer?: (route: string, status: number) => void;
}

/** The middleware; mount it first so the time covers the whole shell. */
export function httpMetrics(options: HttpMetricsOptions): MiddlewareHandler {
  const { metrics } = options;
  return async function httpMetricsMiddleware(c, next) {
    const done = (c.env as HttpTimerBindings | undefined)?.httpTimer ??
      metrics.httpStart(c.req.method);
    try {
      await next();
    } finally {
      done(routeOf(c), c.res.status);
    }
  };
}
