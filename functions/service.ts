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
  type Schema,
  type SchemaGroup,
} from "../lib/config/mod.ts";
import { type AppEnv, createApp } from "./app.ts";
import {
  AUTH_OPTS,
  CONFIG_OPTS,
  DEFAULT_OPTS,
  MIDDLEWARE_OPTS,
  SERVICE_GROUPS,
} from "./options.ts";
import { createVerifier, type Verifier } from "./shell/auth.ts";
import { createLimitService } from "./limit_service.ts";
import { LIMIT_POLICY_DEFAULTS } from "./limit.ts";
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
}

/** A built service. */
export interface Service {
  /** The HTTP app. */
  app: Hono<AppEnv>;
  /** The loaded options. */
  conf: ConfigOpts;
  /** Lines to print at start (deprecations, auth off in dev mode). */
  warnings: string[];
  /** Closes connections the service opened (NATS). */
  close(): Promise<void>;
}

/** The service's config with every group registered (for samples and validation). */
export function serviceConfig(): ConfigOpts {
  const conf = new ConfigOpts();
  for (const g of SERVICE_GROUPS) conf.register(g);
  return conf;
}

/** Loads the options and builds the app; throws lib/config errors for bad options. */
export async function createService(options: ServiceOptions = {}): Promise<Service> {
  const conf = serviceConfig();
  await conf.load({
    args: options.args ?? [],
    ...(options.env ? { env: options.env } : {}),
    ...(options.texts ? { texts: options.texts } : {}),
  });
  const warnings = [...conf.warnings];
  const { dev } = conf.group(DEFAULT_OPTS);
  const auth = conf.group(AUTH_OPTS);

  let verify: Verifier | null = null;
  const strategySet = conf.location("auth", "strategy").kind !== "opt_default";
  const authOff = auth.strategy === "noauth" || (dev && !strategySet);
  if (authOff) {
    if (!dev) {
      throw new StartupError(
        `Cannot start with [auth] strategy = noauth (from ${
          where(conf, "strategy")
        }): authentication may be off only with --dev`,
      );
    }
    warnings.push(
      "WARNING: authentication is OFF (dev mode): requests are not authenticated and bodies may carry credentials",
    );
  } else {
    let publicKey: string | undefined;
    if (auth.public_key_file) {
      try {
        publicKey = await Deno.readTextFile(auth.public_key_file);
      } catch (e) {
        throw new StartupError(
          `Cannot read [auth] public_key_file "${auth.public_key_file}": ${(e as Error).message}`,
        );
      }
    }
    if (!auth.jwks_url && !publicKey) {
      throw new StartupError(
        "Cannot start with [auth] strategy = jwt and no key: set [auth] jwks_url or [auth] public_key_file (or run with --dev)",
      );
    }
    try {
      verify = await createVerifier({
        ...(auth.jwks_url ? { jwksUrl: auth.jwks_url } : {}),
        ...(publicKey ? { publicKey } : {}),
        ...(auth.issuer ? { issuer: auth.issuer } : {}),
        audience: auth.audience,
        algorithms: auth.algorithms,
        clockTolerance: auth.clock_skew,
        claimMap: auth.claim_map,
      });
    } catch (e) {
      throw new StartupError(`Cannot set up token verification: ${(e as Error).message}`);
    }
  }

  const policy = await createServiceEnforcer(conf, { dev, warnings });
  registerPolicyDefaults(policy.enforcer, LIMIT_POLICY_DEFAULTS);
  const limits = await createLimitService(conf, {
    dev,
    authorize: (rule, target, creds) => policy.enforcer.enforce(rule, target, creds),
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
  });
  await policy.finish();
  return { app, conf, warnings, close: async () => await limits?.close() };
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

function where(conf: ConfigOpts, name: string): string {
  const loc = conf.location("auth", name);
  return loc.kind === "user"
    ? `${loc.detail}:${loc.line}`
    : loc.kind === "environment"
    ? String(loc.detail)
    : loc.kind;
}

/** The service cannot start as configured; the message says why and what to change. */
export class StartupError extends Error {
  readonly code = "ERR_STARTUP";
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}
