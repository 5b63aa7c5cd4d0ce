/**
 * Resolves every registered option to a typed value and its location, with
 * oslo.config's precedence (`_do_get`):
 *
 * 1. `setOverride` (substituted, not converted again);
 * 2. the command line, when the last thing in argv order to set a command-line
 *    option was its flag (not a `--config-file` holding it);
 * 3. the environment, `OS_<GROUP>__<OPTION>`;
 * 4. config files, newest first (deprecated names included);
 * 5. `config_source` drivers in the order listed;
 * 6. `setDefault`; 7. the option's default.
 *
 * Values are converted eagerly; every failure is collected with its location.
 *
 * @module
 */
import {
  ConfigError,
  ConfigFileValueError,
  InterpolationError,
  RequiredOptError,
} from "./errors.ts";
import { type RefLookup, substituteValue } from "./interpolate.ts";
import { describeLocation, type Location } from "./location.ts";
import { normalizeGroupName } from "./namespace.ts";
import {
  fileHit,
  type FileHitRef,
  type Namespace,
  namespaceRaw,
  type Raw,
  rawLocation,
} from "./raw.ts";
import { Resolved, resolvedFrom, type ResolvedValue } from "./resolved_value.ts";
import type { Registered } from "./registry.ts";
import { looksSecret } from "./redact.ts";
import type { ConfigSource } from "./source.ts";
import type { Opt } from "./opt.ts";
import type { IniEntry } from "./ini.ts";

export type { ResolvedValue } from "./resolved_value.ts";

/** Everything resolution reads. */
export interface ResolveInput {
  /** Options by registration number (holes where removed). */
  opts: readonly (Registered | undefined)[];
  groups: ReadonlySet<string>;
  /** Keyed by `Registered.key`. */
  overrides: ReadonlyMap<string, unknown>;
  /** Keyed by `Registered.key`. */
  setDefaults: ReadonlyMap<string, unknown>;
  /** Namespace for immutable options (and all options before a reload). */
  ns: Namespace;
  /** Namespace for mutable options (after a reload). */
  mutableNs?: Namespace;
  /** Config sources for immutable options (and all options before a reload). */
  sources: readonly ConfigSource[];
  /** Config sources for mutable options (after a reload re-opened them). */
  mutableSources?: readonly ConfigSource[];
  /** Finds a registered option by a name code uses (deprecated names included). */
  find(group: string, name: string): Registered | undefined;
}

/** The outcome of a resolution pass. */
export interface ResolveOutput {
  /** By registration number. */
  values: (ResolvedValue | undefined)[];
  errors: ConfigError[];
  warnings: string[];
}

