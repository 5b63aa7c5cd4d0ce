/**
 * Builds the health check (and later the metrics) from the loaded options:
 * `[healthcheck]` values, the status providers of the areas that load things
 * (`config` here; `policy` when lib/policy exposes one), then starts the
 * background probes.
 *
 * @module
 */
import type { ConfigOpts } from "../lib/config/mod.ts";
import {
  type ComponentStatus,
  createHealthcheck,
  type Healthcheck,
  HEALTHCHECK_OPTS,
  type StatusProvider,
} from "../lib/health/mod.ts";
import type { HealthAppDeps } from "./health.ts";

/** What the service passes besides the options. */
export interface HealthWiring {
  /** When the options were loaded (for the `config` backend). */
  loadedAt: Date;
  /** More status providers by backend name (`policy`, or a newer `config` with reloads). */
  statusProviders?: Readonly<Record<string, StatusProvider>>;
}

/** The built health check. */
export interface BuiltHealth {
  /** The health check. */
  health: Healthcheck;
  /** Deps of the health router. */
  deps: HealthAppDeps;
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
  const health = createHealthcheck(conf.group(HEALTHCHECK_OPTS), {
    warn: (message) => console.warn(`oslo-edge: [healthcheck] ${message}`),
    statusProviders: {
      config: loadedConfigStatus(conf, wiring.loadedAt),
      ...wiring.statusProviders,
    },
  });
  await health.start();
  return { health, deps: { health }, close: () => health.close() };
}
