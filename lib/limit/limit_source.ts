/**
 * Where limits come from: a static object or file, Keystone's unified limits
 * API, or limits replicated over NATS KV. The {@linkcode Enforcer} only sees
 * this interface.
 *
 * @module
 */

/** A value, or a promise of it: in-memory sources answer synchronously. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * The enforcement model. `strict-two-level` is also accepted as Keystone names
 * it (`strict_two_level`).
 */
export type EnforcementModel = "flat" | "strict-two-level";

/** Limits as plain data: the shape of a static limits file. */
export interface LimitsData {
  /** Default limit of each resource (Keystone's registered limits). */
  registeredLimits?: Readonly<Record<string, number>>;
  /** Per-project overrides: project id → resource → limit. */
  projectLimits?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** strict-two-level: project id → parent project (or domain) id. */
  parents?: Readonly<Record<string, string>>;
  /** The model these limits are meant for (default `flat`). */
  model?: EnforcementModel | "strict_two_level";
}

/** A source of limits. Lookups give `undefined` when no limit is set (not 0). */
export interface LimitSource {
  /** A short description for messages (`static limits from limits.yaml`, `Keystone at ...`). */
  readonly description: string;
  /**
   * True when lookups are remote and worth caching in the {@linkcode Enforcer}
   * (Keystone); false for in-memory sources, which are always current.
   */
  readonly cacheable: boolean;
  /** The model this source says applies (Keystone's `GET /v3/limits/model`). */
  model(): MaybePromise<EnforcementModel>;
  /** The registered (default) limit of a resource. */
  registeredLimit(resourceName: string): MaybePromise<number | undefined>;
  /** A project's own limit of a resource (for a domain id: the domain's limit). */
  projectLimit(projectId: string, resourceName: string): MaybePromise<number | undefined>;
  /** Parent project or domain of a project; null for a root (strict-two-level). */
  parentOf(projectId: string): MaybePromise<string | null>;
  /** Direct children of a project or domain (strict-two-level). */
  childrenOf(projectId: string): MaybePromise<readonly string[]>;
}

/** Normalises a model name as Keystone (`strict_two_level`) or oslo.limit writes it. */
export function normalizeModel(name: string): EnforcementModel | undefined {
  if (name === "flat") return "flat";
  if (name === "strict-two-level" || name === "strict_two_level") return "strict-two-level";
  return undefined;
}

/** Keystone's range for limits: -1 (unlimited) to 2147483647. */
export const MAX_LIMIT = 2147483647;

/** Why `value` is not a valid limit, or undefined when it is one. */
export function invalidLimit(value: unknown): string | undefined {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    return `expected an integer limit, got ${JSON.stringify(value) ?? String(value)}`;
  }
  if (value < -1 || value > MAX_LIMIT) {
    return `limit ${value} is out of range: use -1 (unlimited) to ${MAX_LIMIT}`;
  }
  return undefined;
}