/** Resolves every registered option (or only `only`, and what they refer to). */
export function resolveAll(input: ResolveInput, only?: readonly Registered[]): ResolveOutput {
  // Each option (by registration index) gets its value, its error, or PENDING while resolving.
  const memo: (ResolvedValue | ConfigError | typeof PENDING | undefined)[] = new Array(
    input.opts.length,
  );
  const warnings: string[] = [];
  // Options (by label) whose value substitutes a secret value: secret themselves.
  const tainted = new Set<string>();

  const refLookup = (outer: string): RefLookup => (group, name) => {
    if (group === undefined) {
      if (name !== "DEFAULT" && input.groups.has(normalizeGroupName(name))) {
        return { kind: "group" };
      }
      const reg = input.find("DEFAULT", name);
      return reg === undefined
        ? { kind: "no-option" }
        : { kind: "value", value: valueOf(reg, outer) };
    }
    const g = normalizeGroupName(group);
    if (!input.groups.has(g)) return { kind: "no-group" };
    const reg = input.find(g, name);
    return reg === undefined
      ? { kind: "no-option" }
      : { kind: "value", value: valueOf(reg, outer) };
  };

  const valueOf = (reg: Registered, outer: string): unknown => {
    const r = resolve(reg);
    if (r instanceof ConfigError) {
      throw new InterpolationError(
        outer,
        `Cannot substitute a reference in option ${outer}: it refers to ${reg.label}, which is invalid`,
      );
    }
    if (r.secret) tainted.add(outer);
    return r.value;
  };

  const resolve = (reg: Registered): ResolvedValue | ConfigError => {
    const state = memo[reg.index];
    if (state !== undefined && state !== PENDING) return state;
    if (state === PENDING) {
      throw new InterpolationError(
        reg.label,
        `Cannot substitute references in option ${reg.label}: they refer back to it (a cycle)`,
      );
    }
    memo[reg.index] = PENDING;
    const simple = fromFile(reg);
    if (simple !== undefined) return memo[reg.index] = simple;
    let result: ResolvedValue | ConfigError;
    let raw: Raw | undefined;
    try {
      raw = rawOf(reg);
      result = convertRaw(reg, raw, refLookup);
      if (
        reg.opt.secret || raw?.kind === "text" && raw.secret ||
        tainted.size > 0 && tainted.has(reg.label)
      ) {
        result.secret = true;
      }
    } catch (e) {
      const label = reg.label;
      if (e instanceof InterpolationError) {
        result = e.option === label ? e : new InterpolationError(
          label,
          `Cannot substitute references in option ${label}: ${e.message}`,
        );
      } else if (e instanceof TypeError || e instanceof RangeError) {
        const secret = reg.opt.secret || looksSecret(reg.opt.name) ||
          (raw?.kind === "text" && !!raw.secret) || tainted.has(label);
        result = valueError(reg, raw, e, secret);
      } else throw e;
    }
    memo[reg.index] = result;
    return result;
  };

  // The common case, without a Raw: a file sets a single-valued option that is not given on
  // the command line nor in the environment, and the value refers to nothing.
  const hit: FileHitRef = { file: "", entry: undefined };
  const fromFile = (reg: Registered): ResolvedValue | ConfigError | undefined => {
    const opt = reg.opt;
    if (reg.cli || opt.multi || input.overrides.size > 0) return undefined;
    const ns = opt.mutable && input.mutableNs ? input.mutableNs : input.ns;
    if (!fileHit(reg, ns, hit)) return undefined;
    const file = hit.file;
    const { value: text, line } = hit.entry as IniEntry;
    if (text.includes("$")) return undefined;
    try {
      const r = new Resolved(opt.type.convert(text) ?? undefined, text, undefined, file, line);
      if (opt.secret) r.secret = true;
      return r;
    } catch (e) {
      if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
      const raw: Raw = { kind: "text", value: text, file, line, fromNs: true };
      return valueError(reg, raw, e, !!opt.secret || looksSecret(opt.name));
    }
  };

  const rawOf = (reg: Registered): Raw | undefined => {
    const k = input.overrides.size > 0 || input.setDefaults.size > 0 ? reg.key : "";
    if (input.overrides.size > 0 && input.overrides.has(k)) {
      return { kind: "typed", value: input.overrides.get(k), location: { kind: "set_override" } };
    }
    const ns = reg.opt.mutable && input.mutableNs ? input.mutableNs : input.ns;
    const fromNs = namespaceRaw(reg, ns);
    if (fromNs) return fromNs;
    const sources = reg.opt.mutable && input.mutableSources ? input.mutableSources : input.sources;
    for (let i = 0; i < sources.length; i++) {
      const v = (sources[i] as ConfigSource).get(reg.group, reg.opt.dest, reg.opt);
      if (v) {
        return {
          kind: "text",
          value: v.value,
          location: v.location,
          fromNs: false,
          ...(v.secret ? { secret: true } : {}),
        };
      }
    }
    if (input.setDefaults.size > 0 && input.setDefaults.has(k)) {
      return { kind: "typed", value: input.setDefaults.get(k), location: { kind: "set_default" } };
    }
    return undefined;
  };

  // An indexed loop: it runs once per load, often before the optimiser has compiled it.
  const regs = only ?? input.opts;
  const values: (ResolvedValue | undefined)[] = new Array(input.opts.length);
  const errors: ConfigError[] = [];
  for (let i = 0; i < regs.length; i++) {
    const reg = regs[i];
    if (!reg) continue;
    const r = resolve(reg); // final: what it refers to is resolved (and kept) first
    if (r instanceof ConfigError) {
      errors.push(r);
      continue;
    }
    values[reg.index] = r;
    const { opt } = reg;
    if (opt.required && (r.value === undefined || r.value === null)) {
      const k = reg.key;
      if (!input.overrides.has(k) && !input.setDefaults.has(k)) {
        errors.push(new RequiredOptError(reg.label));
      }
    }
    if (opt.deprecatedForRemoval) {
      const { location } = r;
      if (location.kind === "user" || location.kind === "command_line") {
        const reason = opt.deprecatedReason ? ` (${opt.deprecatedReason})` : "";
        warnings.push(
          `Option "${opt.dest}" from group "${reg.group}" is deprecated for removal${reason}.  Its value may be silently ignored in the future. (${
            describeLocation(location)
          })`,
        );
      }
    }
  }
  return { values, errors, warnings };
}

