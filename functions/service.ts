/**
 * Builds the service from its configuration: reads the options (command line,
 * environment, config files), checks them, and creates the app.
 *
 * @module
 */
import {
  ConfigError,
  ConfigOpts,
  type ConfigText,
  loadSchema,
  type OptGroup,
  type Schema,
  type SchemaGroup,
} from "../lib/config/mod.ts";
import { type AppEnv, createApp } from "./app.ts";
import { CONFIG_OPTS, DEFAULT_OPTS, MIDDLEWARE_OPTS, SERVICE_GROUPS } from "./options.ts";
import { buildHealth, type ServiceNats, type SiteHooks } from "./health_service.ts";
import {
  type ComponentStatus,
  type Healthcheck,
  HealthConfigError,
  type ServiceMetrics,
} from "../lib/health/mod.ts";
import type { DecisionInfo, Enforcer, PolicyStatus } from "../lib/policy/mod.ts";
import { createServiceVerifier } from "./service_auth.ts";
import { StartupError } from "./startup_error.ts";
import { createLimitService, type LimitService } from "./limit_service.ts";
import { LIMIT_POLICY_DEFAULTS, type LimitAppDeps } from "./limit.ts";
import { registerPolicyDefaults } from "./shell/authorize.ts";
import { createServiceEnforcer } from "./service_policy.ts";
import type { Hono } from "hono";

/** Inputs of {@linkcode createService}. */
export interface ServiceOptions {
  /** Command-line arguments (`--config-file`, `--dev`, ...). */
  args?: readonly string[];
  /** Environment (`OS_<GROUP>__<OPTION>`); the process's own by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Config texts read before any `--config-file`. */
  texts?: readonly ConfigText[];
  /** More option groups to read from the same sources (the edge agent's). */
  extraGroups?: readonly OptGroup[];
  /** Whether the app is served over HTTP (default true); false skips token verification. */
  http?: boolean;
  /** Where serve.ts listens in dev mode or not, named in the auth-off warning. */
  listen?: (dev: boolean) => string;
  /**
   * The service's NATS connection as the loaded options give it (serve.ts:
   * `--site` with `--nats` or `[DEFAULT] transport_url`); the default of
   * `[healthcheck] nats_url`, and when it joins its site, what the nats
   * backend checks (handed over through {@linkcode Service.siteHooks}).
   */
  nats?: (conf: ConfigOpts) => ServiceNats | undefined;
}

/** The areas a service is built from, for what drives them besides HTTP (the edge agent). */
export interface ServiceParts {
  /** The health check (its probes run in the background). */
  health: Healthcheck;
  /** The policy enforcer. */
  policy: Enforcer;
  /** The limits enforcer and usage store, when limits are served. */
  limits?: LimitAppDeps;
}

/** A built service. */
export interface Service {
  /** The HTTP app. */
  app: Hono<AppEnv>;
  /** The loaded options. */
  conf: ConfigOpts;
  /** Lines to print at start (deprecations, unknown options and groups, auth off in dev mode). */
  warnings: string[];
  /** The areas behind the app. */
  parts: ServiceParts;
  /** For joining the site (agent/attach.ts): metrics and the nats backend follow its connection. */
  siteHooks: SiteHooks;
  /** Stops background work (health probes) and closes connections. */
  close(): Promise<void>;
}

export { StartupError };

/** The service's config with every group registered (for samples and validation). */
export function serviceConfig(): ConfigOpts {
  const conf = new ConfigOpts();
  for (const g of SERVICE_GROUPS) conf.register(g);
  // oslo.middleware checks nothing by default; this service reports by default
  // the two things every instance needs: its options and its policy loaded.
  conf.setDefault("healthcheck", "backends", ["config", "policy"]);
  return conf;
}

