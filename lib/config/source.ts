/**
 * The config-source driver interface, after oslo.config's `sources` package:
 * for each group named in `[DEFAULT] config_source`, the driver named by that
 * group's `driver` option opens one source, asked for values after the
 * config files and before defaults. Sources are opened at load and again
 * on each reload (oslo.config opens them once; the oslo-specs queens design
 * meant them to reload), so a rotated secret reaches mutable options.
 *
 * @module
 */
import type { Location } from "./location.ts";
import type { Opt } from "./opt.ts";

/** A value a source holds for an option. */
export interface SourceValue {
  /** The text (every value for a multi-valued option). */
  value: string | string[];
  /** Where it came from (`kind: "driver"`, detail naming the source and the reference). */
  location: Location;
  /**
   * The value comes from a secret store (`secrets_dir`, `castellan`): it is
   * treated as secret wherever it could be shown, whether or not its option is
   * declared `secret`.
   */
  secret?: boolean;
}

/** An open configuration source. */
export interface ConfigSource {
  /** The value of `[group] dest`, or undefined when the source has none. */
  get(group: string, dest: string, opt: Opt): SourceValue | undefined;
}

/** What a driver may ask of the `ConfigOpts` opening it. */
export interface SourceHost {
  /** Registers options in a group (the driver's own settings). */
  registerOpts(opts: readonly Opt[], group: string): void;
  /** Reads a registered option (already resolved from files, environment and command line). */
  get(group: string, name: string): unknown;
  /** Reports a problem (never with a secret value in it). */
  warn(message: string): void;
  /** The environment this load reads (empty when the environment is off). */
  env(): Readonly<Record<string, string | undefined>>;
}

/** A driver: opens a source from the settings in one group. */
export interface ConfigSourceDriver {
  /** The name `[group] driver = ...` selects it by. */
  readonly name: string;
  /** The options it reads from its group (for samples and validation). */
  readonly opts: readonly Opt[];
  /** Opens the source; throws (a `ConfigSourceError`) when it cannot. */
  open(host: SourceHost, group: string): Promise<ConfigSource>;
}
