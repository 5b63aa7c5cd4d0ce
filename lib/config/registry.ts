/**
 * The registration records of options: what every resolution needs about an
 * option, computed once when it is registered (its deprecated lookup names and
 * index; its label and environment variable when first asked), and the lookups
 * by name code uses.
 *
 * @module
 */
import type { CliOpt } from "./args.ts";
import { DuplicateOptError } from "./errors.ts";
import { fileEntries, type LookupName, normalizeGroupName, type ParsedFile } from "./namespace.ts";
import type { Opt, OptGroupOptions } from "./opt.ts";

/**
 * A registered option: what every resolution needs, computed once at
 * registration; its label and environment variable are built when first asked.
 */
export class Registered {
  #label: string | undefined;
  #envName: string | undefined;

  constructor(
    /** Normalised group. */
    readonly group: string,
    /** The option. */
    readonly opt: Opt,
    /** Given on the command line too. */
    readonly cli: boolean,
    /** Registration number, unique per `ConfigOpts` (indexes values and a resolution's memo). */
    readonly index: number,
    /** The deprecated (group, name) pairs files are also searched for, in oslo's order. */
    readonly aliases: readonly LookupName[] = aliasNames(group, opt),
  ) {}

  /** `GROUP/OPTION`, for messages. */
  get label(): string {
    return this.#label ??= `${this.group}/${this.opt.name}`;
  }

  /** `OS_<GROUP>__<OPTION>`. */
  get envName(): string {
    return this.#envName ??= envVarName(this.group, this.opt.dest);
  }

  /** Map key ({@linkcode optKey}) of overrides and set defaults, which outlive a re-registration. */
  get key(): string {
    return optKey(this.group, this.opt.dest);
  }

  /** The names files are searched for: its own, then its aliases (see {@linkcode lookupNames}). */
  get names(): LookupName[] {
    return [{ group: this.group, name: this.opt.dest }, ...this.aliases];
  }
}

/** Map key of an option. */
export const optKey = (group: string, dest: string) => `${group}\u0000${dest}`;

/**
 * Environment variable oslo.config reads for an option: `OS_<GROUP>__<OPTION>`.
 *
 * @example The variable for an option
 * ```ts
 * import { envVarName } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(envVarName("placement_database", "connection"), "OS_PLACEMENT_DATABASE__CONNECTION");
 * ```
 */
export function envVarName(group: string, name: string): string {
  return `OS_${group.toUpperCase()}__${name.replaceAll("-", "_").toUpperCase()}`;
}

/** The (group, name) pairs files are searched for: the option's own, then its aliases. */
export function lookupNames(group: string, opt: Opt): LookupName[] {
  return [{ group, name: opt.dest }, ...aliasNames(group, opt)];
}

const NO_ALIASES: readonly LookupName[] = Object.freeze([]);

function aliasNames(group: string, opt: Opt): readonly LookupName[] {
  if (opt.deprecatedOpts.length === 0) return NO_ALIASES;
  const names: LookupName[] = [];
  for (const d of opt.deprecatedOpts) {
    if (d.name === undefined && d.group === undefined) continue;
    names.push({ group: normalizeGroupName(d.group ?? group), name: d.name ?? opt.dest });
  }
  return names;
}

/** A registered group as `ConfigOpts.groups()` lists it. */
export interface GroupInfo extends OptGroupOptions {
  /** Normalised name. */
  name: string;
  /** Its options in registration order. */
  opts: Opt[];
}

/** The options and groups of one `ConfigOpts`. */
export class OptRegistry {
  /** Every option by registration number; a removed one leaves a hole. */
  readonly opts: (Registered | undefined)[] = [];
  /** Normalised name → group. */
  readonly groups = new Map<string, GroupInfo>([["DEFAULT", { name: "DEFAULT", opts: [] }]]);
  /** group → dest → registration number, for reads without building key strings. */
  #byGroup = new Map<string, Map<string, number>>();
  /** Key ({@linkcode optKey}) of a deprecated (group, name) → the option. */
  #deprecated = new Map<string, Registered>();
  #withDeprecated: Registered[] = [];
  #cli = 0;

  /** Creates a group, or adds to a known one the metadata it lacked. */
  ensureGroup(name: string, meta: OptGroupOptions): void {
    const g = normalizeGroupName(name);
    const known = this.groups.get(g);
    if (!known) this.groups.set(g, { name: g, opts: [], ...meta });
    else Object.assign(known, Object.fromEntries(Object.entries(meta).filter(([, v]) => v)));
  }

