/**
 * Declarative options, after oslo.config's `Opt` classes: a name, a type and
 * the metadata that drives validation, samples, deprecation warnings,
 * mutability and redaction.
 *
 * @module
 */
import { DefaultValueError } from "./errors.ts";
import { pyStr } from "./py.ts";
import type { ChoicesInput, ConfigType } from "./types.ts";

/** A deprecated alias of an option: an old name, an old group, or both (oslo's `DeprecatedOpt`). */
export interface DeprecatedOpt {
  /** Old option name; defaults to the option's own name. */
  name?: string;
  /** Old group; defaults to the option's own group. */
  group?: string;
}

/** Metadata every option may carry (oslo.config's `Opt` keyword arguments). */
export interface OptOptions<T> {
  /** Value when no source sets one. */
  default?: T;
  /** Description, shown in samples and validator hints. */
  help?: string;
  /** Redact the value wherever it is printed, logged or returned. */
  secret?: boolean;
  /** Fail to load when no source gives a value and there is no default. */
  required?: boolean;
  /** May change on reload (SIGHUP) without a restart. */
  mutable?: boolean;
  /** For experts: sorted last in samples. */
  advanced?: boolean;
  /** Text samples show instead of the default. */
  sampleDefault?: string;
  /** Old name of this option (in `deprecatedGroup`, or the same group). */
  deprecatedName?: string;
  /** Old group of this option (under `deprecatedName`, or the same name). */
  deprecatedGroup?: string;
  /** Further old names and groups. */
  deprecatedOpts?: readonly DeprecatedOpt[];
  /** The option is going away: warn when it is set. */
  deprecatedForRemoval?: boolean;
  /** Why it is deprecated (shown with `deprecatedForRemoval`). */
  deprecatedReason?: string;
  /** Release since which it is deprecated. */
  deprecatedSince?: string;
  /** May also be given on the command line as `--name` (`--name`/`--noname` for booleans). */
  cli?: boolean;
  /** One-letter command-line alias (`-d`). */
  short?: string;
  /** Placeholder shown in `--help`. */
  metavar?: string;
}

/** Which oslo.config class an option corresponds to (samples and machine-readable data). */
export type OptKind =
  | "StrOpt"
  | "BoolOpt"
  | "IntOpt"
  | "FloatOpt"
  | "PortOpt"
  | "ListOpt"
  | "DictOpt"
  | "MultiOpt"
  | "MultiStrOpt"
  | "IPOpt"
  | "HostnameOpt"
  | "HostAddressOpt"
  | "HostDomainOpt"
  | "URIOpt"
  | "Opt";

/** A declared option. `V` is the type a read gives. */
export interface Opt<N extends string = string, V = unknown>
  extends Omit<OptOptions<unknown>, "deprecatedOpts"> {
  /** Option name as declared (`-` allowed). */
  readonly name: N;
  /** The name files and the environment use: `name` with `-` as `_`. */
  readonly dest: string;
  /** Converter from text to value (the item type for multi-valued options). */
  readonly type: ConfigType<unknown>;
  /** Every value given is kept (MultiOpt), not only the last. */
  readonly multi: boolean;
  /** The oslo.config class. */
  readonly kind: OptKind;
  /** Every deprecated alias, in oslo's order (explicit ones, then deprecatedName/Group, `_` forms added). */
  readonly deprecatedOpts: readonly DeprecatedOpt[];
  /** Phantom: the read type. */
  readonly __value?: V;
}

/** The type a read of an option with these options gives. */
export type ReadType<T, O> = O extends { default: unknown } ? T
  : O extends { required: true } ? T
  : T | undefined;

/** oslo's `_default_is_ref`: a string default with an unescaped `$` is not checked. */
function defaultIsRef(value: unknown): boolean {
  return typeof value === "string" &&
    value.replaceAll("\\$", "").replaceAll("$$", "").includes("$");
}

