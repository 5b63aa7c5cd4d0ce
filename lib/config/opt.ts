/**
 * Declarative options, after oslo.config's `Opt` classes: a name, a type and
 * the metadata that drives validation, samples, deprecation warnings,
 * mutability and redaction.
 *
 * @module
 */
import { DefaultValueError } from "./errors.ts";
import { pyStr } from "./py.ts";
import {
  booleanType,
  type ChoicesInput,
  type ConfigType,
  floatType,
  integerType,
  type NumberTypeOptions,
  portType,
  stringType,
  type StringTypeOptions,
} from "./types.ts";
import { dictType, listType, type ListTypeOptions, multiStringType } from "./types_collection.ts";
import {
  hostAddressType,
  hostDomainType,
  hostnameType,
  ipAddressType,
  type IpVersion,
  uriType,
  type UriTypeOptions,
} from "./types_net.ts";

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

/**
 * oslo.config's `StrOpt`.
 *
 * @example Choices, and a deprecated name
 * ```ts
 * import { ConfigOpts, optGroup, strOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const g = optGroup("api", [strOpt("mode", { choices: ["a", "b"], default: "a", deprecatedName: "api_mode" })]);
 * const conf = new ConfigOpts().register(g).loadTexts([{ name: "x", text: "[api]\napi_mode = b\n" }]);
 * assert.equal(conf.group(g).mode, "b");
 * ```
 */
export function strOpt<
  const N extends string,
  const O extends OptOptions<string> & StringTypeOptions,
>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<string, O>> {
  return makeOpt(name, stringType(options), options, { kind: "StrOpt" });
}

/**
 * oslo.config's `BoolOpt`.
 *
 * @example oslo spellings
 * ```ts
 * import { boolOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(boolOpt("debug").type.convert("On"), true);
 * ```
 */
export function boolOpt<const N extends string, const O extends OptOptions<boolean>>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<boolean, O>> {
  return makeOpt(name, booleanType(), options, { kind: "BoolOpt" });
}

/**
 * oslo.config's `IntOpt` (min, max, choices).
 *
 * @example Bounds are checked
 * ```ts
 * import { intOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => intOpt("workers", { min: 1 }).type.convert("0"), /greater than or equal to 1/);
 * ```
 */
export function intOpt<
  const N extends string,
  const O extends OptOptions<number> & NumberTypeOptions,
>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<number, O>> {
  return makeOpt(name, integerType(options) as ConfigType<number>, options, { kind: "IntOpt" });
}

/**
 * oslo.config's `FloatOpt` (min, max).
 *
 * @example Python float literals
 * ```ts
 * import { floatOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(floatOpt("ratio").type.convert("1e-1"), 0.1);
 * ```
 */
export function floatOpt<
  const N extends string,
  const O extends OptOptions<number> & Omit<NumberTypeOptions, "choices">,
>(name: N, options: O = {} as O): Opt<N, ReadType<number, O>> {
  return makeOpt(name, floatType(options) as ConfigType<number>, options, { kind: "FloatOpt" });
}

/**
 * oslo.config's `PortOpt` (0..65535, min, max, choices).
 *
 * @example 0..65535
 * ```ts
 * import { portOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => portOpt("bind_port").type.convert("70000"));
 * ```
 */
export function portOpt<
  const N extends string,
  const O extends OptOptions<number> & NumberTypeOptions,
>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<number, O>> {
  return makeOpt(name, portType(options) as ConfigType<number>, options, { kind: "PortOpt" });
}

/**
 * oslo.config's `ListOpt` (items are strings unless `itemType` says otherwise).
 *
 * @example Typed items
 * ```ts
 * import { integerType, listOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(listOpt("ports", { itemType: integerType() }).type.convert("80, 443"), [80, 443]);
 * ```
 */
export function listOpt<
  const N extends string,
  const O extends OptOptions<string[]> & ListTypeOptions & { itemType?: ConfigType<unknown> },
>(name: N, options: O = {} as O): Opt<N, ReadType<string[], O>> {
  const item = (options.itemType ?? stringType()) as ConfigType<string>;
  return makeOpt(name, listType(item, options), options, { kind: "ListOpt" });
}

/**
 * oslo.config's `DictOpt` (values are strings unless `valueType` says otherwise).
 *
 * @example key:value pairs
 * ```ts
 * import { dictOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(dictOpt("labels").type.convert("a:1, b:2"), { a: "1", b: "2" });
 * ```
 */
export function dictOpt<
  const N extends string,
  const O extends
    & OptOptions<Record<string, string>>
    & ListTypeOptions
    & { valueType?: ConfigType<unknown> },
