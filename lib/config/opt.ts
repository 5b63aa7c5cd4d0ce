/**
 * Declarative options, after oslo.config's `Opt` classes: a name, a type and
 * the metadata that drives validation, samples, deprecation warnings and redaction.
 *
 * @module
 */
import {
  booleanType,
  type ConfigType,
  dictType,
  floatType,
  hostAddressType,
  hostnameType,
  integerType,
  ipAddressType,
  listType,
  type ListTypeOptions,
  type NumberTypeOptions,
  portType,
  stringType,
  type StringTypeOptions,
  uriType,
  type UriTypeOptions,
} from "./types.ts";
import { DefaultValueError } from "./errors.ts";

/** A deprecated alias of an option: an old name, an old group, or both. */
export interface DeprecatedOpt {
  /** Old option name; defaults to the option's own name. */
  name?: string;
  /** Old group; defaults to the option's own group. */
  group?: string;
}

/** Metadata every option may carry. */
export interface OptOptions<T> {
  /** Value when no source sets one. */
  default?: T;
  /** One-paragraph description, shown in samples and validator hints. */
  help?: string;
  /** Redact the value wherever it is printed, logged or returned. */
  secret?: boolean;
  /** Fail to load when no source gives a value and there is no default. */
  required?: boolean;
  /** May change on reload (SIGHUP) without a restart. */
  mutable?: boolean;
  /** Sorted last in samples: for experts. */
  advanced?: boolean;
  /** Text samples show instead of the default. */
  sampleDefault?: string;
  /** Old name of this option (same group). */
  deprecatedName?: string;
  /** Old group of this option (same name). */
  deprecatedGroup?: string;
  /** Further old names/groups. */
  deprecatedOpts?: readonly DeprecatedOpt[];
  /** The option is going away: warn when it is set. */
  deprecatedForRemoval?: boolean;
  /** Why it is deprecated. */
  deprecatedReason?: string;
  /** Release since which it is deprecated. */
  deprecatedSince?: string;
  /** May also be given on the command line as `--name` (`--name`/`--noname` for booleans). */
  cli?: boolean;
  /** One-letter command-line alias (`-d`). */
  short?: string;
}

/** A declared option. `V` is the type a read gives (including `undefined` where no default). */
export interface Opt<N extends string = string, V = unknown> extends OptOptions<unknown> {
  /** Option name as written in files (`-` allowed). */
  readonly name: N;
  /** Converter from text to value. */
  readonly type: ConfigType<unknown>;
  /** Every value given is kept (MultiStrOpt), not only the last. */
  readonly multi: boolean;
  /** Phantom: the read type. */
  readonly __value?: V;
}

/** The type a read of an option with these options gives. */
export type ReadType<T, O> = O extends { default: unknown } ? T
  : O extends { required: true } ? T
  : T | undefined;

function hasDollarRef(value: unknown): boolean {
  return typeof value === "string" && /(^|[^$])\$(?!\$)/.test(value);
}

/** Builds an option from a type and options; validates the default (skipped where it holds `$ref`). */
export function makeOpt<const N extends string, T, O extends OptOptions<T>>(
  name: N,
  type: ConfigType<T>,
  options: O,
  multi = false,
): Opt<N, ReadType<T, O>> {
  if (name.startsWith("_")) {
    throw new TypeError(`Cannot declare option "${name}": names may not start with "_"`);
  }
  if (options.default !== undefined && !hasDollarRef(options.default)) {
    try {
      const defaults = multi && Array.isArray(options.default)
        ? options.default
        : [options.default];
      for (const d of defaults) type.convert(d);
    } catch (e) {
      throw new DefaultValueError(name, (e as Error).message);
    }
  }
  return { ...options, name, type: type as ConfigType<unknown>, multi };
}

/** oslo.config's `StrOpt`. */
export function strOpt<
  const N extends string,
  const O extends OptOptions<string> & StringTypeOptions,
