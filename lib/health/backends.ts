/**
 * `[healthcheck] backends` → plugins, in the order listed (oslo.middleware's
 * stevedore `NamedExtensionManager(name_order=True)`), with the options each
 * plugin reads. A name listed twice runs twice, as in oslo.middleware. An
 * unknown name or a backend missing what it needs is an error naming the
 * option (oslo.middleware silently skips an unknown name, so a typo there
 * quietly drops a check).
 *
 * @module
 */
import type { GroupValues } from "../config/mod.ts";
import { connectTransport, type Transport, type TransportStatus } from "../messaging/mod.ts";
import { HealthConfigError } from "./errors.ts";
import {
  disableByFile,
  disableByFilesPorts,
  enableByFiles,
  type WarningSink,
} from "./file_plugins.ts";
import { keystoneCheck, opaCheck } from "./http_checks.ts";
import { natsCheck } from "./nats_check.ts";
import type { HEALTHCHECK_OPTS } from "./options.ts";
import type { HealthPlugin } from "./plugin.ts";
import { statusCheck, type StatusProvider } from "./status_check.ts";

/** The `[healthcheck]` values, as `conf.group(HEALTHCHECK_OPTS)` gives them. */
export type HealthcheckValues = GroupValues<typeof HEALTHCHECK_OPTS.opts>;

/** What the plugins may need besides options. */
export interface BackendDeps {
  /** Receives oslo.middleware's warnings (a backend enabled without its option). */
  warn?: WarningSink;
  /** Status providers by backend name: `config`, `policy` (or any other name). */
  statusProviders?: Readonly<Record<string, StatusProvider>>;
  /** A NATS connection to watch, shared with the service (else `nats_url` is dialled). */
  transport?: Transport;
  /**
   * The connection the service will have (it joins its site): when
   * `nats_url` is not set, the `nats` backend checks this one once it is
   * there, and opens none of its own.
   */
  sharedTransport?: () => Transport | undefined;
  /** Default of `nats_url`: the service's own NATS URL (`--nats`, `[DEFAULT] transport_url`). */
  natsUrl?: string;
  /** Receives NATS round trips (for metrics). */
  onNatsRtt?: (ms: number) => void;
  /** Receives the state changes of the connection the `nats` backend opens itself (for metrics). */
  onNatsStatus?: (status: TransportStatus) => void;
  /** Whether the `nats` backend's connection is up, after every probe (for metrics). */
  onNatsConnected?: (up: boolean) => void;
  /** `fetch` for the HTTP checks. */
  fetch?: typeof fetch;
  /** Further backends by name (oslo.middleware's plugin entry points). */
  plugins?: Readonly<Record<string, (values: HealthcheckValues) => HealthPlugin>>;
}

type Factory = (v: HealthcheckValues, deps: BackendDeps) => HealthPlugin;

function need<T>(value: T | undefined, option: string, backend: string): T {
  if (value === undefined || value === null || value === "") {
    throw new HealthConfigError(
      `healthcheck/${option}`,
      `Cannot use backend "${backend}" without [healthcheck] ${option}: set it, or remove "${backend}" from [healthcheck] backends`,
    );
  }
  return value;
}

const FACTORIES: Readonly<Record<string, Factory>> = {
  disable_by_file: (v, d) => disableByFile({ path: v.disable_by_file_path, ...warn(d) }),
  disable_by_files_ports: (v, d) =>
    disableByFilesPorts({ paths: v.disable_by_file_paths, ...warn(d) }),
  enable_by_files: (v) => enableByFiles({ paths: v.enable_by_file_paths }),
  nats: natsBackend,
  keystone: (v, d) =>
    keystoneCheck({ url: need(v.keystone_url, "keystone_url", "keystone"), ...fetchOf(d) }),
  opa: (v, d) =>
    opaCheck({
      url: need(v.opa_url, "opa_url", "opa"),
      bundles: v.opa_check_bundles,
      ...fetchOf(d),
    }),
};

