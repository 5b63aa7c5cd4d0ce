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
 * Probes come often, so {@linkcode healthFastPath} answers the health paths
 * before the shell's middleware (body limit, auth), as oslo.middleware's
 * healthcheck sits first in a paste pipeline; it still echoes or generates
 * `X-Openstack-Request-Id` as the shell does. The Hono routes below give the
 * same answers for routers used on their own.
 *
 * The port `disable_by_files_ports` looks at is the listener's
 * (`serverPort`, set by the entry that listens), never the request URL's,
 * which comes from the `Host` header a client chooses; without it the port
 * is unknown (0) and no port's disable file applies.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import type { Healthcheck, HealthReply, ServiceMetrics, SourceFilter } from "../lib/health/mod.ts";
import { REQUEST_ID_HEADER, requestIdFor } from "./shell/request_id.ts";

/** What `Deno.serve` passes (its `ServeHandlerInfo`), plus the listening port when known. */
export interface ConnBindings {
  /** The peer of the connection. */
  remoteAddr?: Deno.Addr;
  /** Port the server listens on (the request's port for `disable_by_files_ports`). */
  serverPort?: number;
}

/** The port an unknown listener reports: matches no `disable_by_file_paths` entry. */
export const UNKNOWN_PORT = 0;

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

function remoteOf(env: ConnBindings | undefined): string | undefined {
  const addr = env?.remoteAddr;
  return addr && (addr.transport === "tcp" || addr.transport === "udp") ? addr.hostname : undefined;
}

function portOf(env: ConnBindings | undefined): number {
  return typeof env?.serverPort === "number" ? env.serverPort : UNKNOWN_PORT;
}

/** The connection's peer address, or undefined (in-memory requests, unix sockets). */
export function remoteAddress(c: Context<ConnEnv>): string | undefined {
  return remoteOf(c.env);
}

/** The port the request came in on: the listener's, or {@linkcode UNKNOWN_PORT} (never the Host header's). */
export function serverPort(c: Context<ConnEnv>): number {
  return portOf(c.env);
}

/** True when the source filter lets the request through. */
export function allowedSource(c: Context<ConnEnv>, filter: SourceFilter): boolean {
  return filter.open ||
    filter.allows({ remoteAddress: remoteAddress(c), header: (name) => c.req.header(name) });
}

/**
 * Turns a lib/health reply into a Response (no body for 204 or HEAD), with
 * `X-Openstack-Request-Id`: the caller's when valid, else a new one.
 */
export function sendReply(
  reply: HealthReply,
  request: { method?: string; requestId?: string | null | undefined } = {},
): Response {
  const id = requestIdFor(request.requestId);
  const headers: Record<string, string> = reply.contentType
    ? { "Content-Type": reply.contentType, [REQUEST_ID_HEADER]: id }
    : { [REQUEST_ID_HEADER]: id };
  const empty = reply.status === 204 || request.method === "HEAD";
  return new Response(empty ? null : reply.body, { status: reply.status, headers });
}

function pathAndQuery(url: string): [string, string] {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return ["/", ""];
  const q = url.indexOf("?", start);
  return q < 0 ? [url.slice(start), ""] : [url.slice(start, q), url.slice(q)];
}

/**
 * Answers the health paths (`[healthcheck] path`, `/livez`, `/readyz`)
 * synchronously, before any other middleware; returns undefined for anything
 * else, and for requests the source filter refuses (the app then answers them).
 */
export function healthFastPath(
  deps: HealthAppDeps,
): (req: Request, env?: ConnBindings) => Response | undefined {
  const { health } = deps;
  const metrics = deps.metrics?.service;
  return function fastHealth(req, env) {
    const [path, query] = pathAndQuery(req.url);
    const method = req.method;
    const probe = path === "/livez" || path === "/readyz";
    if (path !== health.path && !(probe && (method === "GET" || method === "HEAD"))) {
      return undefined;
    }
    const started = metrics ? performance.now() : 0;
    if (
      !health.filter.open &&
      !health.filter.allows({
        remoteAddress: remoteOf(env),
        header: (name) => req.headers.get(name) ?? undefined,
      })
    ) return undefined;
    let reply: HealthReply;
    if (path === health.path) {
      reply = health.reply({
        method,
        accept: req.headers.get("Accept"),
        serverPort: portOf(env),
        ...(deps.inFlight ? { inFlight: deps.inFlight() } : {}),
      });
    } else {
      const verbose = query !== "" && new URLSearchParams(query).has("verbose");
      reply = path === "/livez"
        ? health.livez({ verbose })
        : health.readyz({ verbose, serverPort: portOf(env) });
    }
    const res = sendReply(reply, { method, requestId: req.headers.get(REQUEST_ID_HEADER) });
    metrics?.httpRecord(method, path, reply.status, (performance.now() - started) / 1000);
    return res;
  };
}

function requestOf(c: Context<ConnEnv>): { method: string; requestId: string | undefined } {
  return { method: c.req.method, requestId: c.req.header(REQUEST_ID_HEADER) };
}

/** The health router. */
export function createHealthApp(deps: HealthAppDeps): Hono<ConnEnv> {
  const { health } = deps;
  const app = new Hono<ConnEnv>();
  const verbose = (c: Context<ConnEnv>) => c.req.query("verbose") !== undefined;

  app.all(health.path, async function healthcheck(c, next) {
    if (!allowedSource(c, health.filter)) return await next();
    return sendReply(
      health.reply({
        method: c.req.method,
        accept: c.req.header("Accept"),
        serverPort: serverPort(c),
        ...(deps.inFlight ? { inFlight: deps.inFlight() } : {}),
      }),
      requestOf(c),
    );
  });
  app.get("/livez", async function livez(c, next) {
    if (!allowedSource(c, health.filter)) return await next();
    return sendReply(health.livez({ verbose: verbose(c) }), requestOf(c));
  });
  app.get("/readyz", async function readyz(c, next) {
    if (!allowedSource(c, health.filter)) return await next();
    return sendReply(
      health.readyz({ verbose: verbose(c), serverPort: serverPort(c) }),
      requestOf(c),
    );
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