>(name: N, options: O = {} as O): Opt<N, ReadType<Record<string, string>, O>> {
  const value = (options.valueType ?? stringType()) as ConfigType<string>;
  return makeOpt(name, dictType(value, options), options, { kind: "DictOpt" });
}

/**
 * oslo.config's `MultiStrOpt`: every value given, in order, across files
 * (undefined, as oslo.config's None, when none is given and there is no default).
 *
 * @example Every value, across files
 * ```ts
 * import { ConfigOpts, multiStrOpt, optGroup } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const g = optGroup("DEFAULT", [multiStrOpt("hook")]);
 * const conf = new ConfigOpts().register(g).loadTexts([
 *   { name: "1", text: "[DEFAULT]\nhook = a\nhook = b\n" },
 *   { name: "2", text: "[DEFAULT]\nhook = c\n" },
 * ]);
 * assert.deepEqual(conf.group(g).hook, ["a", "b", "c"]);
 * ```
 */
export function multiStrOpt<const N extends string, const O extends OptOptions<string[]>>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<string[], O>> {
  return makeOpt(name, multiStringType() as ConfigType<unknown>, options as OptOptions<unknown>, {
    multi: true,
    kind: "MultiStrOpt",
  }) as unknown as Opt<N, ReadType<string[], O>>;
}

/**
 * oslo.config's `MultiOpt`: every value given, each converted by `itemType`.
 *
 * @example Typed items
 * ```ts
 * import { integerType, multiOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const o = multiOpt("n", integerType());
 * assert.equal(o.multi, true);
 * assert.equal(o.type.convert("7"), 7);
 * ```
 */
export function multiOpt<const N extends string, T, const O extends OptOptions<T[]>>(
  name: N,
  itemType: ConfigType<T>,
  options: O = {} as O,
): Opt<N, ReadType<T[], O>> {
  return makeOpt(name, itemType as ConfigType<unknown>, options as OptOptions<unknown>, {
    multi: true,
    kind: "MultiOpt",
  }) as unknown as Opt<N, ReadType<T[], O>>;
}

/**
 * oslo.config's `IPOpt`.
 *
 * @example One version only
 * ```ts
 * import { ipOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => ipOpt("my_ip", { version: 4 }).type.convert("::1"), /not an IPv4 address/);
 * ```
 */
export function ipOpt<
  const N extends string,
  const O extends OptOptions<string> & { version?: IpVersion },
>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<string, O>> {
  return makeOpt(name, ipAddressType(options.version), options, { kind: "IPOpt" });
}

/**
 * oslo.config's `HostnameOpt`.
 *
 * @example A trailing dot is dropped
 * ```ts
 * import { hostnameOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(hostnameOpt("host").type.convert("db.example.org."), "db.example.org");
 * ```
 */
export function hostnameOpt<const N extends string, const O extends OptOptions<string>>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<string, O>> {
  return makeOpt(name, hostnameType(), options, { kind: "HostnameOpt" });
}

/**
 * oslo.config's `HostAddressOpt`.
 *
 * @example An address or a name
 * ```ts
 * import { hostAddressOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(hostAddressOpt("bind").type.convert("10.0.0.1"), "10.0.0.1");
 * assert.equal(hostAddressOpt("bind").type.convert("api.local"), "api.local");
 * ```
 */
export function hostAddressOpt<
  const N extends string,
  const O extends OptOptions<string> & { version?: IpVersion },
>(name: N, options: O = {} as O): Opt<N, ReadType<string, O>> {
  return makeOpt(name, hostAddressType(options.version), options, { kind: "HostAddressOpt" });
}

/**
 * oslo.config's `HostDomainOpt` (a host address whose labels may hold `_`).
 *
 * @example Underscores allowed
 * ```ts
 * import { hostDomainOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(hostDomainOpt("srv").type.convert("_ldap._tcp.example.org"), "_ldap._tcp.example.org");
 * ```
 */
export function hostDomainOpt<
  const N extends string,
  const O extends OptOptions<string> & { version?: IpVersion },
>(name: N, options: O = {} as O): Opt<N, ReadType<string, O>> {
  return makeOpt(name, hostDomainType(options.version), options, { kind: "HostDomainOpt" });
}

/**
 * oslo.config's `URIOpt` (schemes, max length).
 *
 * @example Schemes
 * ```ts
 * import { uriOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => uriOpt("auth_url", { schemes: ["https"] }).type.convert("http://k/v3"), /scheme/);
 * ```
 */
export function uriOpt<const N extends string, const O extends OptOptions<string> & UriTypeOptions>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<string, O>> {
  return makeOpt(name, uriType(options), options, { kind: "URIOpt" });
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
 * import { boolOpt, intOpt, optGroup } from "./opt.ts";
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