/**
 * The `nats` backend: the service's connection when it has (or will have) one
 * and `nats_url` is not set (or is the service's URL), else its own to
 * `nats_url` (default: the service's URL). Refused at start-up when it has
 * neither.
 */
function natsBackend(v: HealthcheckValues, d: BackendDeps): HealthPlugin {
  const url = v.nats_url || undefined;
  const hooks = {
    ...(d.onNatsRtt ? { onRtt: d.onNatsRtt } : {}),
    ...(d.onNatsStatus ? { onStatus: d.onNatsStatus } : {}),
    ...(d.onNatsConnected ? { onConnected: d.onNatsConnected } : {}),
  };
  const theService = !url || url === d.natsUrl; // nats_url unset or the service's own URL
  if (theService && d.transport) return natsCheck({ transport: d.transport, ...hooks });
  if (theService && d.sharedTransport) return natsCheck({ shared: d.sharedTransport, ...hooks });
  const target = url ?? d.natsUrl;
  if (!target) {
    throw new HealthConfigError(
      "healthcheck/nats_url",
      'Cannot use backend "nats" without [healthcheck] nats_url: set it (or [DEFAULT] transport_url, or join a site with --site and --nats), or remove "nats" from [healthcheck] backends',
    );
  }
  return natsCheck({
    connect: () =>
      connectTransport(target, { name: "oslo-edge-health", timeout: v.check_timeout * 1000 }),
    ...hooks,
  });
}

function warn(d: BackendDeps): { warn?: WarningSink } {
  return d.warn ? { warn: d.warn } : {};
}

function fetchOf(d: BackendDeps): { fetch?: typeof fetch } {
  return d.fetch ? { fetch: d.fetch } : {};
}

/** Names `[healthcheck] backends` accepts, given the deps (status providers, extra plugins). *
 * @example
 * ```ts
 * import { knownBackends } from "./backends.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(knownBackends().includes("disable_by_files_ports"));
 * assert.ok(knownBackends({ statusProviders: { policy: () => ({ loaded: true }) } }).includes("policy"));
 * ```
 */
export function knownBackends(deps: BackendDeps = {}): string[] {
  return [
    ...Object.keys(FACTORIES),
    ...Object.keys(deps.statusProviders ?? {}),
    ...Object.keys(deps.plugins ?? {}),
  ];
}

/**
 * Builds the plugins `[healthcheck] backends` lists; throws
 * {@linkcode HealthConfigError} for an unknown name, a missing option, or
 * `enable_by_files` with `disable_by_file` (refused by oslo.middleware too).
 *
 * @example
 * ```ts
 * import { createBackends } from "./backends.ts";
 * import { defaultHealthcheckValues } from "./options.ts";
 * import assert from "node:assert/strict";
 *
 * const values = { ...defaultHealthcheckValues(), backends: ["disable_by_file", "disable_by_file"] };
 * assert.deepEqual(createBackends(values).map((p) => p.name), ["disable_by_file", "disable_by_file"]);
 * assert.throws(() => createBackends({ ...values, backends: ["nope"] }), /Unknown backend "nope"/);
 * ```
 */
export function createBackends(values: HealthcheckValues, deps: BackendDeps = {}): HealthPlugin[] {
  const names = values.backends;
  if (names.includes("disable_by_file") && names.includes("enable_by_files")) {
    throw new HealthConfigError(
      "healthcheck/backends",
      "`enable_by_files` and `disable_by_file` healthcheck middleware should not be configured at once: keep one of them in [healthcheck] backends",
    );
  }
  return names.map((name) => {
    const custom = deps.plugins?.[name];
    if (custom) return custom(values);
    const factory = FACTORIES[name];
    if (factory) return factory(values, deps);
    const provider = deps.statusProviders?.[name];
    if (provider) return statusCheck(name, provider);
    const hint = name === "config" || name === "policy"
      ? ` (the ${name} backend needs a status provider from the service; it is not wired)`
      : "";
    throw new HealthConfigError(
      "healthcheck/backends",
      `Unknown backend "${name}" in [healthcheck] backends${hint}: known are ${
        knownBackends(deps).join(", ")
      }`,
    );
  });
}
