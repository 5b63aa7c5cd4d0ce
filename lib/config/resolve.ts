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
import { type Namespace, namespaceRaw, type Raw } from "./raw.ts";
import type { Registered } from "./registry.ts";
import { looksSecret } from "./redact.ts";
import type { ConfigSource } from "./source.ts";
import type { Opt } from "./opt.ts";

/** A resolved value and where it came from. */
export interface ResolvedValue {
  /** The typed value. */
  value: unknown;
  /** Its source. */
  location: Location;
  /** The text before substitution and conversion, when it came from text. */
  raw?: string | string[];
  /**
   * Never show it: the option is declared secret, the value came from a secret
   * store (`secrets_dir`, `castellan`), or it substitutes a value that is secret.
   */
  secret?: boolean;
}

/** Everything resolution reads. */
export interface ResolveInput {
  opts: ReadonlyMap<string, Registered>;
  groups: ReadonlySet<string>;
  overrides: ReadonlyMap<string, unknown>;
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
  find(group: string, name: string): string | undefined;
}

/** The outcome of a resolution pass. */
export interface ResolveOutput {
  values: Map<string, ResolvedValue>;
  errors: ConfigError[];
  warnings: string[];
}

/** Resolves every registered option (or only `only`, and what they refer to). */
export function resolveAll(input: ResolveInput, only?: readonly string[]): ResolveOutput {
  // Each option (by registration index) gets its value, its error, or PENDING while resolving.
  const memo: (ResolvedValue | ConfigError | typeof PENDING | undefined)[] = [];
  const warnings: string[] = [];
  // Options (by label) whose value substitutes a secret value: secret themselves.
  const tainted = new Set<string>();

  const refLookup = (outer: string): RefLookup => (group, name) => {
    if (group === undefined) {
      if (name !== "DEFAULT" && input.groups.has(normalizeGroupName(name))) {
        return { kind: "group" };
      }
      const k = input.find("DEFAULT", name);
      return k === undefined ? { kind: "no-option" } : { kind: "value", value: valueOf(k, outer) };
    }
    const g = normalizeGroupName(group);
    if (!input.groups.has(g)) return { kind: "no-group" };
    const k = input.find(g, name);
    return k === undefined ? { kind: "no-option" } : { kind: "value", value: valueOf(k, outer) };
  };

  const valueOf = (k: string, outer: string): unknown => {
    const r = resolve(input.opts.get(k) as Registered);
    if (r instanceof ConfigError) {
      const reg = input.opts.get(k) as Registered;
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
    const label = reg.label;
    if (state === PENDING) {
      throw new InterpolationError(
        label,
        `Cannot substitute references in option ${label}: they refer back to it (a cycle)`,
      );
    }
    memo[reg.index] = PENDING;
    let result: ResolvedValue | ConfigError;
    let raw: Raw | undefined;
    try {
      raw = rawOf(reg.key, reg);
      result = convertRaw(reg, raw, refLookup);
      if (reg.opt.secret || raw?.kind === "text" && raw.secret || tainted.has(label)) {
        result.secret = true;
      }
    } catch (e) {
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

  const rawOf = (k: string, reg: Registered): Raw | undefined => {
    if (input.overrides.size > 0 && input.overrides.has(k)) {
      return { kind: "typed", value: input.overrides.get(k), location: { kind: "set_override" } };
    }
    const ns = reg.opt.mutable && input.mutableNs ? input.mutableNs : input.ns;
    const fromNs = namespaceRaw(reg, ns);
    if (fromNs) return fromNs;
    const sources = reg.opt.mutable && input.mutableSources ? input.mutableSources : input.sources;
    for (const source of sources) {
      const v = source.get(reg.group, reg.opt.dest, reg.opt);
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

  const regs = only ? only.map((k) => input.opts.get(k) as Registered) : [...input.opts.values()];
  for (const reg of regs) resolve(reg);

  const values = new Map<string, ResolvedValue>();
  const errors: ConfigError[] = [];
  for (const reg of regs) {
    const k = reg.key;
    const r = memo[reg.index] as ResolvedValue | ConfigError;
    if (r instanceof ConfigError) {
      errors.push(r);
      continue;
    }
    values.set(k, r);
    const { opt } = reg;
    if (opt.required && (r.value === undefined || r.value === null)) {
      if (!input.overrides.has(k) && !input.setDefaults.has(k)) {
        errors.push(new RequiredOptError(reg.label));
      }
    }
    if (
      opt.deprecatedForRemoval && (r.location.kind === "user" || r.location.kind === "command_line")
    ) {
      const reason = opt.deprecatedReason ? ` (${opt.deprecatedReason})` : "";
      warnings.push(
        `Option "${opt.dest}" from group "${reg.group}" is deprecated for removal${reason}.  Its value may be silently ignored in the future. (${
          describeLocation(r.location)
        })`,
      );
    }
  }
  return { values, errors, warnings };
}

const PENDING = Symbol("pending");

function needsSubstitution(v: unknown): boolean {
  if (typeof v === "string") return v.includes("$");
  if (Array.isArray(v)) return v.some(needsSubstitution);
  if (v !== null && typeof v === "object") {
    return Object.entries(v).some(([k, x]) => k.includes("$") || needsSubstitution(x));
  }
  return false;
}

function convertRaw(
  reg: Registered,
  raw: Raw | undefined,
  lookupFor: (outer: string) => RefLookup,
): ResolvedValue {
  const { group, opt } = reg;
  const subst = (v: unknown, g: string) =>
    needsSubstitution(v) ? substituteValue(v, g, opt.name, lookupFor(reg.label)) : v;
  if (raw === undefined) {
    if (opt.default === undefined || opt.default === null) {
      return { value: undefined, location: { kind: "opt_default" } };
    }
    const d = subst(opt.default, group);
    const value = opt.multi
      ? (Array.isArray(d) ? d : [d]).map((v) => opt.type.convert(v))
      : opt.type.convert(d);
    return { value: value ?? undefined, location: { kind: "opt_default" } };
  }
  if (raw.kind === "typed") {
    return { value: subst(raw.value, "DEFAULT") ?? undefined, location: raw.location };
  }
  if (raw.shadowed) {
    try {
      convertRaw(reg, raw.shadowed, lookupFor);
    } catch (e) {
      if (e instanceof TypeError) throw new AtLocation(e.message, raw.shadowed.location);
      throw e;
    }
  }
  if (!Array.isArray(raw.value)) {
    const value = opt.type.convert(subst(raw.value, group));
    return {
      value: value ?? undefined,
      location: raw.location,
      raw: typeof raw.value === "string" ? raw.value : String(raw.value),
    };
  }
  const items = raw.value.map((t) => subst(t, group));
  const value = opt.multi ? items.map((t) => opt.type.convert(t)) : opt.type.convert(items[0]);
  return { value: value ?? undefined, location: raw.location, raw: raw.value.map(String) };
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
    : raw?.location ?? { kind: "opt_default" };
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
