/**
 * Opens the `config_source` groups' drivers, as oslo.config's
 * `_load_alternative_sources` does: a source that cannot be opened is
 * reported and skipped, so the service still starts from its files. A reload
 * opens them again (rotated secrets reach mutable options); a source that
 * fails to reopen keeps its previous values and is reported.
 *
 * @module
 */
import { NoSuchOptError } from "./errors.ts";
import { normalizeGroupName } from "./namespace.ts";
import { listOpt } from "./opt_compound.ts";
import { strOpt } from "./opt_scalar.ts";
import type { Opt } from "./opt.ts";
import type { OptRegistry, Registered } from "./registry.ts";
import type { ConfigSource, ConfigSourceDriver, SourceHost } from "./source.ts";

/** oslo.config registers `config_source` on every `ConfigOpts`. */
export const CONFIG_SOURCE_OPT = listOpt("config_source", {
  default: [],
  metavar: "SOURCE",
  help: "Lists configuration groups that provide more details for accessing configuration " +
    "settings from locations other than local files.",
});

/** The sources that opened, in `config_source` order, by group. */
export type OpenedSources = Map<string, ConfigSource>;

/** The config sources of one `ConfigOpts`: opened at load, re-opened by reloads. */
export class SourceState {
  /** Opened at load: immutable options keep their values. */
  atLoad: ConfigSource[] = [];
  /** Re-opened by the latest reload, for mutable options. */
  mutable: readonly ConfigSource[] | undefined;
  /** The latest source of each group that opened (kept when a reload cannot reopen it). */
  opened: OpenedSources = new Map();
  /** What opening them at load reported. */
  warnings: string[] = [];
}

/**
 * What drivers see while opening: `get` resolves one option (their settings,
 * from the files read at load), `env` the environment of this load or reload.
 */
export function sourceHost(
  registry: OptRegistry,
  options: {
    get(reg: Registered): unknown;
    warn(message: string): void;
    env: Readonly<Record<string, string | undefined>>;
  },
): SourceHost {
  return {
    registerOpts: (opts: readonly Opt[], group: string) => {
      for (const opt of opts) registry.add(opt, group, false);
    },
    get: (group: string, name: string) => {
      const reg = registry.find(group, name);
      if (reg === undefined) throw new NoSuchOptError(`${normalizeGroupName(group)}/${name}`);
      return options.get(reg);
    },
    warn: options.warn,
    env: () => options.env,
  };
}

/**
 * Opens every source listed in `[DEFAULT] config_source`, in order; each one
 * that fails is reported through `host.warn` (with `failed` appended, if
 * given, when `previous` still has that group) and left out.
 */
export async function openSources(
  host: SourceHost,
  drivers: readonly ConfigSourceDriver[],
  previous: OpenedSources = new Map(),
): Promise<OpenedSources> {
  const out: OpenedSources = new Map();
  let groups: string[];
  try {
    groups = (host.get("DEFAULT", "config_source") as string[] | undefined) ?? [];
  } catch {
    return out; // reported by the final resolution with its location
  }
  const fail = (group: string, why: string) => {
    const kept = previous.get(group);
    host.warn(
      `Could not load configuration from [${group}]${why}${
        kept ? "; its previous values stay" : ""
      }`,
    );
    if (kept) out.set(group, kept);
  };
  for (const group of groups) {
    host.registerOpts([
      strOpt("driver", {
        choices: drivers.map((d) => d.name),
        help: "The name of the driver that can load this configuration source.",
      }),
    ], group);
    let name: string | undefined;
    try {
      name = host.get(group, "driver") as string | undefined;
    } catch (e) {
      fail(group, `: ${(e as Error).message}`);
      continue;
    }
    if (!name) {
      fail(group, ": no 'driver' is set");
      continue;
    }
    const driver = drivers.find((d) => d.name === name) as ConfigSourceDriver;
    try {
      out.set(group, await driver.open(host, group));
    } catch (e) {
      fail(group, ` using the ${name} driver: ${(e as Error).message}`);
    }
  }
  return out;
}
