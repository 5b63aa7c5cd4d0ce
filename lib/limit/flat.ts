/**
 * The flat model's check, as oslo.limit's `_EnforcerUtils.enforce_limits`:
 * for each resource in sorted order, over iff `usage + delta > limit`, where a
 * limit of -1 means unlimited (current oslo.limit; 2.0.1 treated it as a limit).
 *
 * @module
 */
import { type OverLimitInfo, UsageUnavailableError } from "./errors.ts";

/** oslo's `int(usage[name])`: numbers truncate toward zero, integer strings parse. */
export function usageOf(usage: Readonly<Record<string, unknown>>, name: string): number {
  if (!Object.hasOwn(usage, name)) throw new UsageUnavailableError(name);
  const v = usage[name];
  if (typeof v === "number" && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === "string" && /^\s*[+-]?\d+\s*$/.test(v)) return Number.parseInt(v, 10);
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new UsageUnavailableError(
    name,
    `the usage callback returned ${JSON.stringify(v) ?? String(v)}, not an integer`,
  );
}

/**
 * The over-limit list for `names` (sorted) given their limits (same order),
 * current usage and deltas; empty when everything fits.
 */
export function overLimits(
  names: readonly string[],
  limits: readonly number[],
  usage: Readonly<Record<string, unknown>>,
  deltas: Readonly<Record<string, number>>,
): OverLimitInfo[] {
  const over: OverLimitInfo[] = [];
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const limit = limits[i]!;
    const current = usageOf(usage, name);
    const delta = deltas[name]!;
    if (limit !== -1 && current + delta > limit) {
      over.push({ resourceName: name, limit, currentUsage: current, delta });
    }
  }
  return over;
}