  /** Registers an option; the same option again is a no-op, a different one an error. */
  add(opt: Opt, group: string, cli: boolean): void {
    const g = normalizeGroupName(group);
    let byName = this.#byGroup.get(g);
    if (!byName) {
      this.ensureGroup(g, {});
      this.#byGroup.set(g, byName = new Map());
    }
    const at = byName.get(opt.dest);
    const existing = at === undefined ? undefined : this.opts[at];
    if (existing) {
      if (existing.opt === opt || sameOpt(existing.opt, opt)) return;
      throw new DuplicateOptError(`${g}/${opt.name}`);
    }
    const reg = new Registered(g, opt, cli, this.opts.length);
    this.opts.push(reg);
    if (cli) this.#cli++;
    byName.set(opt.dest, reg.index);
    (this.groups.get(g) as GroupInfo).opts.push(opt);
    if (opt.deprecatedOpts.length > 0) this.#withDeprecated.push(reg);
    for (const d of opt.deprecatedOpts) {
      const dk = optKey(
        normalizeGroupName(d.group ?? g),
        (d.name ?? opt.dest).replaceAll("-", "_"),
      );
      if (!this.#deprecated.has(dk)) this.#deprecated.set(dk, reg);
    }
  }

  /** Removes an option. */
  remove(opt: Opt, group: string): void {
    const g = normalizeGroupName(group);
    const reg = this.get(g, opt.dest);
    if (reg?.opt === opt) {
      this.opts[reg.index] = undefined;
      if (reg.cli) this.#cli--;
      this.#byGroup.get(g)?.delete(opt.dest);
      for (const [dk, r] of this.#deprecated) if (r === reg) this.#deprecated.delete(dk);
      this.#withDeprecated = this.#withDeprecated.filter((r) => r !== reg);
    }
    const info = this.groups.get(g);
    if (info) info.opts = info.opts.filter((o) => o !== opt);
  }

  /** The options with deprecated names, in registration order. */
  get withDeprecatedNames(): readonly Registered[] {
    return this.#withDeprecated;
  }

  /** The options given on the command line too. */
  cliOpts(): CliOpt[] {
    if (this.#cli === 0) return [];
    const out: CliOpt[] = [];
    for (const r of this.opts) if (r?.cli) out.push({ group: r.group, opt: r.opt });
    return out;
  }

  /** The option registered exactly as `group/dest` (normalised group, `_` in the name). */
  get(group: string, dest: string): Registered | undefined {
    const at = this.#byGroup.get(group)?.get(dest);
    return at === undefined ? undefined : this.opts[at];
  }

  /** The registration number of `group/dest` exactly as registered, else -1 (see `find`). */
  indexOf(group: string, dest: string): number {
    return this.#byGroup.get(group)?.get(dest) ?? -1;
  }

  /** The option `group/name` (names with `-`, any case of group, deprecated names too). */
  find(group: string, name: string): Registered | undefined {
    const direct = this.get(group, name);
    if (direct !== undefined) return direct;
    const g = normalizeGroupName(group);
    const n = name.includes("-") ? name.replaceAll("-", "_") : name;
    return this.get(g, n) ?? this.#deprecated.get(optKey(g, n));
  }
}

/** oslo.config's deprecation warning for every deprecated name the files use, with where. */
export function deprecationWarnings(registry: OptRegistry, files: readonly ParsedFile[]): string[] {
  const out: string[] = [];
  for (const reg of registry.withDeprecatedNames) {
    for (const d of reg.opt.deprecatedOpts) {
      const group = normalizeGroupName(d.group ?? reg.group);
      const name = d.name ?? reg.opt.dest;
      for (const f of files) {
        const hit = fileEntries(f, group, name);
        if (!hit) continue;
        out.push(
          `Option "${name}" from group "${group}" is deprecated. Use option "${reg.opt.dest}" ` +
            `from group "${reg.group}". (${f.name}:${hit[0]?.line})`,
        );
      }
    }
  }
  return out;
}

function sameOpt(a: Opt, b: Opt): boolean {
  const view = (o: Opt) =>
    JSON.stringify([
      o.name,
      o.kind,
      o.type.typeName,
      o.default ?? null,
      o.help ?? null,
      !!o.secret,
      !!o.required,
      !!o.mutable,
      o.multi,
      o.deprecatedOpts,
      o.type.choices ?? null,
      o.type.min ?? null,
      o.type.max ?? null,
    ]);
  return view(a) === view(b);
}
