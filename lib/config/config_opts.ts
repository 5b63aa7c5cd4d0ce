/**
 * `ConfigOpts`: registered options and the values every source gives them,
 * after oslo.config's `ConfigOpts`, without its global instance or attribute magic.
 *
 * Precedence, highest first: overrides, command line, environment
 * (`OS_<GROUP>__<OPTION>`), config files in order (the last one wins; a config
 * dir's sorted `*.conf` after the files), set defaults, option defaults.
 * Values are converted eagerly at {@linkcode ConfigOpts.load}, and every invalid
 * value is reported at once with the option and where it came from.
 *
 * @module
 */
import { type CliOpt, type CliValue, parseArgs } from "./args.ts";
import {
  type ConfigError,
  ConfigErrors,
  ConfigFilesNotFoundError,
  ConfigFileValueError,
  DuplicateOptError,
  NoSuchOptError,
  RequiredOptError,
} from "./errors.ts";
import { parseIniDocument } from "./ini.ts";
import { describeLocation, type Location } from "./location.ts";
import type { GroupValues, Opt, OptGroup } from "./opt.ts";
import { interpolate } from "./interpolate.ts";

/** A config file's text, read or given in memory. */
export interface ConfigText {
  /** Path or name used in locations and errors. */
  name: string;
  /** The INI text. */
  text: string;
}

/** Inputs of {@linkcode ConfigOpts.load}. */
export interface LoadOptions {
  /** Command-line arguments (`--config-file`, `--config-dir`, registered CLI options). */
  args?: readonly string[];
  /** Environment to read `OS_<GROUP>__<OPTION>` from; `false` to ignore it. */
  env?: Readonly<Record<string, string | undefined>> | false;
  /** Config texts read before any `--config-file` (embedded defaults, tests). */
  texts?: readonly ConfigText[];
}

/** A resolved value and where it came from. */
export interface ResolvedValue {
  /** The typed value. */
  value: unknown;
  /** Its source. */
  location: Location;
}

interface Registered {
  group: string;
  opt: Opt;
}

interface RawValue {
  value: string | string[];
  location: Location;
  /** The name the source used, when a deprecated alias. */
  alias?: string;
}

const key = (group: string, name: string) => `${group}\u0000${name}`;

/** oslo.config normalises section names to lower case, except exactly `DEFAULT`. */
export function normalizeGroupName(name: string): string {
  return name === "DEFAULT" ? name : name.toLowerCase();
}

/** Environment variable oslo.config reads for an option: `OS_<GROUP>__<OPTION>`. */
export function envVarName(group: string, name: string): string {
  return `OS_${group.toUpperCase()}__${name.replaceAll("-", "_").toUpperCase()}`;
}

/**
 * Registered options and their values.
 *
 * @example Environment beats a file
 * ```ts
 * import { ConfigOpts, intOpt, optGroup } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const api = optGroup("api", [intOpt("workers", { default: 1, min: 1 })]);
 * const conf = new ConfigOpts().register(api);
 * await conf.load({
 *   texts: [{ name: "a.conf", text: "[api]\nworkers = 4\n" }],
 *   env: { OS_API__WORKERS: "8" },
 * });
 * assert.equal(conf.group(api).workers, 8);
 * assert.equal(conf.location("api", "workers").detail, "OS_API__WORKERS");
 * ```
 */
export class ConfigOpts {
  #opts = new Map<string, Registered>();
  #groups = new Map<string, { name: string; help?: string }>();
  #values = new Map<string, ResolvedValue>();
  #overrides = new Map<string, unknown>();
  #setDefaults = new Map<string, unknown>();
  #files: ConfigText[] = [];
  #warnings: string[] = [];
  #args: string[] = [];
  #loaded = false;

  constructor() {
    this.#groups.set("DEFAULT", { name: "DEFAULT" });
  }