>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<string, O>> {
  return makeOpt(name, stringType(options), options);
}

/** oslo.config's `BoolOpt`. */
export function boolOpt<const N extends string, const O extends OptOptions<boolean>>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<boolean, O>> {
  return makeOpt(name, booleanType(), options);
}

/** oslo.config's `IntOpt`. */
export function intOpt<
  const N extends string,
  const O extends OptOptions<number> & NumberTypeOptions,
>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<number, O>> {
  return makeOpt(name, integerType(options) as ConfigType<number>, options);
}

/** oslo.config's `FloatOpt`. */
export function floatOpt<
  const N extends string,
  const O extends OptOptions<number> & NumberTypeOptions,
>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<number, O>> {
  return makeOpt(name, floatType(options) as ConfigType<number>, options);
}

/** oslo.config's `PortOpt`. */
export function portOpt<
  const N extends string,
  const O extends OptOptions<number> & NumberTypeOptions,
>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<number, O>> {
  return makeOpt(name, portType(options) as ConfigType<number>, options);
}

/** oslo.config's `ListOpt` (items are strings unless `itemType` says otherwise). */
export function listOpt<
  const N extends string,
  const O extends OptOptions<string[]> & ListTypeOptions & { itemType?: ConfigType<unknown> },
>(name: N, options: O = {} as O): Opt<N, ReadType<string[], O>> {
  const item = (options.itemType ?? stringType()) as ConfigType<string>;
  return makeOpt(name, listType(item, options), options);
}

/** oslo.config's `DictOpt` (values are strings unless `valueType` says otherwise). */
export function dictOpt<
  const N extends string,
  const O extends
    & OptOptions<Record<string, string>>
    & ListTypeOptions
    & { valueType?: ConfigType<unknown> },
>(name: N, options: O = {} as O): Opt<N, ReadType<Record<string, string>, O>> {
  const value = (options.valueType ?? stringType()) as ConfigType<string>;
  return makeOpt(name, dictType(value, options), options);
}

/** oslo.config's `MultiStrOpt`: every value given, in order. */
export function multiStrOpt<const N extends string, const O extends OptOptions<string[]>>(
  name: N,
  options: O = {} as O,
): Opt<N, string[]> {
  const type = stringType({ typeName: "multi valued" }) as ConfigType<unknown>;
  return makeOpt(name, type, options as OptOptions<unknown>, true) as unknown as Opt<N, string[]>;
}

/** oslo.config's `IPOpt`. */
export function ipOpt<
  const N extends string,
  const O extends OptOptions<string> & { version?: 4 | 6 },
>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<string, O>> {
  return makeOpt(name, ipAddressType(options.version), options);
}

/** oslo.config's `HostnameOpt`. */
export function hostnameOpt<const N extends string, const O extends OptOptions<string>>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<string, O>> {
  return makeOpt(name, hostnameType(), options);
}

/** oslo.config's `HostAddressOpt`. */
export function hostAddressOpt<
  const N extends string,
  const O extends OptOptions<string> & { version?: 4 | 6 },
>(name: N, options: O = {} as O): Opt<N, ReadType<string, O>> {
  return makeOpt(name, hostAddressType(options.version), options);
}

/** oslo.config's `URIOpt`. */
export function uriOpt<const N extends string, const O extends OptOptions<string> & UriTypeOptions>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<string, O>> {
  return makeOpt(name, uriType(options), options);
}

/** A group of options, as oslo.config's `OptGroup`, typed by the options it holds. */
export interface OptGroup<Opts extends readonly Opt[] = readonly Opt[]> {
  /** Group name as in `[name]`; `DEFAULT` for the default group. */
  readonly name: string;
  /** Description shown in samples. */
  readonly help?: string;
  /** The options. */
  readonly opts: Opts;
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
  options: { help?: string } = {},
): OptGroup<Opts> {
  return options.help === undefined ? { name, opts } : { name, opts, help: options.help };
}
