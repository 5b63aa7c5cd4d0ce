/**
 * `ConfigOpts`: registered options and the values every source gives them,
 * after oslo.config's `ConfigOpts`, without its global instance or attribute
 * magic. Precedence is oslo.config's (see `resolve.ts`); values are converted
 * eagerly at {@linkcode ConfigOpts.load}, and every invalid value is reported
 * at once with the option and where it came from.
 *
 * @module
 */
import type { CliOpt } from "./args.ts";
import { BUILTIN_DRIVERS } from "./drivers/builtin.ts";
import { ConfigErrors, DuplicateOptError, NoSuchOptError, RequiredOptError } from "./errors.ts";
import type { Location } from "./location.ts";
import { type LoadedNamespace, loadNamespace, type LoadOptions } from "./load.ts";
import { type ConfigText, fileSections, normalizeGroupName, parseConfigText } from "./namespace.ts";
import { type GroupValues, listOpt, type Opt, type OptGroup, type OptGroupOptions } from "./opt.ts";
import { pyStr } from "./py.ts";
import { REDACTED } from "./redact.ts";
import { openSources } from "./open_sources.ts";
import type { MutateHook, ReloadEvent, ReloadListener, ReloadStatus } from "./reload.ts";
import { reloadConfig } from "./reload_run.ts";
import {
  type Namespace,
  optKey,
  type Registered,
  registered,
  resolveAll,
  type ResolvedValue,
} from "./resolve.ts";
import type { ConfigSource, ConfigSourceDriver, SourceHost } from "./source.ts";

/** Where lib/config writes what it has to say at run time (reloads, sources). */
export interface ConfigLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Options of the {@linkcode ConfigOpts} constructor. */
export interface ConfigOptsOptions {
  /** Config-source drivers `[group] driver = ...` may name (the built-in ones by default). */
  drivers?: readonly ConfigSourceDriver[];
  /** Defaults to the console. */
  logger?: ConfigLogger;
}

/** A registered group as {@linkcode ConfigOpts.groups} lists it. */
export interface GroupInfo extends OptGroupOptions {
  /** Normalised name. */
  name: string;
  /** Its options in registration order. */
  opts: Opt[];
}

const CONSOLE: ConfigLogger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

