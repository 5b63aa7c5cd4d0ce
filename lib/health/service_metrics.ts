/**
 * The service's metrics and the hooks that feed them. Each area calls a
 * plain function (no prom-client types): the HTTP shell `httpRequest`, the
 * policy engine `policyDecision`, quota enforcement `limitCheck`, the config
 * reloader `configReload`, messaging `watchTransport` / `rpcClientCall` /
 * `rpcServerCall`, the health monitor `healthResult`. RPC series keep
 * oslo.metrics' names, labels and buckets.
 *
 * @module
 */
import type { Transport, TransportStatus } from "../messaging/mod.ts";
import { MetricsRegistry } from "./metrics_registry.ts";
import {
  type RpcClientLabels,
  rpcMetrics,
  type RpcServerLabels,
  type RpcTimer,
} from "./rpc_metrics.ts";
import type { HealthcheckResult } from "./plugin.ts";

/** Seconds: 0.5 ms to 10 s, for HTTP handlers that mostly answer from memory. */
export const HTTP_BUCKETS = [
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
] as const;

const METHODS = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "CONNECT",
  "OPTIONS",
  "TRACE",
  "PATCH",
]);

/** A policy decision's outcome. */
export type DecisionResult = "allow" | "deny" | "error";

/**
 * Every metric the service exposes, with the hooks that feed them.
 *
 * @example
 * ```ts
 * import { MetricsRegistry, ServiceMetrics } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const metrics = new ServiceMetrics(new MetricsRegistry());
 * metrics.policyDecision("compute:get", "deny");
 * metrics.limitCheck("over", ["cores"]);
 * const text = await metrics.registry.render();
 * assert.match(text, /oslo_edge_policy_decisions_total\{rule="compute:get",result="deny"\} 1/);
 * assert.match(text, /oslo_edge_limit_rejections_total\{resource="cores"\} 1/);
 * ```
 */
export class ServiceMetrics {
  readonly registry: MetricsRegistry;
  readonly #http;
  readonly #httpSeconds;
  readonly #inFlight;
  readonly #decisions;
  readonly #limitChecks;
  readonly #limitRejections;
  readonly #reloads;
  readonly #lastReload;
  readonly #natsEvents;
  readonly #natsRtt;
  readonly #natsConnected;
  readonly #checkUp;
  readonly #checkSeconds;
  readonly #rpc;
  #inFlightNow = 0;
  readonly #httpSeries = new Map<
    string,
    { count: { inc(): void }; time: { observe(seconds: number): void } }
  >();

