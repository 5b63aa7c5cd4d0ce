/**
 * Limit lookups as oslo.limit's `_EnforcerUtils` makes them: the project's own
 * limit first, else the registered default, else 0 (logged). Limits found are
 * cached for the enforcer's lifetime (or `ttl` ms); a limit not found is not
 * cached, so one created later is seen at the next lookup. The model and
 * projects' parents are cached the same way (Keystone never moves a project
 * to another parent); lists of children never are, since a project created
 * later must count in its tree at once. Sources that are in memory
 * (`cacheable: false`) are read directly and answer synchronously, so their
 * model follows every document they apply.
 *
 * @module
 */
import type { EnforcementModel, LimitSource, MaybePromise } from "./limit_source.ts";

/** Cache settings: `true` caches for the reader's lifetime, `{ ttl }` for ttl ms. */
export type CacheOption = boolean | { ttl?: number };

interface Entry<T> {
  value: T;
  expires: number;
}

/** True when `v` is a promise (or thenable). */
export function isPromise<T>(v: MaybePromise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === "function";
}

/** Counters of a {@linkcode LimitReader}. */
export interface LimitReaderStats {
  /** Lookups answered from the cache. */
  cacheHits: number;
  /** Lookups sent to the source. */
  sourceLookups: number;
}

/** Cached limit and hierarchy lookups over a {@linkcode LimitSource}. */
export class LimitReader {
  readonly source: LimitSource;
  readonly stats: LimitReaderStats = { cacheHits: 0, sourceLookups: 0 };
  #cache: boolean;
  #ttl: number;
  #project = new Map<string, Map<string, Entry<number>>>();
  #registered = new Map<string, Entry<number>>();
  #parents = new Map<string, Entry<string | null>>();
  #model = new Map<"model", Entry<EnforcementModel>>();
  #onMissing: (resourceName: string) => void;

  constructor(
    source: LimitSource,
    options: { cache?: CacheOption; onMissingLimit?: (resourceName: string) => void } = {},
  ) {
    this.source = source;
    const cache = options.cache ?? true;
    this.#cache = source.cacheable && cache !== false;
    const ttl = typeof cache === "object" ? cache.ttl : undefined;
    this.#ttl = ttl !== undefined && ttl > 0 ? ttl : Infinity;
    this.#onMissing = options.onMissingLimit ?? (() => {});
  }

  /** Forgets every cached lookup. */
  clear(): void {
    this.#project.clear();
    this.#registered.clear();
    this.#parents.clear();
    this.#model.clear();
  }

  #fresh<T>(e: Entry<T> | undefined): e is Entry<T> {
    if (e === undefined) return false;
    if (this.#ttl === Infinity || e.expires > Date.now()) {
      this.stats.cacheHits++;
      return true;
    }
    return false;
  }

  #entry<T>(value: T): Entry<T> {
    return { value, expires: this.#ttl === Infinity ? Infinity : Date.now() + this.#ttl };
  }

  /** The registered (default) limit, or undefined when none is registered. */
  registered(resource: string): MaybePromise<number | undefined> {
    if (this.#cache) {
      const e = this.#registered.get(resource);
      if (this.#fresh(e)) return e.value;
    }
    this.stats.sourceLookups++;
    const v = this.source.registeredLimit(resource);
    if (!this.#cache) return v;
    const keep = (x: number | undefined) => {
      if (x !== undefined) this.#registered.set(resource, this.#entry(x));
      return x;
    };
    return isPromise(v) ? v.then(keep) : keep(v);
  }

  /** The registered limit, 0 (and `onMissingLimit`) when none is registered. */
  registeredOrZero(resource: string): MaybePromise<number> {
    const v = this.registered(resource);
    return isPromise(v) ? v.then((x) => this.#orZero(resource, x)) : this.#orZero(resource, v);
  }

  #orZero(resource: string, v: number | undefined): number {
    if (v !== undefined) return v;
    this.#onMissing(resource);
    return 0;
  }

  /** The project's own limit, or undefined when it has none. */
  own(projectId: string, resource: string): MaybePromise<number | undefined> {
    let perProject: Map<string, Entry<number>> | undefined;
    if (this.#cache) {
      perProject = this.#project.get(projectId);
      const e = perProject?.get(resource);
      if (this.#fresh(e)) return e.value;
    }
    this.stats.sourceLookups++;
    const v = this.source.projectLimit(projectId, resource);
    if (!this.#cache) return v;
    const keep = (x: number | undefined) => {
      if (x === undefined) return x;
      if (!perProject) this.#project.set(projectId, perProject = new Map());
      perProject.set(resource, this.#entry(x));
      return x;
    };
    return isPromise(v) ? v.then(keep) : keep(v);
  }

  /**
   * The limit that applies to a project (null: registered limits only): its
   * own, else the registered default, else 0.
   */
  limit(projectId: string | null, resource: string): MaybePromise<number> {
    if (projectId === null) return this.registeredOrZero(resource);
    const v = this.own(projectId, resource);
    if (isPromise(v)) return v.then((x) => x !== undefined ? x : this.registeredOrZero(resource));
    return v !== undefined ? v : this.registeredOrZero(resource);
  }

  /** Parent project or domain; null for a root. */
  parentOf(projectId: string): MaybePromise<string | null> {
    return this.#lookup(this.#parents, projectId, () => this.source.parentOf(projectId));
  }

  /** Direct children, always asked of the source (a new child must count at once). */
  childrenOf(projectId: string): MaybePromise<readonly string[]> {
    this.stats.sourceLookups++;
    return this.source.childrenOf(projectId);
  }

  /** The source's enforcement model (cached as limits are; in-memory sources: every time). */
  model(): MaybePromise<EnforcementModel> {
    return this.#lookup(this.#model, "model", () => this.source.model());
  }

  #lookup<T>(map: Map<string, Entry<T>>, key: string, get: () => MaybePromise<T>): MaybePromise<T> {
    if (this.#cache) {
      const e = map.get(key);
      if (this.#fresh(e)) return e.value;
    }
    this.stats.sourceLookups++;
    const v = get();
    if (!this.#cache) return v;
    const keep = (x: T) => {
      map.set(key, this.#entry(x));
      return x;
    };
    return isPromise(v) ? v.then(keep) : keep(v);
  }
}
