/**
 * oslo.limit's `Enforcer` for Deno.
 *
 * @module
 */
import { checkDeltas, checkProjectId, checkResources } from "./enforcer_args.ts";
import { type OverLimitInfo, ProjectOverLimit } from "./errors.ts";
import { overLimits, usageOf } from "./flat.ts";
import { type CacheOption, isPromise, LimitReader, type LimitReaderStats } from "./limit_reader.ts";
import {
  type EnforcementModel,
  type LimitsData,
  type LimitSource,
  type MaybePromise,
  normalizeModel,
} from "./limit_source.ts";
import { StaticLimitSource } from "./static_source.ts";
import {
  type ProjectUsage,
  strictOverLimits,
  strictUsage,
  subtree,
  treeRoot,
  type TreeUsageCallback,
  type UsageCallback,
  type UsageSources,
} from "./strict_two_level.ts";
import type { UsageScope } from "./usage_scope.ts";

export type { ProjectUsage, TreeUsageCallback, UsageCallback };

/** What `onReject` receives. */
export interface RejectEvent {
  projectId: string | null;
  model: EnforcementModel;
  overLimitInfoList: readonly OverLimitInfo[];
}

/** Options of {@linkcode Enforcer}. */
export interface EnforcerOptions {
  /** Where limits come from: a {@linkcode LimitSource} or static limits as data. */
  limits: LimitSource | LimitsData;
  /**
   * The model, fixed; by default the source's (Keystone's `GET /v3/limits/model`),
   * cached as limits are and read again after `clearCache()`; an in-memory
   * source's (replicated limits) at every decision.
   */
  model?: EnforcementModel | "strict_two_level";
  /**
   * strict-two-level: the usage of every project a tree's usage document
   * holds ({@linkcode UsageStore.treeUsage}), so that a project the
   * hierarchy does not list yet still counts; without it the source's
   * children lists decide who is in a tree.
   */
  treeUsage?: TreeUsageCallback;
  /** Cache limits found: for the enforcer's lifetime (default, as oslo.limit), `{ ttl }` ms, or not. */
  cache?: CacheOption;
  /** Called before every rejection (for metrics); its errors are ignored. */
  onReject?: (event: RejectEvent) => void;
  /** Called when a resource has no limit at all (enforced as 0); default: one warning per resource. */
  onMissingLimit?: (resourceName: string) => void;
}

/** Counters of an {@linkcode Enforcer}. */
export interface EnforcerStats extends LimitReaderStats {
  /** enforce() calls that completed with a decision. */
  enforced: number;
  /** Of those, rejections. */
  rejected: number;
}

const RESOLVED: Promise<void> = Promise.resolve();

function isSource(limits: LimitSource | LimitsData): limits is LimitSource {
  return typeof (limits as LimitSource).registeredLimit === "function";
}

/**
 * Checks usage plus deltas against limits, as oslo.limit's `Enforcer`.
 *
 * @example A delta over the project's limit is refused
 * ```ts
 * import { Enforcer, ProjectOverLimit } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const usage = { cores: 8 };
 * const enforcer = new Enforcer((_p, names) => Object.fromEntries(names.map((n) => [n, usage[n as "cores"]])), {
 *   limits: { registeredLimits: { cores: 20 }, projectLimits: { p1: { cores: 10 } } },
 * });
 * await enforcer.enforce("p1", { cores: 2 }); // 8 + 2 = 10: allowed
 * await assert.rejects(enforcer.enforce("p1", { cores: 3 }), (e) => {
 *   assert.ok(e instanceof ProjectOverLimit);
 *   assert.deepEqual(e.overLimitInfoList, [{ resourceName: "cores", limit: 10, currentUsage: 8, delta: 3 }]);
 *   return true;
 * });
 * ```
 */
export class Enforcer {
  #usage: UsageCallback;
  #treeUsage: TreeUsageCallback | undefined;
  #reader: LimitReader;
  #model: EnforcementModel | undefined;
  #onReject: ((event: RejectEvent) => void) | undefined;
  #enforced = 0;
  #rejected = 0;

