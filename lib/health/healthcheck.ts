/**
 * oslo.middleware's `Healthcheck` without HTTP: from `[healthcheck]` values
 * it builds the plugins, keeps them probed in the background, and turns a
 * request's method, `Accept` header and port into a reply (status, content
 * type, body), plus Kubernetes' `/livez` and `/readyz` answers.
 *
 * Request trace (`reply`):
 * 1. The HTTP layer has already checked the source (`filter`): a refused request never gets here.
 * 2. The last result of every backend is read for the request's port (no I/O).
 * 3. HEAD: 204 or 503, empty body. Other methods: 200 or 503, in the type `Accept` picks.
 *
 * @module
 */
import { negotiator } from "./accept.ts";
import { type BackendDeps, createBackends, type HealthcheckValues } from "./backends.ts";
import { HealthMonitor, type MonitorOptions } from "./monitor.ts";
import { renderHealthPage } from "./page_html.ts";
import type { HealthcheckResult } from "./plugin.ts";
import { jsonBody, plainBody } from "./reply_formats.ts";
import {
  type RuntimeDetails,
  runtimeDetails,
  type StaticRuntime,
  staticRuntime,
} from "./runtime.ts";
import { createSourceFilter, type SourceFilter } from "./source_filter.ts";

/** A reply for the HTTP layer to send as is. */
export interface HealthReply {
  status: number;
  /** `Content-Type`; absent for a 204. */
  contentType?: string;
  body: string;
}

/** What a reply depends on. */
export interface HealthRequestInfo {
  /** HTTP method (`HEAD` gets no body, any other method is treated as GET). */
  method: string;
  /** The `Accept` header. */
  accept?: string | null | undefined;
  /** Port the request came in on (for `disable_by_files_ports`). */
  serverPort: number;
  /** Requests being served, for the runtime details. */
  inFlight?: number;
}

/** Offers in oslo.middleware's order: the order breaks ties between equal q-values. */
const OFFERS = ["text/plain", "text/html", "application/json"] as const;
const TEXT = "text/plain; charset=UTF-8";

/** Options of {@linkcode createHealthcheck} besides the `[healthcheck]` values. */
export interface HealthcheckDeps extends BackendDeps {
  /** Called after every probe (for metrics). */
  onResult?: MonitorOptions["onResult"];
}

/** The health check of one service. *
 * @example
 * ```ts
 * import { defaultHealthcheckValues, Healthcheck } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using health = new Healthcheck({ ...defaultHealthcheckValues(), detailed: true });
 * await health.start();
 * const reply = health.reply({ method: "GET", accept: "application/json", serverPort: 80 });
 * const body = JSON.parse(reply.body);
 * assert.equal(body.detailed, true);
 * assert.ok(body.deno_version.startsWith(Deno.version.deno));
 * assert.equal(health.readyz({ serverPort: 80 }).body, "ok");
 * ```
 */
export class Healthcheck implements AsyncDisposable {
  /** The path it answers on (`[healthcheck] path`). */
  readonly path: string;
  /** `[healthcheck] detailed`. */
  readonly detailed: boolean;
  /** `allowed_source_ranges` and `ignore_proxied_requests`. */
  readonly filter: SourceFilter;
  /** The background probes. */
  readonly monitor: HealthMonitor;
  readonly #runtime: StaticRuntime = staticRuntime();
  readonly #refresh: number;
  readonly #negotiate = negotiator(OFFERS, "text/plain");
  #memory: Deno.MemoryUsage | undefined;
  #memoryAt = 0;

  constructor(values: HealthcheckValues, deps: HealthcheckDeps = {}) {
    this.path = values.path;
    this.detailed = values.detailed;
    this.filter = createSourceFilter({
      allowedSourceRanges: values.allowed_source_ranges,
      ignoreProxiedRequests: values.ignore_proxied_requests,
    });
    this.monitor = new HealthMonitor(createBackends(values, deps), {
      interval: values.check_interval * 1000,
      fileInterval: values.file_check_interval * 1000,
      timeout: values.check_timeout * 1000,
      ...(deps.onResult ? { onResult: deps.onResult } : {}),
    });
    this.#refresh = Math.max(5, Math.round(values.check_interval));
  }

  /** Starts the probes; resolves when every backend has a first result. */
  start(): Promise<void> {
    return this.monitor.start();
  }