  constructor(registry: MetricsRegistry = new MetricsRegistry()) {
    this.registry = registry;
    const r = registry;
    const http = ["method", "route", "status"] as const;
    this.#http = r.counter("oslo_edge_http_requests_total", {
      help: "HTTP requests answered, by method, route pattern and status.",
      labels: http,
    });
    this.#httpSeconds = r.histogram("oslo_edge_http_request_duration_seconds", {
      help: "Time to answer HTTP requests, by method, route pattern and status.",
      labels: http,
      buckets: HTTP_BUCKETS,
    });
    this.#inFlight = r.gauge("oslo_edge_http_requests_in_flight", {
      help: "HTTP requests being answered.",
    });
    r.beforeRender(() => this.#inFlight.set({}, this.#inFlightNow));
    this.#decisions = r.counter("oslo_edge_policy_decisions_total", {
      help: "Policy decisions, by rule and result (allow, deny, error).",
      labels: ["rule", "result"],
    });
    this.#limitChecks = r.counter("oslo_edge_limit_checks_total", {
      help: "Quota (unified limits) checks, by result (ok, over, error).",
      labels: ["result"],
    });
    this.#limitRejections = r.counter("oslo_edge_limit_rejections_total", {
      help: "Quota checks rejected because a resource would go over its limit, by resource.",
      labels: ["resource"],
    });
    this.#reloads = r.counter("oslo_edge_config_reloads_total", {
      help: "Configuration reloads, by result (success, failure).",
      labels: ["result"],
    });
    this.#lastReload = r.gauge("oslo_edge_config_last_reload_timestamp_seconds", {
      help: "Unix time of the last configuration reload, by result.",
      labels: ["result"],
    });
    this.#natsEvents = r.counter("oslo_edge_nats_connection_events_total", {
      help: "NATS connection state changes (disconnect, reconnecting, reconnect, error).",
      labels: ["event"],
    });
    this.#natsRtt = r.gauge("oslo_edge_nats_rtt_seconds", {
      help: "Last measured round trip to the NATS server.",
    });
    this.#natsConnected = r.gauge("oslo_edge_nats_connected", {
      help: "1 while the NATS connection is up, 0 while it is down.",
    });
    this.#checkUp = r.gauge("oslo_edge_health_check_up", {
      help: "1 when the health check backend is available, 0 when not " +
        "(disable_by_files_ports: one series per configured port).",
      labels: ["check", "port"],
    });
    this.#checkSeconds = r.gauge("oslo_edge_health_check_duration_seconds", {
      help: "How long the last probe of the health check backend took.",
      labels: ["check"],
    });
    this.#rpc = rpcMetrics(r);
  }

  /** Requests being answered now. */
  get inFlight(): number {
    return this.#inFlightNow;
  }

  /** The HTTP shell: a request started; call the returned function with the route and status. */
  httpStart(method: string): (route: string, status: number) => void {
    const started = performance.now();
    this.#inFlightNow++;
    return (route, status) => {
      this.#inFlightNow--;
      this.httpRecord(method, route, status, (performance.now() - started) / 1000);
    };
  }

  /**
   * The HTTP shell: one request answered (for paths timed by the caller, such
   * as health probes). Methods outside RFC 9110's are counted as `other`, so
   * callers cannot grow the label set.
   */
  httpRecord(method: string, route: string, status: number, seconds: number): void {
    const m = METHODS.has(method) ? method : "other";
    const key = `${m} ${status} ${route}`;
    let series = this.#httpSeries.get(key);
    if (!series) {
      const labels = { method: m, route, status: String(status) };
      series = { count: this.#http.bind(labels), time: this.#httpSeconds.bind(labels) };
      this.#httpSeries.set(key, series);
    }
    series.count.inc();
    series.time.observe(seconds);
  }

  /** lib/policy: one decision on `rule`. */
  policyDecision(rule: string, result: DecisionResult): void {
    this.#decisions.inc({ rule, result });
  }

  /** lib/limit: one enforcement; `over` with the resources that went over. */
  limitCheck(result: "ok" | "over" | "error", overResources: readonly string[] = []): void {
    this.#limitChecks.inc({ result });
    for (const resource of overResources) this.#limitRejections.inc({ resource });
  }

  /** lib/config: one reload (SIGHUP, file watch, KV watch). */
  configReload(result: "success" | "failure", at: Date = new Date()): void {
    this.#reloads.inc({ result });
    this.#lastReload.set({ result }, at.getTime() / 1000);
  }

  /** lib/messaging or the nats health backend: a connection state change. */
  natsStatus(status: TransportStatus): void {
    this.#natsEvents.inc({ event: status.type });
    if (status.type === "disconnect" || status.type === "reconnecting") {
      this.#natsConnected.set({}, 0);
    }
    if (status.type === "reconnect") this.#natsConnected.set({}, 1);
  }

  /** The nats health backend: a measured round trip in milliseconds. */
  natsRtt(ms: number): void {
    this.#natsRtt.set({}, ms / 1000);
  }

  /** The nats health backend, after every probe: whether its connection is up (0 when it could not connect). */
  natsConnected(up: boolean): void {
    this.#natsConnected.set({}, up ? 1 : 0);
  }

  /**
   * Follows a NATS connection: state changes, and its message/byte/reconnect
   * totals read at every scrape. Returns a function that stops following.
   */
  watchTransport(transport: Transport): () => void {
    const unwatch = transport.onStatus((s) => this.natsStatus(s));
    this.#natsConnected.set({}, transport.state === "connected" ? 1 : 0);
    const stats = () => transport.stats();
    const stops = [
      this.registry.observedCounter("oslo_edge_nats_messages_total", {
        help: "Messages over the NATS connection, by direction (in, out).",
        labels: ["direction"],
      }, () => {
        const s = stats();
        return [{ labels: { direction: "in" }, value: s.inMsgs }, {
          labels: { direction: "out" },
          value: s.outMsgs,
        }];
      }),
      this.registry.observedCounter("oslo_edge_nats_bytes_total", {
        help: "Bytes over the NATS connection, by direction (in, out).",
        labels: ["direction"],
      }, () => {
        const s = stats();
        return [{ labels: { direction: "in" }, value: s.inBytes }, {
          labels: { direction: "out" },
          value: s.outBytes,
        }];
      }),
      this.registry.observedCounter("oslo_edge_nats_reconnects_total", {
        help: "Reconnects of the NATS connection since it was opened.",
      }, () => [{ labels: {}, value: stats().reconnects }]),
    ];
    return () => {
      unwatch();
      for (const stop of stops) stop();
    };
  }

  /** lib/messaging: an RPC client call or cast starts (oslo.metrics' client series). */
  rpcClientCall(labels: RpcClientLabels): RpcTimer {
    return this.#rpc.start("client", labels);
  }

  /** lib/messaging: an RPC server dispatch starts (oslo.metrics' server series). */
  rpcServerCall(labels: RpcServerLabels): RpcTimer {
    return this.#rpc.start("server", labels);
  }

  /** The health monitor: the result of one probe (for one port of a per-port backend). */
  healthResult(
    check: string,
    result: HealthcheckResult,
    probe: { durationMs: number; port?: number },
  ): void {
    const { port } = probe;
    this.#checkUp.set(port === undefined ? { check } : { check, port }, result.available ? 1 : 0);
    this.#checkSeconds.set({ check }, probe.durationMs / 1000);
  }
}
