/**
 * Health router, unauthenticated:
 * - `[healthcheck] path` (default `/healthcheck`), every method: oslo.middleware's
 *   healthcheck (HEAD → 204/503, others → 200/503 in the type `Accept` picks);
 * - `GET /livez`, `GET /readyz` (`?verbose` lists the checks): Kubernetes probes;
 * - `GET [metrics] path` (default `/metrics`): Prometheus text format.
 *
 * Requests refused by `allowed_source_ranges` / `ignore_proxied_requests` are
 * not answered here: they go on to the rest of the app (404), as
 * oslo.middleware passes them to the application it wraps. The source address
 * is the connection's (`Deno.serve`'s `info.remoteAddr`, which Hono puts in
 * `c.env`), never a header.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import type { Healthcheck, HealthReply, ServiceMetrics, SourceFilter } from "../lib/health/mod.ts";

/** What `Deno.serve` passes (its `ServeHandlerInfo`), plus the listening port when known. */
export interface ConnBindings {
  /** The peer of the connection. */
  remoteAddr?: Deno.Addr;
  /** Port the server listens on (the request's port for `disable_by_files_ports`). */
  serverPort?: number;
}

/** Hono env of routers that read the connection. */
export type ConnEnv = { Bindings: ConnBindings };

/** What the health router needs. */
export interface HealthAppDeps {
  /** The health check, started. */
  health: Healthcheck;
  /** Requests in flight, for the runtime details. */
  inFlight?: () => number;
  /** The metrics endpoint; absent when `[metrics] enabled = false`. */
  metrics?: MetricsEndpoint;
}

/** Where and to whom metrics are served. */
export interface MetricsEndpoint {
  /** The service's metrics (its HTTP middleware feeds them too). */
  service: ServiceMetrics;
  /** `[metrics] path`. */
  path: string;
  /** `[metrics] allowed_source_ranges` and `ignore_proxied_requests`. */
  filter: SourceFilter;
}

/** The connection's peer address, or undefined (in-memory requests, unix sockets). */
export function remoteAddress(c: Context<ConnEnv>): string | undefined {
  const addr = c.env?.remoteAddr;
  return addr && (addr.transport === "tcp" || addr.transport === "udp") ? addr.hostname : undefined;
}

/** The port the request came in on: the listener's when the server says, else the URL's. */
export function serverPort(c: Context<ConnEnv>): number {
  if (typeof c.env?.serverPort === "number") return c.env.serverPort;
  const url = new URL(c.req.url);
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/** True when the source filter lets the request through. */
export function allowedSource(c: Context<ConnEnv>, filter: SourceFilter): boolean {
  return filter.open ||
    filter.allows({ remoteAddress: remoteAddress(c), header: (name) => c.req.header(name) });
}

/** Turns a lib/health reply into a Response. */
export function sendReply(reply: HealthReply): Response {
  const headers = new Headers();
  if (reply.contentType) headers.set("Content-Type", reply.contentType);
  return new Response(reply.status === 204 ? null : reply.body, {
    status: reply.status,
    headers,
  });
}

/** The health router. */
export function createHealthApp(deps: HealthAppDeps): Hono<ConnEnv> {
  const { health } = deps;
  const app = new Hono<ConnEnv>();
  const verbose = (c: Context<ConnEnv>) => c.req.query("verbose") !== undefined;

  app.all(health.path, async function healthcheck(c, next) {
    if (!allowedSource(c, health.filter)) return await next();
    return sendReply(health.reply({
      method: c.req.method,
      accept: c.req.header("Accept"),
      serverPort: serverPort(c),
      ...(deps.inFlight ? { inFlight: deps.inFlight() } : {}),
    }));
  });
  app.get("/livez", async function livez(c, next) {
    if (!allowedSource(c, health.filter)) return await next();
    return sendReply(health.livez({ verbose: verbose(c) }));
  });
  app.get("/readyz", async function readyz(c, next) {
    if (!allowedSource(c, health.filter)) return await next();
    return sendReply(health.readyz({ verbose: verbose(c), serverPort: serverPort(c) }));
  });
  const metrics = deps.metrics;
  if (metrics) {
    app.get(metrics.path, async function metricsText(c, next) {
      if (!allowedSource(c, metrics.filter)) return await next();
      const text = await metrics.service.registry.render();
      return c.body(text, 200, { "Content-Type": metrics.service.registry.contentType });
    });
  }
  return app;
}