const PENDING = Symbol("pending");

function needsSubstitution(v: unknown): boolean {
  if (typeof v === "string") return v.includes("$");
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (needsSubstitution(v[i])) return true;
    return false;
  }
  if (v !== null && typeof v === "object") {
    for (const k in v) { // own enumerable string keys, as Object.entries has
      if (
        Object.hasOwn(v, k) &&
        (k.includes("$") || needsSubstitution((v as Record<string, unknown>)[k]))
      ) return true;
    }
  }
  return false;
}

function convertRaw(
  reg: Registered,
  raw: Raw | undefined,
  lookupFor: (outer: string) => RefLookup,
): ResolvedValue {
  const { group, opt } = reg;
  if (raw === undefined) {
    if (opt.default === undefined || opt.default === null) {
      return resolvedFrom(undefined, undefined, undefined);
    }
    const d = needsSubstitution(opt.default)
      ? substituteValue(opt.default, group, opt.name, lookupFor(reg.label))
      : opt.default;
    const value = opt.multi
      ? (Array.isArray(d) ? d : [d]).map((v) => opt.type.convert(v))
      : opt.type.convert(d);
    return resolvedFrom(value ?? undefined, undefined, undefined);
  }
  if (raw.kind === "typed") {
    const value = needsSubstitution(raw.value)
      ? substituteValue(raw.value, "DEFAULT", opt.name, lookupFor(reg.label))
      : raw.value;
    return resolvedFrom(value ?? undefined, raw, undefined);
  }
  if (raw.shadowed) {
    try {
      convertRaw(reg, raw.shadowed, lookupFor);
    } catch (e) {
      if (e instanceof TypeError) throw new AtLocation(e.message, rawLocation(raw.shadowed));
      throw e;
    }
  }
  const text = raw.value;
  if (typeof text === "string") {
    const value = opt.type.convert(
      text.includes("$") ? substituteValue(text, group, opt.name, lookupFor(reg.label)) : text,
    );
    return resolvedFrom(value ?? undefined, raw, text);
  }
  if (!Array.isArray(text)) {
    return resolvedFrom(opt.type.convert(text) ?? undefined, raw, String(text));
  }
  const items = text.map((t) =>
    needsSubstitution(t) ? substituteValue(t, group, opt.name, lookupFor(reg.label)) : t
  );
  const value = opt.multi ? items.map((t) => opt.type.convert(t)) : opt.type.convert(items[0]);
  return resolvedFrom(value ?? undefined, raw, text.map(String));
}

/** A conversion failure of a value other than the one that wins (a shadowed command-line value). */
class AtLocation extends TypeError {
  constructor(message: string, readonly location: Location) {
    super(message);
  }
}

function valueError(
  reg: Registered,
  raw: Raw | undefined,
  e: Error,
  secret: boolean,
): ConfigError {
  const label = `${reg.group}/${reg.opt.name}`;
  const location: Location = e instanceof AtLocation
    ? e.location
    : raw
    ? rawLocation(raw)
    : { kind: "opt_default" };
  const reason = secret
    ? `the value (not shown: secret) is not a valid ${reg.opt.type.typeName}`
    : e.message;
  return new ConfigFileValueError(label, describeLocation(location), reason, {
    ...(secret ? {} : { cause: e }),
    ...(location.line === undefined ? {} : { line: location.line }),
  });
}

/**
 * What the namespace, else the first source that has one, gives an option,
 * unconverted: reloads compare it to tell a changed immutable option.
 */
export function unconvertedValue(
  reg: Registered,
  ns: Namespace,
  sources: readonly ConfigSource[],
): unknown {
  const fromNs = namespaceRaw(reg, ns);
  if (fromNs) return fromNs.value;
  for (const source of sources) {
    const v = source.get(reg.group, reg.opt.dest, reg.opt);
    if (v) return v.value;
  }
  return undefined;
}

/** A value given in code (`setOverride`, `setDefault`) converted by the option's type. */
export function convertFixed(opt: Opt, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (opt.multi) return (Array.isArray(value) ? value : [value]).map((v) => opt.type.convert(v));
  return opt.type.convert(value);
}