  /** Registers a group and its options; registering the same option twice is a no-op. */
  register(group: OptGroup): this {
    const name = normalizeGroupName(group.name);
    const known = this.#groups.get(name);
    if (!known || (group.help && !known.help)) {
      this.#groups.set(name, group.help === undefined ? { name } : { name, help: group.help });
    }
    for (const opt of group.opts) {
      const k = key(name, opt.name.replaceAll("-", "_"));
      const existing = this.#opts.get(k);
      if (existing && existing.opt !== opt && !sameOpt(existing.opt, opt)) {
        throw new DuplicateOptError(`${name}/${opt.name}`);
      }
      this.#opts.set(k, { group: name, opt });
    }
    if (this.#loaded) this.#resolveAll();
    return this;
  }

  /** Every registered group with its options, in registration order. */
  groups(): { name: string; help?: string; opts: Opt[] }[] {
    return [...this.#groups.values()].map((g) => ({
      ...g,
      opts: [...this.#opts.values()].filter((r) => r.group === g.name).map((r) => r.opt),
    }));
  }

  /** The registered option, or undefined. */
  findOpt(group: string, name: string): Opt | undefined {
    return this.#opts.get(key(normalizeGroupName(group), name.replaceAll("-", "_")))?.opt;
  }

  /**
   * Reads every source and converts every value; throws {@linkcode ConfigErrors}
   * listing each invalid value, {@linkcode RequiredOptError} for a missing one and
   * {@linkcode ConfigFilesNotFoundError} for unreadable files.
   */
  async load(options: LoadOptions = {}): Promise<this> {
    this.#args = [...(options.args ?? [])];
    const parsed = parseArgs(this.#args, this.#cliOpts());
    const files: ConfigText[] = [...(options.texts ?? [])];
    const missing: string[] = [];
    for (const path of parsed.configFiles) {
      try {
        files.push({ name: path, text: await Deno.readTextFile(path) });
      } catch {
        missing.push(path);
      }
    }
    for (const dir of parsed.configDirs) {
      try {
        const names = [];
        for await (const e of Deno.readDir(dir)) {
          if (e.isFile && e.name.endsWith(".conf")) names.push(e.name);
        }
        for (const n of names.sort()) {
          const path = `${dir.replace(/\/+$/, "")}/${n}`;
          files.push({ name: path, text: await Deno.readTextFile(path) });
        }
      } catch {
        missing.push(dir);
      }
    }
    if (missing.length > 0) throw new ConfigFilesNotFoundError(missing);
    this.#files = files;
    this.#cli = parsed.values;
    this.#env = options.env === false ? {} : (options.env ?? Deno.env.toObject());
    this.#loaded = true;
    this.#resolveAll();
    return this;
  }

  #cli: CliValue[] = [];
  #env: Readonly<Record<string, string | undefined>> = {};

  #cliOpts(): CliOpt[] {
    return [...this.#opts.values()].filter((r) => r.opt.cli).map((r) => ({
      group: r.group,
      opt: r.opt,
    }));
  }

  /** Raw (text) values from files, env and CLI for every option, before conversion. */
  #collectRaw(): Map<string, RawValue> {
    const fileValues = new Map<string, { value: string; location: Location; name: string }[]>();
    for (const file of this.#files) {
      for (const e of parseIniDocument(file.text, { file: file.name }).entries) {
        const k = key(normalizeGroupName(e.section), e.key.replaceAll("-", "_"));
        const list = fileValues.get(k) ?? [];
        list.push({
          value: e.value,
          location: { kind: "user", detail: file.name, line: e.line },
          name: `${e.section}/${e.key}`,
        });
        fileValues.set(k, list);
      }
    }
    const raw = new Map<string, RawValue>();
    for (const [k, { group, opt }] of this.#opts) {
      const dest = opt.name.replaceAll("-", "_");
      const cli = this.#cli.filter((c) => c.group === group && c.name === opt.name);
      const envName = envVarName(group, dest);
      const envValue = this.#env[envName];
      if (cli.length > 0) {
        const last = cli[cli.length - 1] as CliValue;
        raw.set(k, {
          value: opt.multi ? cli.map((c) => c.value) : last.value,
          location: { kind: "command_line", detail: last.flag },
        });
      } else if (envValue !== undefined) {
        raw.set(k, {
          value: opt.multi ? [envValue] : envValue,
          location: { kind: "environment", detail: envName },
        });
      } else {
        const found = this.#fileValue(group, opt, fileValues);
        if (found) raw.set(k, found);
      }
    }
    return raw;
  }

  #fileValue(
    group: string,
    opt: Opt,
    fileValues: Map<string, { value: string; location: Location; name: string }[]>,
  ): RawValue | undefined {
    const dest = opt.name.replaceAll("-", "_");
    const names: { group: string; name: string; alias: boolean }[] = [{
      group,
      name: dest,
      alias: false,
    }];
    const aliases = [
      ...(opt.deprecatedName || opt.deprecatedGroup
        ? [{ name: opt.deprecatedName, group: opt.deprecatedGroup }]
        : []),
      ...(opt.deprecatedOpts ?? []),
    ];
    for (const a of aliases) {
      names.push({
        group: normalizeGroupName(a.group ?? group),
        name: (a.name ?? opt.name).replaceAll("-", "_"),
        alias: true,
      });
    }
    // Every occurrence under any name, in file order; the last one wins (all of them for multi).
    const hits = names.flatMap((n) =>
      (fileValues.get(key(n.group, n.name)) ?? []).map((h) => ({ ...h, alias: n.alias }))
    ).sort((a, b) => order(this.#files, a.location) - order(this.#files, b.location));
    const last = hits[hits.length - 1];
    if (!last) return undefined;
    for (const h of hits.filter((h) => h.alias)) {
      this.#warn(
        `Option "${h.name}" from ${
          describeLocation(h.location)
        } is deprecated. Use option "${group}/${opt.name}" instead`,
      );
    }
    return opt.multi
      ? { value: hits.map((h) => h.value), location: last.location }
      : { value: last.value, location: last.location };
  }

  #warn(message: string): void {
    if (!this.#warnings.includes(message)) this.#warnings.push(message);
  }

  #resolveAll(): void {
    const raw = this.#collectRaw();
    const errors: ConfigError[] = [];
    const values = new Map<string, ResolvedValue>();
    const rawText = (group: string, name: string): string | undefined => {
      const r = raw.get(key(normalizeGroupName(group), name));
      if (r) return Array.isArray(r.value) ? r.value.join(",") : r.value;
      const reg = this.#opts.get(key(normalizeGroupName(group), name));
      if (!reg) return undefined;
      const d = this.#defaultOf(normalizeGroupName(group), reg.opt);
      return d === undefined ? "" : typeof d === "string" ? d : reg.opt.type.format(d);
    };
    for (const [k, { group, opt }] of this.#opts) {
      const label = `${group}/${opt.name}`;
      if (this.#overrides.has(k)) {
        values.set(k, { value: this.#overrides.get(k), location: { kind: "set_override" } });
        continue;
      }
      const r = raw.get(k);
      try {
        if (r) {
          const texts = Array.isArray(r.value) ? r.value : [r.value];
          const subst = texts.map((t) => interpolate(t, group, rawText));
          const value = opt.multi
            ? subst.map((t) => opt.type.convert(t))
            : opt.type.convert(subst[0]);
          values.set(k, { value: value ?? undefined, location: r.location });
          if (opt.deprecatedForRemoval) {
            this.#warn(
              `Option "${label}" from ${describeLocation(r.location)} is deprecated for removal${
                opt.deprecatedReason ? ` (${opt.deprecatedReason})` : ""
              }. Its value may be silently ignored in the future`,
            );
          }
          continue;
        }
        const fromSetDefault = this.#setDefaults.has(k);
        let value = this.#defaultOf(group, opt);
        if (typeof value === "string" && value.includes("$")) {
          value = opt.type.convert(interpolate(value, group, rawText));
        }
        if (value === undefined && opt.required) {
          errors.push(new RequiredOptError(label));
          continue;
        }
        values.set(k, {
          value: value === undefined ? (opt.multi ? [] : undefined) : value,
          location: { kind: fromSetDefault ? "set_default" : "opt_default" },
        });
      } catch (e) {
        const source = r ? describeLocation(r.location) : "the default";
        // A type's message quotes the value: never for a secret.
        const reason = opt.secret
          ? `the value (redacted) is not a valid ${opt.type.typeName}`
          : (e as Error).message;
        errors.push(
          new ConfigFileValueError(label, source, reason, opt.secret ? {} : { cause: e }),
        );
      }
    }
    if (errors.length > 0) throw errors.length === 1 ? errors[0] : new ConfigErrors(errors);
    this.#values = values;
  }

  #defaultOf(group: string, opt: Opt): unknown {
    const k = key(group, opt.name.replaceAll("-", "_"));
    return this.#setDefaults.has(k) ? this.#setDefaults.get(k) : opt.default;
  }

  #resolved(group: string, name: string): ResolvedValue {
    const g = normalizeGroupName(group);
    const k = key(g, name.replaceAll("-", "_"));
    if (!this.#opts.has(k)) throw new NoSuchOptError(`${g}/${name}`);
    const v = this.#values.get(k);
    if (v) return v;
    const opt = (this.#opts.get(k) as Registered).opt;
    // Not loaded yet: defaults only.
    return { value: this.#defaultOf(g, opt), location: { kind: "opt_default" } };
  }

  /** The value of `group/name`; throws {@linkcode NoSuchOptError} when not registered. */
  get(group: string, name: string): unknown {
    return this.#resolved(group, name).value;
  }

  /** Where the value of `group/name` came from. */
  location(group: string, name: string): Location {
    return this.#resolved(group, name).location;
  }

  /** Every value of a group, typed by its declaration. */
  group<const Opts extends readonly Opt[]>(group: OptGroup<Opts>): GroupValues<Opts> {
    const out: Record<string, unknown> = {};
    for (const opt of group.opts) out[opt.name] = this.get(group.name, opt.name);
    return out as GroupValues<Opts>;
  }

  /** Overrides a value above every source (type-checked). */
  setOverride(group: string, name: string, value: unknown): void {
    const g = normalizeGroupName(group);
    const reg = this.#opts.get(key(g, name));
    if (!reg) throw new NoSuchOptError(`${g}/${name}`);
    this.#overrides.set(
      key(g, name),
      value === undefined ? undefined : reg.opt.type.convert(value),
    );
    if (this.#loaded) this.#resolveAll();
  }

  /** Replaces an option's default (type-checked). */
  setDefault(group: string, name: string, value: unknown): void {
    const g = normalizeGroupName(group);
    const reg = this.#opts.get(key(g, name));
    if (!reg) throw new NoSuchOptError(`${g}/${name}`);
    this.#setDefaults.set(
      key(g, name),
      value === undefined ? undefined : reg.opt.type.convert(value),
    );
    if (this.#loaded) this.#resolveAll();
  }

  /** Deprecation and removal warnings found while loading, each once. */
  get warnings(): readonly string[] {
    return this.#warnings;
  }

  /** The config files read, in order. */
  get files(): readonly string[] {
    return this.#files.map((f) => f.name);
  }

  /** Every value by group, secrets shown as `****` (oslo.config's `log_opt_values`). */
  redactedValues(): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [, { group, opt }] of this.#opts) {
      const g = out[group] ??= {};
      g[opt.name] = opt.secret ? "****" : this.get(group, opt.name);
    }
    return out;
  }
}

function order(files: readonly ConfigText[], location: Location): number {
  const i = files.findIndex((f) => f.name === location.detail);
  return i * 1e9 + (location.line ?? 0);
}

function sameOpt(a: Opt, b: Opt): boolean {
  return a.name === b.name && a.type.typeName === b.type.typeName && a.default === b.default &&
    a.multi === b.multi;
}