/** oslo.config registers `config_source` on every `ConfigOpts`. */
const CONFIG_SOURCE = listOpt("config_source", {
  default: [],
  metavar: "SOURCE",
  help: "Lists configuration groups that provide more details for accessing configuration " +
    "settings from locations other than local files.",
});

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
  /** group → dest → key, for reads without building key strings. */
  #byGroup = new Map<string, Map<string, string>>();
  #count = 0;
  #groups = new Map<string, GroupInfo>();
  #deprecated = new Map<string, string>();
  #values = new Map<string, ResolvedValue>();
  #overrides = new Map<string, unknown>();
  #setDefaults = new Map<string, unknown>();
  #warnings: string[] = [];
  #loadOptions: LoadOptions = {};
  #loaded: LoadedNamespace | undefined;
  #mutableNs: Namespace | undefined;
  #sources: ConfigSource[] = [];
  #drivers: readonly ConfigSourceDriver[];
  #hooks: MutateHook[] = [];
  #listeners: ReloadListener[] = [];
  #status: ReloadStatus = { reloads: 0, failedReloads: 0, changesApplied: 0 };
  #reloading: Promise<ReloadEvent> | undefined;
  /** Where run-time messages go. */
  readonly logger: ConfigLogger;

  constructor(options: ConfigOptsOptions = {}) {
    this.#drivers = options.drivers ?? BUILTIN_DRIVERS;
    this.logger = options.logger ?? CONSOLE;
    this.#groups.set("DEFAULT", { name: "DEFAULT", opts: [] });
    this.registerOpt(CONFIG_SOURCE);
  }

  /** Registers a group and its options; registering the same option twice is a no-op. */
  register(group: OptGroup, options: { cli?: boolean } = {}): this {
    const { opts: _opts, name: _name, ...meta } = group;
    this.#ensureGroup(group.name, meta);
    for (const opt of group.opts) this.#add(opt, group.name, options.cli ?? opt.cli ?? false);
    this.#refresh();
    return this;
  }

  /** Registers one option in a group (`DEFAULT` by default). */
  registerOpt(opt: Opt, group = "DEFAULT", options: { cli?: boolean } = {}): this {
    this.#ensureGroup(group, {});
    this.#add(opt, group, options.cli ?? opt.cli ?? false);
    this.#refresh();
    return this;
  }

  /** Registers options in a group. */
  registerOpts(opts: readonly Opt[], group = "DEFAULT"): this {
    this.#ensureGroup(group, {});
    for (const opt of opts) this.#add(opt, group, opt.cli ?? false);
    this.#refresh();
    return this;
  }

  /** Removes an option. */
  unregisterOpt(opt: Opt, group = "DEFAULT"): this {
    const k = optKey(normalizeGroupName(group), opt.dest);
    if (this.#opts.get(k)?.opt === opt) {
      this.#opts.delete(k);
      this.#byGroup.get(normalizeGroupName(group))?.delete(opt.dest);
    }
    const info = this.#groups.get(normalizeGroupName(group));
    if (info) info.opts = info.opts.filter((o) => o !== opt);
    this.#refresh();
    return this;
  }

  #ensureGroup(name: string, meta: OptGroupOptions): void {
    const g = normalizeGroupName(name);
    const known = this.#groups.get(g);
    if (!known) this.#groups.set(g, { name: g, opts: [], ...meta });
    else Object.assign(known, Object.fromEntries(Object.entries(meta).filter(([, v]) => v)));
  }

  #add(opt: Opt, group: string, cli: boolean): void {
    const g = normalizeGroupName(group);
    const k = optKey(g, opt.dest);
    const existing = this.#opts.get(k);
    if (existing) {
      if (existing.opt === opt || sameOpt(existing.opt, opt)) return;
      throw new DuplicateOptError(`${g}/${opt.name}`);
    }
    this.#opts.set(k, registered(g, opt, cli, this.#count++));
    let byName = this.#byGroup.get(g);
    if (!byName) this.#byGroup.set(g, byName = new Map());
    byName.set(opt.dest, k);
    (this.#groups.get(g) as GroupInfo).opts.push(opt);
    for (const d of opt.deprecatedOpts) {
      const dk = optKey(
        normalizeGroupName(d.group ?? g),
        (d.name ?? opt.dest).replaceAll("-", "_"),
      );
      if (!this.#deprecated.has(dk)) this.#deprecated.set(dk, k);
    }
  }

  /** Every registered group with its options, in registration order. */
  groups(): GroupInfo[] {
    return [...this.#groups.values()].map((g) => ({ ...g, opts: [...g.opts] }));
  }

  /** The registered option (deprecated names map to the new one), or undefined. */
  findOpt(group: string, name: string): Opt | undefined {
    const k = this.#find(group, name);
    return k === undefined ? undefined : this.#opts.get(k)?.opt;
  }

  #find(group: string, name: string): string | undefined {
    const direct = this.#byGroup.get(group)?.get(name);
    if (direct !== undefined) return direct;
    const k = optKey(
      normalizeGroupName(group),
      name.includes("-") ? name.replaceAll("-", "_") : name,
    );
    if (this.#opts.has(k)) return k;
    return this.#deprecated.get(k);
  }

  #cliOpts(): CliOpt[] {
    return [...this.#opts.values()].filter((r) => r.cli).map((r) => ({
      group: r.group,
      opt: r.opt,
    }));
  }

  /**
   * Reads every source and converts every value; throws {@linkcode ConfigErrors}
   * (or the one error) listing each invalid value and missing required option,
   * or a file error (`ConfigFilesNotFoundError`, `ConfigFileParseError`, ...).
   */
  async load(options: LoadOptions = {}): Promise<this> {
    this.#loadOptions = options;
    this.#loaded = await loadNamespace(options, this.#cliOpts());
    this.#mutableNs = undefined;
    this.#sources = [];
    this.#sourceWarnings = [];
    if (this.#drivers.length > 0) this.#sources = await openSources(this, this.#drivers);
    this.#resolve(true);
    this.#status.loadedAt = new Date();
    return this;
  }

  /**
   * Loads in-memory texts only, synchronously: no command line, no files, no
   * drivers (for validators and tests). Throws as {@linkcode ConfigOpts.load}.
   */
  loadTexts(
    texts: readonly ConfigText[],
    options: { env?: Readonly<Record<string, string | undefined>> } = {},
  ): this {
    this.#loadOptions = { texts, env: options.env ?? false };
    const files = texts.map(parseConfigText);
    this.#loaded = {
      ns: {
        files,
        timeline: files.map((_, index) => ({ kind: "file", index })),
        env: options.env ?? {},
      },
      files: texts.map((t) => t.name),
      configDirs: [],
    };
    this.#mutableNs = undefined;
    this.#sources = [];
    this.#sourceWarnings = [];
    this.#resolve(true);
    this.#status.loadedAt = new Date();
    return this;
  }

  /** Resolves every value; throws when `strict` and something is invalid. */
  #resolve(strict: boolean): void {
    if (!this.#loaded) return;
    const out = resolveAll(this.#resolveInput(this.#loaded.ns, this.#mutableNs));
    if (strict && out.errors.length > 0) {
      throw out.errors.length === 1 ? out.errors[0] : new ConfigErrors(out.errors);
    }
    this.#values = out.values;
    this.#warnings = [
      ...new Set([...this.#deprecationWarnings(), ...out.warnings, ...this.#sourceWarnings]),
    ];
  }

  /** Inputs for a resolution pass (used by reload too). */
  #resolveInput(ns: Namespace, mutableNs: Namespace | undefined) {
    return {
      opts: this.#opts,
      groups: new Set(this.#groups.keys()),
      overrides: this.#overrides,
      setDefaults: this.#setDefaults,
      ns,
      ...(mutableNs ? { mutableNs } : {}),
      sources: this.#sources,
      find: (g: string, n: string) => this.#find(g, n),
    };
  }

  #sourceWarnings: string[] = [];

  /** @internal Used while opening sources: resolves leniently, then reads. */
  sourceHost(): SourceHost {
    return {
      registerOpts: (opts: readonly Opt[], group: string) => {
        this.#ensureGroup(group, {});
        for (const opt of opts) this.#add(opt, group, false);
      },
      get: (group: string, name: string) => {
        // Only this option (and what it refers to) is resolved: the rest may need the sources.
        const k = this.#keyOrThrow(group, name);
        const input = this.#resolveInput((this.#loaded as LoadedNamespace).ns, undefined);
        const out = resolveAll(input, [k]);
        const err = out.errors.find((e) => !(e instanceof RequiredOptError));
        if (err) throw err;
        return out.values.get(k)?.value;
      },
      warn: (message: string) => {
        this.#sourceWarnings.push(message);
        this.logger.warn(message);
      },
      env: () => this.#loaded?.ns.env ?? {},
    };
  }

  #deprecationWarnings(): string[] {
    const out: string[] = [];
    const files = this.#loaded?.ns.files ?? [];
    for (const reg of this.#opts.values()) {
      for (const d of reg.opt.deprecatedOpts) {
        const group = normalizeGroupName(d.group ?? reg.group);
        const name = d.name ?? reg.opt.dest;
        for (const f of files) {
          const hit = f.sections.get(group)?.get(name);
          if (!hit) continue;
          out.push(
            `Option "${name}" from group "${group}" is deprecated. Use option "${reg.opt.dest}" from group "${reg.group}". (${f.name}:${
              hit[0]?.line
            })`,
          );
        }
      }
    }
    return out;
  }

  #refresh(): void {
    if (this.#loaded) this.#resolve(true);
  }

  #resolved(group: string, name: string): ResolvedValue {
    const k = this.#find(group, name);
    if (k === undefined) throw new NoSuchOptError(`${normalizeGroupName(group)}/${name}`);
    const v = this.#values.get(k);
    if (v) return v;
    const opt = (this.#opts.get(k) as Registered).opt;
    // Not loaded yet: defaults only.
    return { value: this.#setDefaults.get(k) ?? opt.default, location: { kind: "opt_default" } };
  }

  /** The value of `group/name`; throws {@linkcode NoSuchOptError} when not registered. */
  get(group: string, name: string): unknown {
    return this.#resolved(group, name).value;
  }

  /** Where the value of `group/name` came from (file and line, environment variable, ...). */
  location(group: string, name: string): Location {
    return this.#resolved(group, name).location;
  }

  /** Every value of a group, typed by its declaration. */
  group<const Opts extends readonly Opt[]>(group: OptGroup<Opts>): GroupValues<Opts> {
    const out: Record<string, unknown> = {};
    for (const opt of group.opts) out[opt.name] = this.get(group.name, opt.dest);
    return out as GroupValues<Opts>;
  }

  #keyOrThrow(group: string, name: string): string {
    const k = this.#find(group, name);
    if (k === undefined) throw new NoSuchOptError(`${normalizeGroupName(group)}/${name}`);
    return k;
  }

  /** Overrides a value above every source (converted by the option's type). */
  setOverride(group: string, name: string, value: unknown): void {
    const k = this.#keyOrThrow(group, name);
    const opt = (this.#opts.get(k) as Registered).opt;
    this.#overrides.set(k, convertFixed(opt, value));
    this.#refresh();
  }

  /** Removes an override. */
  clearOverride(group: string, name: string): void {
    this.#overrides.delete(this.#keyOrThrow(group, name));
    this.#refresh();
  }

  /** Replaces an option's default (converted by the option's type). */
  setDefault(group: string, name: string, value: unknown): void {
    const k = this.#keyOrThrow(group, name);
    const opt = (this.#opts.get(k) as Registered).opt;
    this.#setDefaults.set(k, convertFixed(opt, value));
    this.#refresh();
  }

  /** Removes a replaced default. */
  clearDefault(group: string, name: string): void {
    this.#setDefaults.delete(this.#keyOrThrow(group, name));
    this.#refresh();
  }

  /** Deprecation warnings (and sources that failed to open) found while loading, each once. */
  get warnings(): readonly string[] {
    return this.#warnings;
  }

  /** The config files read, in order. */
  get files(): readonly string[] {
    return this.#loaded?.files ?? [];
  }

  /** Every section the files hold (normalised), sorted (oslo's `list_all_sections`). */
  listAllSections(): string[] {
    const s = fileSections([...(this.#loaded?.ns.files ?? []), ...(this.#mutableNs?.files ?? [])]);
    return [...s].sort();
  }

  /** Every value by group, secrets shown as `****` (oslo.config's `log_opt_values`). */
  redactedValues(): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const { group, opt } of this.#opts.values()) {
      const g = out[group] ??= {};
      g[opt.name] = opt.secret ? REDACTED : this.get(group, opt.dest);
    }
    return out;
  }

  /** The lines oslo.config's `log_opt_values` writes, secrets as `****`. */
  logOptValues(): string[] {
    const lines = ["*".repeat(80), "Configuration options gathered from:"];
    lines.push(`command line args: ${pyStr(this.#loadOptions.args ?? [])}`);
    lines.push(`config files: ${pyStr([...this.files])}`, "=".repeat(80));
    const row = (label: string, reg: Registered) =>
      `${label.padEnd(30)} = ${
        reg.opt.secret ? REDACTED : pyStr(this.get(reg.group, reg.opt.dest) ?? null)
      }`;
    for (const g of this.#groups.values()) {
      const regs = g.opts.map((o) => this.#opts.get(optKey(g.name, o.dest)) as Registered)
        .sort((a, b) => a.opt.dest < b.opt.dest ? -1 : 1);
      for (const reg of regs) {
        lines.push(row(g.name === "DEFAULT" ? reg.opt.dest : `${g.name}.${reg.opt.dest}`, reg));
      }
    }
    lines.push("*".repeat(80));
    return lines;
  }

  /**
   * Re-reads every file (and the environment), applies changes to mutable
   * options only, calls the mutate hooks with what changed, and logs
   * "Ignoring change to immutable option group.name" for the others. Never
   * throws for a configuration problem: a failed reload keeps the old values
   * and says why in the event. Concurrent calls share one reload.
   */
  reload(options: { texts?: LoadOptions["texts"] } = {}): Promise<ReloadEvent> {
    if (this.#reloading) return this.#reloading;
    const run = reloadConfig(this.#reloadContext(options)).finally(() => {
      this.#reloading = undefined;
    });
    this.#reloading = run;
    return run;
  }

  #reloadContext(options: { texts?: LoadOptions["texts"] }) {
    const loadOptions = {
      ...this.#loadOptions,
      ...(options.texts ? { texts: options.texts } : {}),
    };
    return {
      logger: this.logger,
      hooks: this.#hooks,
      listeners: this.#listeners,
      status: this.#status,
      opts: this.#opts,
      values: () => this.#values,
      current: () => this.#loaded?.ns,
      readNamespace: async () => (await loadNamespace(loadOptions, this.#cliOpts())).ns,
      resolve: (ns: Namespace, mutableNs: Namespace) =>
        resolveAll(this.#resolveInput(ns, mutableNs)),
      commit: (mutableNs: Namespace, values: Map<string, ResolvedValue>) => {
        this.#loadOptions = loadOptions;
        this.#mutableNs = mutableNs;
        this.#values = values;
      },
    };
  }

  /** Registers a hook called after each successful reload with the changes; returns an unregister function. */
  registerMutateHook(hook: MutateHook): () => void {
    this.#hooks.push(hook);
    return () => void (this.#hooks = this.#hooks.filter((h) => h !== hook));
  }

  /** Listens to every reload attempt (for health and metrics); returns an unlisten function. */
  onReload(listener: ReloadListener): () => void {
    this.#listeners.push(listener);
    return () => void (this.#listeners = this.#listeners.filter((l) => l !== listener));
  }

  /** Load and reload counters and the latest reload. */
  reloadStatus(): ReloadStatus {
    return { ...this.#status };
  }
}

function convertFixed(opt: Opt, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (opt.multi) return (Array.isArray(value) ? value : [value]).map((v) => opt.type.convert(v));
  return opt.type.convert(value);
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