/** Loads the options and builds the app; throws lib/config errors for bad options. */
export async function createService(options: ServiceOptions = {}): Promise<Service> {
  const conf = serviceConfig();
  for (const g of options.extraGroups ?? []) conf.register(g);
  await conf.load({
    args: options.args ?? [],
    ...(options.env ? { env: options.env } : {}),
    ...(options.texts ? { texts: options.texts } : {}),
  });
  const warnings = [...conf.warnings];
  const { dev } = conf.group(DEFAULT_OPTS);

  const verify = await createServiceVerifier(conf, {
    dev,
    warnings,
    http: options.http ?? true,
    ...(options.listen ? { listen: options.listen(dev) } : {}),
  });

  // Health first: its metrics observe the areas built after it, and its status
  // checks read them lazily.
  const status: { policy?: () => PolicyStatus } = {};
  let health;
  try {
    health = await buildHealth(conf, {
      loadedAt: new Date(),
      start: false,
      nats: options.nats?.(conf),
      statusProviders: {
        config: () => configStatus(conf),
        policy: () => policyComponentStatus(status.policy?.()),
      },
    });
  } catch (e) {
    if (e instanceof HealthConfigError) throw new StartupError(e.message);
    throw e;
  }
  const metrics = health.metrics;
  if (metrics) conf.onReload((e) => metrics.configReload(e.ok ? "success" : "failure", e.at));
  const ref: { enforcer?: Enforcer; limits?: LimitService | null } = {};
  const policy = await createServiceEnforcer(conf, {
    dev,
    warnings,
    ...(metrics ? { onDecision: decisionMetrics(metrics, () => ref.enforcer) } : {}),
  });
  ref.enforcer = policy.enforcer;
  status.policy = () => policy.enforcer.status();
  registerPolicyDefaults(policy.enforcer, LIMIT_POLICY_DEFAULTS);
  const limits = ref.limits = await createLimitService(conf, {
    dev,
    policy: policy.enforcer,
    ...(metrics
      ? {
        onCheck: (result, over) =>
          metrics.limitCheck(
            result,
            over.map((r) => ref.limits?.limitless(r) ? "other" : r),
          ),
      }
      : {}),
  }).catch((e) => {
    throw e?.code === "ERR_STARTUP" ? new StartupError(e.message) : e;
  });
  if (limits) warnings.push(...limits.warnings);
  const app = createApp({
    verify,
    maxBodySize: conf.group(MIDDLEWARE_OPTS).max_request_body_size,
    schemas: {
      ...await loadSamples(conf.group(CONFIG_OPTS).sample_dir),
      "oslo-edge": conf.groups(),
    },
    configStatus: () => conf.reloadStatus(),
    ...(limits ? { limits: limits.deps } : {}),
    policy: policy.enforcer,
    health: health.deps,
  });
  await policy.finish();
  await health.health.start();
  // Typos oslo.config would ignore silently (`devug = true`): one warning each, start anyway.
  warnings.push(...conf.unknownOptions());
  return {
    app,
    conf,
    warnings,
    parts: {
      health: health.health,
      policy: policy.enforcer,
      ...(limits ? { limits: limits.deps } : {}),
    },
    siteHooks: health.siteHooks,
    close: async () => {
      await health.close();
      await limits?.close();
    },
  };
}

/**
 * Feeds `oslo_edge_policy_decisions_total`: a failed decision counts as
 * `error`; a rule the enforcer does not define (callers name any rule they
 * like) counts as `other`, so callers cannot grow the label set.
 */
function decisionMetrics(
  metrics: ServiceMetrics,
  enforcer: () => Enforcer | undefined,
): (rule: string, allowed: boolean, info?: DecisionInfo) => void {
  return (rule, allowed, info) => {
    const result = info?.error !== undefined ? "error" : allowed ? "allow" : "deny";
    // Rules outside the rule set are counted as "other", so callers cannot grow the label set.
    metrics.policyDecision(enforcer()?.hasRule(rule) ? rule : "other", result);
  };
}

/** The samples in `[config] sample_dir` as schemas named after their files. */
async function loadSamples(
  dir: string | undefined,
): Promise<Record<string, Schema | SchemaGroup[]>> {
  const out: Record<string, Schema> = {};
  if (!dir) return out;
  try {
    for await (const e of Deno.readDir(dir)) {
      const m = /^([^.][^/]*)\.(ya?ml|json)$/.exec(e.name);
      if (!m) continue;
      out[m[1] as string] = await loadSchema(await Deno.readTextFile(`${dir}/${e.name}`));
    }
  } catch (e) {
    const why = e instanceof ConfigError ? e.message : (e as Error).message;
    throw new StartupError(`Cannot load the samples of [config] sample_dir "${dir}": ${why}`);
  }
  return out;
}

/** The `config` health backend's view of the options' load and reloads. */
function configStatus(conf: ConfigOpts): ComponentStatus {
  const s = conf.reloadStatus();
  const last = s.last;
  return {
    loaded: s.loadedAt !== undefined,
    ...(s.loadedAt ? { loadedAt: last?.ok ? last.at : s.loadedAt } : {}),
    source: conf.files.length > 0 ? conf.files.join(", ") : "defaults and environment",
    reloads: s.reloads - s.failedReloads,
    ...(last && !last.ok
      ? { lastError: { at: last.at, message: last.error ?? "reload failed" } }
      : {}),
  };
}

/** The `policy` health backend's view of the service enforcer. */
function policyComponentStatus(s: PolicyStatus | undefined): ComponentStatus {
  if (!s) return { loaded: false };
  return {
    loaded: s.loaded,
    ...(s.loadedAt ? { loadedAt: s.loadedAt } : {}),
    source: s.sources.length > 0 ? s.sources.join(", ") : "defaults in code",
    ...(s.error ? { lastError: { at: s.loadedAt ?? new Date(), message: s.error } } : {}),
  };
}
