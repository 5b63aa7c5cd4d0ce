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
import { ConfigErrors, NoSuchOptError, RequiredOptError } from "./errors.ts";
import type { Location } from "./location.ts";
import {
  type LoadedNamespace,
  loadNamespace,
  type LoadOptions,
  namespaceFromTexts,
} from "./load.ts";
import { type ConfigText, fileSections, normalizeGroupName } from "./namespace.ts";
import { type GroupValues, type Opt, type OptGroup } from "./opt.ts";
import { listOpt } from "./opt_compound.ts";
import { openSources } from "./open_sources.ts";
import type { MutateHook, ReloadEvent, ReloadListener, ReloadStatus } from "./reload.ts";
import { reloadConfig } from "./reload_run.ts";
import type { Namespace } from "./raw.ts";
import { deprecationWarnings, type GroupInfo, OptRegistry, type Registered } from "./registry.ts";
import { logOptValues, redactedValues } from "./dump.ts";
import { resolveAll, type ResolvedValue } from "./resolve.ts";
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
  #registry = new OptRegistry();
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
    this.registerOpt(CONFIG_SOURCE);
  }

  /** Registers a group and its options; registering the same option twice is a no-op. */
  register(group: OptGroup, options: { cli?: boolean } = {}): this {
    const { opts: _opts, name: _name, ...meta } = group;
    this.#registry.ensureGroup(group.name, meta);
    for (const opt of group.opts) {
      this.#registry.add(opt, group.name, options.cli ?? opt.cli ?? false);
    }
    this.#refresh();
    return this;
  }

  /** Registers one option in a group (`DEFAULT` by default). */
  registerOpt(opt: Opt, group = "DEFAULT", options: { cli?: boolean } = {}): this {
    this.#registry.add(opt, group, options.cli ?? opt.cli ?? false);
    this.#refresh();
    return this;
  }

  /** Registers options in a group. */
  registerOpts(opts: readonly Opt[], group = "DEFAULT"): this {
    this.#registry.ensureGroup(group, {});
    for (const opt of opts) this.#registry.add(opt, group, opt.cli ?? false);
    this.#refresh();
    return this;
  }

  /** Removes an option. */
  unregisterOpt(opt: Opt, group = "DEFAULT"): this {
    this.#registry.remove(opt, group);
    this.#refresh();
    return this;
  }

  /** Every registered group with its options, in registration order. */
  groups(): GroupInfo[] {
    return [...this.#registry.groups.values()].map((g) => ({ ...g, opts: [...g.opts] }));
  }

  /** The registered option (deprecated names map to the new one), or undefined. */
  findOpt(group: string, name: string): Opt | undefined {
    const k = this.#find(group, name);
    return k === undefined ? undefined : this.#registry.opts.get(k)?.opt;
  }

  #find(group: string, name: string): string | undefined {
    return this.#registry.find(group, name);
  }

  #cliOpts(): CliOpt[] {
    return [...this.#registry.opts.values()].filter((r) => r.cli).map((r) => ({
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
    this.#start(options, await loadNamespace(options, this.#cliOpts()));
    if (this.#drivers.length > 0) this.#sources = await openSources(this, this.#drivers);
    return this.#finish();
  }

  /**
   * Loads in-memory texts only, synchronously: no command line, no files, no
   * drivers (for validators and tests). Throws as {@linkcode ConfigOpts.load}.
   */
  loadTexts(
    texts: readonly ConfigText[],
    options: { env?: Readonly<Record<string, string | undefined>> } = {},
  ): this {
    this.#start({ texts, env: options.env ?? false }, namespaceFromTexts(texts, options.env ?? {}));
    return this.#finish();
  }

  #start(options: LoadOptions, loaded: LoadedNamespace): void {
    this.#loadOptions = options;
    this.#loaded = loaded;
    this.#mutableNs = undefined;
    this.#sources = [];
    this.#sourceWarnings = [];
  }

  #finish(): this {
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
      ...new Set([
        ...deprecationWarnings(this.#registry, this.#loaded?.ns.files ?? []),
        ...out.warnings,
        ...this.#sourceWarnings,
      ]),
    ];
  }

  /** Inputs for a resolution pass (used by reload too). */
  #resolveInput(ns: Namespace, mutableNs: Namespace | undefined) {
    return {
      opts: this.#registry.opts,
      groups: new Set(this.#registry.groups.keys()),
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
        for (const opt of opts) this.#registry.add(opt, group, false);
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

  #refresh(): void {
    if (this.#loaded) this.#resolve(true);
  }

  #resolved(group: string, name: string): ResolvedValue {
    const k = this.#find(group, name);
    if (k === undefined) throw new NoSuchOptError(`${normalizeGroupName(group)}/${name}`);
    const v = this.#values.get(k);
    if (v) return v;
    const opt = (this.#registry.opts.get(k) as Registered).opt;
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
    const opt = (this.#registry.opts.get(k) as Registered).opt;
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
    const opt = (this.#registry.opts.get(k) as Registered).opt;
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
    return redactedValues(this.#registry, (g, n) => this.get(g, n));
  }

  /** The lines oslo.config's `log_opt_values` writes, secrets as `****`. */
  logOptValues(): string[] {
    return logOptValues(this.#registry, (g, n) => this.get(g, n), {
      args: this.#loadOptions.args ?? [],
      files: this.files,
    });
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
    const loadOptions = {
      ...this.#loadOptions,
      ...(options.texts ? { texts: options.texts } : {}),
    };
    this.#reloading = reloadConfig({
      logger: this.logger,
      hooks: this.#hooks,
      listeners: this.#listeners,
      status: this.#status,
      opts: this.#registry.opts,
      values: () => this.#values,
      current: () => this.#loaded?.ns,
      readNamespace: async () => (await loadNamespace(loadOptions, this.#cliOpts())).ns,
      resolve: (ns, mutableNs) => resolveAll(this.#resolveInput(ns, mutableNs)),
      commit: (mutableNs, values) => {
        this.#loadOptions = loadOptions;
        this.#mutableNs = mutableNs;
        this.#values = values;
      },
    }).finally(() => this.#reloading = undefined);
    return this.#reloading;
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