function deprecatedAliases(options: OptOptions<unknown>): DeprecatedOpt[] {
  const out: DeprecatedOpt[] = [];
  const push = (d: DeprecatedOpt) =>
    out.push({
      ...(d.name === undefined ? {} : { name: d.name }),
      ...(d.group === undefined ? {} : { group: d.group }),
    });
  for (const d of options.deprecatedOpts ?? []) push(d);
  for (const d of options.deprecatedOpts ?? []) {
    if (d.name?.includes("-")) push({ ...d, name: d.name.replaceAll("-", "_") });
  }
  const { deprecatedName: name, deprecatedGroup: group } = options;
  if (name !== undefined || group !== undefined) {
    push({ ...(name === undefined ? {} : { name }), ...(group === undefined ? {} : { group }) });
    if (name?.includes("-")) {
      push({ name: name.replaceAll("-", "_"), ...(group === undefined ? {} : { group }) });
    }
  }
  return out;
}

/**
 * Builds an option from a type and options, checking the default as oslo.config
 * does (skipped where it holds a `$reference`).
 *
 * @example Any type can back an option
 * ```ts
 * import { makeOpt, rangeType } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const ports = makeOpt("port_range", rangeType({ min: 1 }), { default: "8000-8010" });
 * assert.equal(ports.dest, "port_range");
 * assert.throws(() => makeOpt("bad", rangeType({ min: 1 }), { default: "0-3" }));
 * ```
 */
export function makeOpt<const N extends string, T, O extends OptOptions<unknown>>(
  name: N,
  type: ConfigType<T>,
  options: O,
  extra: { multi?: boolean; kind?: OptKind; checkDefault?: boolean } = {},
): Opt<N, ReadType<T, O>> {
  if (name.startsWith("_")) {
    throw new TypeError(`Cannot declare option "${name}": names may not start with "_"`);
  }
  const multi = extra.multi ?? false;
  if (
    extra.checkDefault !== false && options.default !== undefined && options.default !== null &&
    !defaultIsRef(options.default)
  ) {
    try {
      const defaults = multi && Array.isArray(options.default)
        ? options.default
        : [options.default];
      for (const d of defaults) type.convert(d);
    } catch (e) {
      throw new DefaultValueError(name, pyStr(options.default), (e as Error).message);
    }
  }
  return {
    ...options,
    name,
    dest: name.replaceAll("-", "_"),
    type: type as ConfigType<unknown>,
    multi,
    kind: extra.kind ?? "Opt",
    deprecatedOpts: deprecatedAliases(options),
  };
}

/** A group of options, as oslo.config's `OptGroup`, typed by the options it holds. */
export interface OptGroup<Opts extends readonly Opt[] = readonly Opt[]> {
  /** Group name as in `[name]`; `DEFAULT` for the default group. */
  readonly name: string;
  /** Description shown in samples. */
  readonly help?: string;
  /** Title shown in `--help`. */
  readonly title?: string;
  /** Name of the option that controls repeated instances of this group. */
  readonly dynamicGroupOwner?: string;
  /** Name of the option in this group that chooses the driver (and its options). */
  readonly driverOption?: string;
  /** The options. */
  readonly opts: Opts;
}

/** Options of {@linkcode optGroup}. */
export interface OptGroupOptions {
  /** Description shown in samples. */
  help?: string;
  /** Title shown in `--help`. */
  title?: string;
  /** Name of the option that controls repeated instances of this group. */
  dynamicGroupOwner?: string;
  /** Name of the option in this group that chooses the driver. */
  driverOption?: string;
}

/** The values of a group: option name → read type. */
export type GroupValues<Opts extends readonly Opt[]> = {
  [O in Opts[number] as O["name"]]: O extends Opt<string, infer V> ? V : never;
};

/**
 * Declares a group of options.
 *
 * @example A typed group
 * ```ts
 * import { boolOpt, intOpt, optGroup } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const g = optGroup("healthcheck", [boolOpt("detailed", { default: false }), intOpt("port")]);
 * assert.deepEqual(g.opts.map((o) => o.name), ["detailed", "port"]);
 * ```
 */
export function optGroup<const Opts extends readonly Opt[]>(
  name: string,
  opts: Opts,
  options: OptGroupOptions = {},
): OptGroup<Opts> {
  return { name, opts, ...options };
}

/** Re-exported for option declarations that pass choices with descriptions. */
export type { ChoicesInput };
