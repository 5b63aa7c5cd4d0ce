/**
 * `ConfigOpts`: registered options and the values every source gives them,
 * after oslo.config's `ConfigOpts`, without its global instance or attribute
 * magic. Precedence is oslo.config's (see `resolve.ts`); values are converted
 * eagerly at {@linkcode ConfigOpts.load}, and every invalid value is reported
 * at once with the option and where it came from.
 *
 * @module
 */
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
import {
  CONFIG_SOURCE_OPT,
  type OpenedSources,
  openSources,
  sourceHost,
  SourceState,
} from "./open_sources.ts";
import type { MutateHook, ReloadEvent, ReloadListener, ReloadStatus } from "./reload.ts";
import { reloadConfig } from "./reload_run.ts";
import type { Namespace } from "./raw.ts";
import { deprecationWarnings, type GroupInfo, OptRegistry, type Registered } from "./registry.ts";
import { logOptValues, redactedValues } from "./dump.ts";
import { convertFixed, resolveAll, type ResolvedValue } from "./resolve.ts";
import { ReloadQueue } from "./reload_queue.ts";
import { unknownOptions } from "./unknown_options.ts";
import { type ConfigLogger, type ConfigOptsOptions, CONSOLE_LOGGER } from "./config_options.ts";
import type { ConfigSource, ConfigSourceDriver, SourceHost } from "./source.ts";

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
  /** By registration number. */
  #values: (ResolvedValue | undefined)[] = [];
  #overrides = new Map<string, unknown>();
  #setDefaults = new Map<string, unknown>();
  #warnings: string[] = [];
  #loadOptions: LoadOptions = {};
  #loaded: LoadedNamespace | undefined;
  #mutableNs: Namespace | undefined;
  #src = new SourceState();
  #drivers: readonly ConfigSourceDriver[];
  #hooks: MutateHook[] = [];
  #listeners: ReloadListener[] = [];
  #status: ReloadStatus = { reloads: 0, failedReloads: 0, changesApplied: 0 };
  #reloads = new ReloadQueue<ReloadEvent>();
  /** Where run-time messages go. */
  readonly logger: ConfigLogger;

  constructor(options: ConfigOptsOptions = {}) {
    this.#drivers = options.drivers ?? BUILTIN_DRIVERS;
    this.logger = options.logger ?? CONSOLE_LOGGER;
    this.registerOpt(CONFIG_SOURCE_OPT);
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
    return this.#registry.find(group, name)?.opt;
  }

  /**
   * Reads every source and converts every value; throws {@linkcode ConfigErrors}
   * (or the one error) listing each invalid value and missing required option,
   * or a file error (`ConfigFilesNotFoundError`, `ConfigFileParseError`, ...).
   */
  async load(options: LoadOptions = {}): Promise<this> {
    this.#start(options, await loadNamespace(options, this.#registry.cliOpts()));
    if (this.#drivers.length > 0) {
      const src = this.#src;
      src.opened = await openSources(
        this.#sourceHost((this.#loaded as LoadedNamespace).ns, (m) => {
          src.warnings.push(m);
          this.logger.warn(m);
        }),
        this.#drivers,
      );
      src.atLoad = [...src.opened.values()];
    }
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
    this.#src = new SourceState();
  }

  #finish(): this {
    this.#resolve(true);
    this.#status.loadedAt = new Date();
    return this;
  }

  /** Resolves every value; throws when `strict` and something is invalid. */
  #resolve(strict: boolean): void {
    if (!this.#loaded) return;
    const out = resolveAll(this.#resolveInput(this.#loaded.ns, this.#mutableNs, this.#src.mutable));
    if (strict && out.errors.length > 0) {
      throw out.errors.length === 1 ? out.errors[0] : new ConfigErrors(out.errors);
    }
    this.#values = out.values;
    this.#warnings = [
      ...new Set([
        ...deprecationWarnings(this.#registry, this.#loaded?.ns.files ?? []),
        ...out.warnings,
        ...this.#src.warnings,
      ]),
    ];
  }

  /** Inputs for a resolution pass (used by reload too). */
  #resolveInput(
    ns: Namespace,
    mutableNs: Namespace | undefined,
    mutableSources: readonly ConfigSource[] | undefined,
    sources: readonly ConfigSource[] = this.#src.atLoad,
  ) {
    return {
      opts: this.#registry.opts,
      groups: new Set(this.#registry.groups.keys()),
      overrides: this.#overrides,
      setDefaults: this.#setDefaults,
      ns,
      ...(mutableNs ? { mutableNs } : {}),
      sources,
      ...(mutableSources ? { mutableSources } : {}),
      find: (g: string, n: string) => this.#registry.find(g, n),
    };
  }

  /**
   * What drivers see while opening (at load and on reload): their settings
   * resolved from the files read at load (immutable, never from other
   * sources), the environment of `envNs`.
   */
  #sourceHost(envNs: Namespace, warn: (message: string) => void): SourceHost {
    return sourceHost(this.#registry, {
      get: (reg) => {
        // Only this option (and what it refers to) is resolved: the rest may need the sources.
        const ns = (this.#loaded as LoadedNamespace).ns;
        const out = resolveAll(this.#resolveInput(ns, undefined, undefined, []), [reg]);
        const err = out.errors.find((e) => !(e instanceof RequiredOptError));
        if (err) throw err;
        return out.values[reg.index]?.value;
      },
      warn,
      env: envNs.env,
    });
  }

  #refresh(): void {
    if (this.#loaded) this.#resolve(true);
  }

  #resolved(group: string, name: string): ResolvedValue {
    const reg = this.#regOrThrow(group, name);
    const v = this.#values[reg.index];
    if (v) return v;
    const opt = reg.opt;
    // Not loaded yet: defaults only.
    const value = this.#setDefaults.get(reg.key) ?? opt.default;
    return { value, location: { kind: "opt_default" }, ...(opt.secret ? { secret: true } : {}) };
  }

  /** The value of `group/name`; throws {@linkcode NoSuchOptError} when not registered. */
  get(group: string, name: string): unknown {
    const i = this.#registry.indexOf(group, name); // the common read visits no registration
    return ((i >= 0 ? this.#values[i] : undefined) ?? this.#resolved(group, name)).value;
  }

  /**
   * Whether the value of `group/name` must never be shown: its option is
   * declared secret, the value came from a secret store (`secrets_dir`,
   * `castellan`), or it substitutes a value that is secret.
   */
  isSecret(group: string, name: string): boolean {
    return !!this.#resolved(group, name).secret;
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

  #regOrThrow(group: string, name: string): Registered {
    const reg = this.#registry.find(group, name);
    if (reg === undefined) throw new NoSuchOptError(`${normalizeGroupName(group)}/${name}`);
    return reg;
  }

  #setFixed(map: Map<string, unknown>, group: string, name: string, value: unknown): void {
    const reg = this.#regOrThrow(group, name);
    map.set(reg.key, convertFixed(reg.opt, value));
    this.#refresh();
  }

  /** Overrides a value above every source (converted by the option's type). */
  setOverride(group: string, name: string, value: unknown): void {
    this.#setFixed(this.#overrides, group, name, value);
  }

  /** Removes an override. */
  clearOverride(group: string, name: string): void {
    this.#overrides.delete(this.#regOrThrow(group, name).key);
    this.#refresh();
  }

  /** Replaces an option's default (converted by the option's type). */
  setDefault(group: string, name: string, value: unknown): void {
    this.#setFixed(this.#setDefaults, group, name, value);
  }

  /** Removes a replaced default. */
  clearDefault(group: string, name: string): void {
    this.#setDefaults.delete(this.#regOrThrow(group, name).key);
    this.#refresh();
  }

  /** Deprecation warnings (and sources that failed to open) found while loading, each once. */
  get warnings(): readonly string[] {
    return this.#warnings;
  }

  /**
   * What oslo.config silently ignores in the files read at load: options of
   * registered groups that no option reads, and unregistered groups; one line
   * each, `file:line: ignoring unknown option [DEFAULT] devug: did you mean "debug"?`.
   */
  unknownOptions(): string[] {
    return unknownOptions(this.#registry, this.#loaded?.ns.files ?? []);
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
    return redactedValues(this.#registry, (g, n) => this.#resolved(g, n));
  }

  /** The lines oslo.config's `log_opt_values` writes, secrets as `****`. */
  logOptValues(): string[] {
    return logOptValues(this.#registry, (g, n) => this.#resolved(g, n), {
      args: this.#loadOptions.args ?? [],
      files: this.files,
    });
  }

  /**
   * Re-reads the files and the environment, re-opens the config sources, and
   * applies changes to mutable options only (see `reload_run.ts`). Never
   * rejects: a failed reload keeps the old values and says why in the event.
   * A call made while a reload runs queues one more (shared by every call
   * made meanwhile), so an edit made during a reload is never missed.
   */
  reload(options: { texts?: LoadOptions["texts"] } = {}): Promise<ReloadEvent> {
    return this.#reloads.run(() => this.#runReload(options));
  }

  #runReload(options: { texts?: LoadOptions["texts"] }): Promise<ReloadEvent> {
    const loadOptions = {
      ...this.#loadOptions,
      ...(options.texts ? { texts: options.texts } : {}),
    };
    let opened: OpenedSources | undefined;
    return reloadConfig({
      logger: this.logger,
      hooks: this.#hooks,
      listeners: this.#listeners,
      status: this.#status,
      opts: this.#registry.opts,
      values: () => this.#values,
      current: () => this.#loaded?.ns,
      sources: () => this.#src.atLoad,
      readNamespace: async () => (await loadNamespace(loadOptions, this.#registry.cliOpts())).ns,
      openSources: async (fresh, warn) => {
        if (this.#drivers.length === 0) return [];
        opened = await openSources(this.#sourceHost(fresh, warn), this.#drivers, this.#src.opened);
        return [...opened.values()];
      },
      resolve: (ns, mutableNs, sources) => resolveAll(this.#resolveInput(ns, mutableNs, sources)),
      commit: (mutableNs, sources, values) => {
        this.#loadOptions = loadOptions;
        this.#mutableNs = mutableNs;
        this.#src.mutable = sources;
        if (opened) this.#src.opened = opened;
        this.#values = values;
      },
    });
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
