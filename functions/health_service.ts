/**
 * Builds the health check and the metrics from the loaded options:
 * `[healthcheck]` values, the status providers of the areas that load things
 * (`config` here; `policy` when lib/policy exposes one), `[metrics]`, then
 * starts the background probes.
 *
 * @module
 */
import type { ConfigOpts } from "../lib/config/mod.ts";
import {
  type ComponentStatus,
  createHealthcheck,
  createSourceFilter,
  type Healthcheck,
  HEALTHCHECK_OPTS,
  METRICS_OPTS,
  MetricsRegistry,
  ServiceMetrics,
  type StatusProvider,
} from "../lib/health/mod.ts";
import type { HealthAppDeps } from "./health.ts";

/** What the service passes besides the options. */
export interface HealthWiring {
  /** When the options were loaded (for the `config` backend). */
  loadedAt: Date;
  /** More status providers by backend name (`policy`, or a newer `config` with reloads). */
  statusProviders?: Readonly<Record<string, StatusProvider>>;
  /** Start the probes now (default); false when the caller starts them once its areas are built. */
  start?: boolean;
}

/** The built health check. */
export interface BuiltHealth {
  /** The health check. */
  health: Healthcheck;
  /** Deps of the health router. */
  deps: HealthAppDeps;
  /** The metrics and their hooks (undefined when `[metrics] enabled = false`). */
  metrics: ServiceMetrics | undefined;
  /** Stops the probes. */
  close(): Promise<void>;
}

/** The `config` backend's provider for options loaded once at start. */
export function loadedConfigStatus(conf: ConfigOpts, loadedAt: Date): StatusProvider {
  const status: ComponentStatus = {
    loaded: true,
    loadedAt,
    source: conf.files.length > 0 ? conf.files.join(", ") : "defaults and environment",
    reloads: 0,
  };
  return () => status;
}

/**
 * Builds and starts the health check; throws `HealthConfigError` for options
 * that cannot work.
 */
export async function buildHealth(conf: ConfigOpts, wiring: HealthWiring): Promise<BuiltHealth> {
  const m = conf.group(METRICS_OPTS);
  let metrics: ServiceMetrics | undefined;
  let metricsFilter;
  if (m.enabled) {
    metricsFilter = createSourceFilter({
      allowedSourceRanges: m.allowed_source_ranges,
      ignoreProxiedRequests: m.ignore_proxied_requests,
      option: "metrics/allowed_source_ranges",
    });
    const registry = new MetricsRegistry();
    if (m.process_metrics) registry.collectProcessMetrics();
    metrics = new ServiceMetrics(registry);
  }
  const health = createHealthcheck(conf.group(HEALTHCHECK_OPTS), {
    warn: (message) => console.warn(`oslo-edge: [healthcheck] ${message}`),
    statusProviders: {
      config: loadedConfigStatus(conf, wiring.loadedAt),
      ...wiring.statusProviders,
    },
    ...(metrics
      ? {
        onResult: (name, result, ms) => metrics.healthResult(name, result, ms),
        onNatsRtt: (ms) => metrics.natsRtt(ms),
        onNatsStatus: (status) => metrics.natsStatus(status),
      }
      : {}),
  });
  if (wiring.start !== false) await health.start();
  const deps: HealthAppDeps = metrics && metricsFilter
    ? {
      health,
      inFlight: () => metrics.inFlight,
      metrics: { service: metrics, path: m.path, filter: metricsFilter },
    }
    : { health };
  return { health, deps, metrics, close: () => health.close() };
}
