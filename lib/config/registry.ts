/**
 * The registration records of options: what every resolution needs about an
 * option, computed once when it is registered (its lookup names, environment
 * variable, key and index), and the lookups by name code uses.
 *
 * @module
 */
import type { CliOpt } from "./args.ts";
import { DuplicateOptError } from "./errors.ts";
import { type LookupName, normalizeGroupName, type ParsedFile } from "./namespace.ts";
import type { Opt, OptGroupOptions } from "./opt.ts";

/** A registered option. */
export interface Registered {
  /** Normalised group. */
  group: string;
  /** The option. */
  opt: Opt;
  /** Given on the command line too. */
  cli: boolean;
  /** `GROUP/OPTION`, for messages. */
  label: string;
  /** The names files are searched for (see {@linkcode lookupNames}). */
  names: LookupName[];
  /** `OS_<GROUP>__<OPTION>`. */
  envName: string;
  /** Map key ({@linkcode optKey}). */
  key: string;
  /** Registration number, unique per `ConfigOpts` (indexes a resolution's memo). */
  index: number;
}

/** A registration record, with what every resolution needs computed once. */
export function registered(group: string, opt: Opt, cli: boolean, index: number): Registered {
  return {
    group,
    opt,
    cli,
    label: `${group}/${opt.name}`,
    names: lookupNames(group, opt),
    envName: envVarName(group, opt.dest),
    key: optKey(group, opt.dest),
    index,
  };
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
  const names: LookupName[] = [{ group, name: opt.dest }];
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
  /** Key → record. */
  readonly opts = new Map<string, Registered>();
  /** Normalised name → group. */
  readonly groups = new Map<string, GroupInfo>([["DEFAULT", { name: "DEFAULT", opts: [] }]]);
  /** group → dest → key, for reads without building key strings. */
  #byGroup = new Map<string, Map<string, string>>();
  /** Key of a deprecated (group, name) → key of the option. */
  #deprecated = new Map<string, string>();
  #count = 0;

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
    this.ensureGroup(g, {});
    const k = optKey(g, opt.dest);
    const existing = this.opts.get(k);
    if (existing) {
      if (existing.opt === opt || sameOpt(existing.opt, opt)) return;
      throw new DuplicateOptError(`${g}/${opt.name}`);
    }
    this.opts.set(k, registered(g, opt, cli, this.#count++));
    let byName = this.#byGroup.get(g);
    if (!byName) this.#byGroup.set(g, byName = new Map());
    byName.set(opt.dest, k);
    (this.groups.get(g) as GroupInfo).opts.push(opt);
    for (const d of opt.deprecatedOpts) {
      const dk = optKey(
        normalizeGroupName(d.group ?? g),
        (d.name ?? opt.dest).replaceAll("-", "_"),
      );
      if (!this.#deprecated.has(dk)) this.#deprecated.set(dk, k);
    }
  }

  /** Removes an option. */
  remove(opt: Opt, group: string): void {
    const g = normalizeGroupName(group);
    const k = optKey(g, opt.dest);
    if (this.opts.get(k)?.opt === opt) {
      this.opts.delete(k);
      this.#byGroup.get(g)?.delete(opt.dest);
    }
    const info = this.groups.get(g);
    if (info) info.opts = info.opts.filter((o) => o !== opt);
  }

  /** The options given on the command line too. */
  cliOpts(): CliOpt[] {
    return [...this.opts.values()].filter((r) => r.cli).map((r) => ({
      group: r.group,
      opt: r.opt,
    }));
  }

  /** The key of `group/name` (names with `-`, any case of group, deprecated names too). */
  find(group: string, name: string): string | undefined {
    const direct = this.#byGroup.get(group)?.get(name);
    if (direct !== undefined) return direct;
    const k = optKey(
      normalizeGroupName(group),
      name.includes("-") ? name.replaceAll("-", "_") : name,
    );
    if (this.opts.has(k)) return k;
    return this.#deprecated.get(k);
  }
}

/** oslo.config's deprecation warning for every deprecated name the files use, with where. */
export function deprecationWarnings(registry: OptRegistry, files: readonly ParsedFile[]): string[] {
  const out: string[] = [];
  for (const reg of registry.opts.values()) {
    for (const d of reg.opt.deprecatedOpts) {
      const group = normalizeGroupName(d.group ?? reg.group);
      const name = d.name ?? reg.opt.dest;
      for (const f of files) {
        const hit = f.sections.get(group)?.get(name);
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
