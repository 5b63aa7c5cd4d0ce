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
  rpcHooks,
  ServiceMetrics,
  type StatusProvider,
} from "../lib/health/mod.ts";
import type { RpcCallHook, Transport } from "../lib/messaging/mod.ts";
import type { HealthAppDeps } from "./health.ts";

/** The service's NATS connection, as its options give it. */
export interface ServiceNats {
  /** Its URL (`--nats` or `[DEFAULT] transport_url`): the default of `[healthcheck] nats_url`. */
  url: string;
  /** It joins its site over it (`--site`): the nats backend then checks that connection. */
  joinsSite: boolean;
}

/** What the service passes besides the options. */
export interface HealthWiring {
  /** When the options were loaded (for the `config` backend). */
  loadedAt: Date;
  /** More status providers by backend name (`policy`, or a newer `config` with reloads). */
  statusProviders?: Readonly<Record<string, StatusProvider>>;
  /** Start the probes now (default); false when the caller starts them once its areas are built. */
  start?: boolean;
  /** The service's NATS connection, when it has one. */
  nats?: ServiceNats | undefined;
}

/**
 * What joining a site hands over (agent/attach.ts takes these): the
 * connection, for the metrics and the nats backend, and the per-call hooks of
 * the agent's RPC server and client.
 */
export interface SiteHooks {
  /** The connection is up: watch it (messages, bytes, reconnects) and check it. */
  onTransport(transport: Transport): void;
  /** oslo.metrics' server series (absent when metrics are off). */
  onServerCall?: RpcCallHook;
  /** oslo.metrics' client series (absent when metrics are off). */
  onClientCall?: RpcCallHook;
}

/** The built health check. */
export interface BuiltHealth {
  /** The health check. */
  health: Healthcheck;
  /** Deps of the health router. */
  deps: HealthAppDeps;
  /** The metrics and their hooks (undefined when `[metrics] enabled = false`). */
  metrics: ServiceMetrics | undefined;
  /** For joining the site. */
  siteHooks: SiteHooks;
  /** Stops the probes and the watching. */
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
  let shared: Transport | undefined;
  let unwatch: (() => void) | undefined;
  const nats = wiring.nats;
  const health = createHealthcheck(conf.group(HEALTHCHECK_OPTS), {
    warn: (message) => console.warn(`oslo-edge: [healthcheck] ${message}`),
    statusProviders: {
      config: loadedConfigStatus(conf, wiring.loadedAt),
      ...wiring.statusProviders,
    },
    ...(nats ? { natsUrl: nats.url } : {}),
    ...(nats?.joinsSite ? { sharedTransport: () => shared } : {}),
    ...(metrics
      ? {
        onResult: (name, result, probe) => metrics.healthResult(name, result, probe),
        onNatsRtt: (ms) => metrics.natsRtt(ms),
        onNatsStatus: (status) => metrics.natsStatus(status),
        onNatsConnected: (up) => metrics.natsConnected(up),
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
  const siteHooks: SiteHooks = {
    onTransport(transport) {
      unwatch?.();
      shared = transport;
      unwatch = metrics?.watchTransport(transport);
      void health.monitor.refresh("nats");
    },
    ...(metrics ? rpcServiceHooks(metrics) : {}),
  };
  return {
    health,
    deps,
    metrics,
    siteHooks,
    close: async () => {
      unwatch?.();
      await health.close();
    },
  };
}

function rpcServiceHooks(
  metrics: ServiceMetrics,
): Pick<SiteHooks, "onServerCall" | "onClientCall"> {
  const { onServerCall, onClientCall } = rpcHooks(metrics);
  return { onServerCall, onClientCall };
}