  /** The reply oslo.middleware's healthcheck would give. */
  reply(req: HealthRequestInfo): HealthReply {
    const results = this.monitor.results(req.serverPort);
    const healthy = results.every((r) => r.available);
    if (req.method.toUpperCase() === "HEAD") {
      return healthy ? { status: 204, body: "" } : { status: 503, contentType: TEXT, body: "" };
    }
    const status = healthy ? 200 : 503;
    const type = this.#negotiate(req.accept);
    if (type === "application/json") {
      const extra = this.detailed ? this.#detailedExtra(req) : undefined;
      return {
        status,
        contentType: "application/json",
        body: jsonBody(results, { detailed: this.detailed, ...(extra ? { extra } : {}) }),
      };
    }
    if (type === "text/html") {
      return {
        status,
        contentType: "text/html; charset=UTF-8",
        body: renderHealthPage({
          healthy,
          status,
          detailed: this.detailed,
          checks: this.monitor.checks(req.serverPort),
          runtime: this.runtime(req.inFlight),
          refreshSeconds: this.#refresh,
        }),
      };
    }
    return { status, contentType: TEXT, body: plainBody(results) };
  }

  /** Runtime details now (memory figures at most 250 ms old). */
  runtime(inFlight?: number): RuntimeDetails {
    const now = Date.now();
    if (!this.#memory || now - this.#memoryAt > 250) {
      this.#memory = Deno.memoryUsage();
      this.#memoryAt = now;
    }
    return runtimeDetails(this.#runtime, {
      startedAt: this.monitor.startedAt,
      lagMs: this.monitor.lagMs,
      inFlight,
      now: new Date(now),
      memory: this.#memory,
    });
  }

  #detailedExtra(req: HealthRequestInfo): Record<string, unknown> {
    const checks = this.monitor.checks(req.serverPort).map((c) => ({
      name: c.name,
      kind: c.kind,
      available: c.result.available,
      reason: c.result.reason,
      details: c.result.details ?? "",
      checked_at: c.checkedAt?.toISOString() ?? null,
      age_seconds: c.ageSeconds === undefined ? null : Math.round(c.ageSeconds * 1000) / 1000,
      duration_ms: c.durationMs === undefined ? null : Math.round(c.durationMs * 1000) / 1000,
    }));
    return { ...this.runtime(req.inFlight), checks };
  }

  /** Kubernetes liveness: the process serves and its timers fire. Never looks at dependencies. */
  livez(options: { verbose?: boolean } = {}): HealthReply {
    const live = this.monitor.liveness();
    const line = live.ok ? "[+]ping ok" : `[-]ping failed: ${live.detail}`;
    return kubeReply("livez", live.ok, [line], options.verbose ?? false);
  }

  /** Kubernetes readiness: every backend available (a disable file takes the pod out too). */
  readyz(options: { verbose?: boolean; serverPort: number }): HealthReply {
    const checks = this.monitor.checks(options.serverPort);
    const ok = checks.every((c) => c.result.available);
    const lines = checks.map((c) => line(c.name, c.result));
    return kubeReply("readyz", ok, lines, options.verbose ?? false);
  }

  /** Stops the probes and closes the plugins' connections. */
  async close(): Promise<void> {
    await this.monitor.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function line(name: string, r: HealthcheckResult): string {
  return r.available ? `[+]${name} ok` : `[-]${name} failed: ${r.reason}`;
}

function kubeReply(kind: string, ok: boolean, lines: string[], verbose: boolean): HealthReply {
  const contentType = "text/plain; charset=utf-8";
  if (ok && !verbose) return { status: 200, contentType, body: "ok" };
  const verdict = ok ? `${kind} check passed` : `${kind} check failed`;
  return { status: ok ? 200 : 503, contentType, body: [...lines, verdict].join("\n") + "\n" };
}

/**
 * Builds the health check from `[healthcheck]` values; throws
 * `HealthConfigError` for options that cannot work (unknown backend, bad range).
 *
 * @example Not detailed, no backends: 200 with an empty body, as oslo.middleware
 * ```ts
 * import { ConfigOpts } from "../config/mod.ts";
 * import { createHealthcheck, HEALTHCHECK_OPTS } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const conf = await new ConfigOpts().register(HEALTHCHECK_OPTS).load({ env: false });
 * await using health = createHealthcheck(conf.group(HEALTHCHECK_OPTS));
 * await health.start();
 * assert.deepEqual(health.reply({ method: "GET", serverPort: 80 }), {
 *   status: 200,
 *   contentType: "text/plain; charset=UTF-8",
 *   body: "",
 * });
 * assert.equal(health.reply({ method: "HEAD", serverPort: 80 }).status, 204);
 * ```
 */
export function createHealthcheck(
  values: HealthcheckValues,
  deps: HealthcheckDeps = {},
): Healthcheck {
  return new Healthcheck(values, deps);
}