  /** `usageCallback(projectId, resourceNames)` returns (or resolves to) `{ resource: usage }`. */
  constructor(usageCallback: UsageCallback, options: EnforcerOptions) {
    if (typeof usageCallback !== "function") {
      throw new TypeError("Cannot create Enforcer: usageCallback must be a function");
    }
    if (!options || !options.limits) {
      throw new TypeError(
        "Cannot create Enforcer: options.limits (a limit source or limits data) is required",
      );
    }
    this.#usage = usageCallback;
    this.#treeUsage = options.treeUsage;
    const source = isSource(options.limits)
      ? options.limits
      : new StaticLimitSource(options.limits);
    const warned = new Set<string>();
    this.#reader = new LimitReader(source, {
      ...(options.cache === undefined ? {} : { cache: options.cache }),
      onMissingLimit: options.onMissingLimit ?? ((name) => {
        if (warned.has(name)) return;
        warned.add(name);
        console.warn(
          `Unable to find registered limit for resource ${name} in ${source.description}: enforcing 0`,
        );
      }),
    });
    if (options.model !== undefined) {
      const model = normalizeModel(options.model);
      if (!model) {
        throw new TypeError(
          `Cannot create Enforcer: enforcement model ${options.model} is not supported`,
        );
      }
      this.#model = model;
    }
    this.#onReject = options.onReject;
  }

  /** The limit source. */
  get source(): LimitSource {
    return this.#reader.source;
  }

  /** The enforcement model the next decision uses (the option, else the source's). */
  model(): Promise<EnforcementModel> {
    try {
      const m = this.#resolveModel();
      return isPromise(m) ? m : Promise.resolve(m);
    } catch (e) {
      return Promise.reject(e); // a source that cannot answer yet
    }
  }

  #resolveModel(): MaybePromise<EnforcementModel> {
    return this.#model ?? this.#reader.model();
  }

  /**
   * Where `projectId`'s usage is kept under the model the next decision uses:
   * its own document under flat (projects are independent, so each is its
   * own compare-and-set), its tree's under strict-two-level (a check reads
   * the whole tree, so one compare-and-set must cover it). Rejects as the
   * model does when the source cannot say yet ({@linkcode LimitsNotReadyError},
   * `KeystoneError`): no model is guessed.
   */
  async usageScope(projectId: string): Promise<UsageScope> {
    checkProjectId(projectId);
    if (projectId === null) throw new TypeError("Cannot find the usage scope of project null");
    if ((await this.model()) === "flat") return { model: "flat", projectId };
    const root = await treeRoot(this.#reader, projectId);
    return { model: "strict-two-level", root, members: () => subtree(this.#reader, root, 0) };
  }

  /** Counters, for metrics. */
  stats(): EnforcerStats {
    return { enforced: this.#enforced, rejected: this.#rejected, ...this.#reader.stats };
  }

  /** Forgets cached limits, parents and model (the next lookups go to the source). */
  clearCache(): void {
    this.#reader.clear();
  }

  /**
   * Resolves when usage plus `deltas` fits every limit of `projectId` (null:
   * registered limits only); rejects with {@linkcode ProjectOverLimit} listing
   * every resource over, in sorted order. `options.usage` (and
   * `options.treeUsage`) replace the usage callbacks for this call, and
   * `options.model` the model (a usage store checking against the document,
   * of one model, it is about to write).
   */
  enforce(
    projectId: string | null,
    deltas: Readonly<Record<string, number>>,
    options?: { usage?: UsageCallback; treeUsage?: TreeUsageCallback; model?: EnforcementModel },
  ): Promise<void> {
    try {
      checkProjectId(projectId);
      const names = checkDeltas(deltas);
      const usage = this.#sources(options);
      const model = options?.model ?? this.#resolveModel();
      const r = isPromise(model)
        ? model.then((m) => this.#enforce(m, projectId, names, deltas, usage))
        : this.#enforce(model, projectId, names, deltas, usage);
      return isPromise(r) ? r : RESOLVED;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #enforce(
    model: EnforcementModel,
    projectId: string | null,
    names: string[],
    deltas: Readonly<Record<string, number>>,
    usage: UsageSources,
  ): MaybePromise<void> {
    if (model === "strict-two-level" && projectId !== null) {
      return strictOverLimits(this.#reader, usage, projectId, names, deltas)
        .then((over) => this.#decide(model, projectId, over));
    }
    const limits = this.#limits(projectId, names);
    if (isPromise(limits)) {
      return limits.then((l) => this.#withUsage(model, projectId, names, l, deltas, usage.usage));
    }
    return this.#withUsage(model, projectId, names, limits, deltas, usage.usage);
  }

  /** This call's usage callbacks: the options' (both, or none of the enforcer's), else the enforcer's. */
  #sources(options?: { usage?: UsageCallback; treeUsage?: TreeUsageCallback }): UsageSources {
    if (options?.usage) return { usage: options.usage, tree: options.treeUsage };
    return { usage: this.#usage, tree: options?.treeUsage ?? this.#treeUsage };
  }

  #withUsage(
    model: EnforcementModel,
    projectId: string | null,
    names: string[],
    limits: number[],
    deltas: Readonly<Record<string, number>>,
    callback: UsageCallback,
  ): MaybePromise<void> {
    const usage = callback(projectId, names);
    if (isPromise(usage)) {
      return usage.then((u) =>
        this.#decide(model, projectId, overLimits(names, limits, u ?? {}, deltas))
      );
    }
    return this.#decide(model, projectId, overLimits(names, limits, usage ?? {}, deltas));
  }

  #decide(model: EnforcementModel, projectId: string | null, over: OverLimitInfo[]): void {
    this.#enforced++;
    if (over.length === 0) return;
    this.#rejected++;
    if (this.#onReject) {
      try {
        this.#onReject({ projectId, model, overLimitInfoList: over });
      } catch { /* a metrics hook's failure is its own */ }
    }
    throw new ProjectOverLimit(projectId, over);
  }

  /** Limits of `names` in order; synchronous when every lookup is. */
  #limits(projectId: string | null, names: readonly string[]): MaybePromise<number[]> {
    const out = new Array<number>(names.length);
    let pending: Promise<unknown>[] | undefined;
    for (let i = 0; i < names.length; i++) {
      const v = this.#reader.limit(projectId, names[i]!);
      if (isPromise(v)) (pending ??= []).push(v.then((x) => out[i] = x));
      else out[i] = v;
    }
    return pending ? Promise.all(pending).then(() => out) : out;
  }

  /**
   * Each resource's limit and usage for reporting (not for enforcing), as
   * oslo.limit's `calculate_usage`. Under strict-two-level (for a project)
   * `usage` is the project's whole subtree's, and `available` and `cap` say
   * how much room its own and its ancestors' limits leave, as a check counts it.
   */
  async calculateUsage(
    projectId: string | null,
    resources: readonly string[],
  ): Promise<Record<string, ProjectUsage>> {
    checkProjectId(projectId);
    const names = checkResources(resources);
    if (projectId !== null && (await this.model()) === "strict-two-level") {
      return await strictUsage(this.#reader, this.#sources(), projectId, [...names]);
    }
    const limits = await this.#limits(projectId, names);
    const usage = (await this.#usage(projectId, [...names])) ?? {};
    const out: Record<string, ProjectUsage> = {};
    names.forEach((name, i) => out[name] = { limit: limits[i]!, usage: usageOf(usage, name) });
    return out;
  }

  /** `[resource, default limit]` pairs in the order given; 0 where none is registered. */
  async getRegisteredLimits(resources: readonly string[]): Promise<[string, number][]> {
    const names = checkResources(resources);
    const out: [string, number][] = [];
    for (const name of names) {
      const v = await this.#reader.registered(name);
      out.push([name, v ?? 0]);
    }
    return out;
  }

  /** `[resource, limit]` pairs in the order given: the project's own, else the default, else 0. */
  async getProjectLimits(
    projectId: string | null,
    resources: readonly string[],
  ): Promise<[string, number][]> {
    checkProjectId(projectId);
    const names = checkResources(resources);
    const limits = await this.#limits(projectId, names);
    return names.map((name, i) => [name, limits[i]!]);
  }
}
