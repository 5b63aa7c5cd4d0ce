/**
 * The strict-two-level model's rules for limits (Keystone spec
 * "strict-two-level-enforcement-model", with domains as the first level):
 *
 * - a tree is at most three deep: a root (a domain, or a top-level project)
 *   and two levels of projects under it, as Keystone allows;
 * - a project's limit may not exceed its parent's (nor any ancestor's) limit,
 *   where an ancestor with no limit of its own has the registered default;
 *   -1 (unlimited) on either side never conflicts;
 * - the sum of the children's limits may exceed the parent's (overcommit).
 *
 * Keystone differs in three corner cases, which this module does not copy: it
 * skips the check when the parent's limit is 0, refuses any child limit under
 * a parent of -1, and checks a sub-project against the registered default
 * rather than its parent project's limit.
 *
 * @module
 */
import type { LimitsIssue, ValidLimits } from "./limits_data.ts";

/** Most levels of projects below a root (Keystone: `MAX_PROJECT_TREE_DEPTH = 2`). */
export const MAX_LEVELS_BELOW_ROOT = 2;

/** Ancestors of `id`, nearest first; `cycle` when the parents loop. */
export function ancestors(
  parents: ReadonlyMap<string, string>,
  id: string,
): { chain: string[]; cycle: boolean } {
  const chain: string[] = [];
  const seen = new Set([id]);
  let cur = parents.get(id);
  while (cur !== undefined) {
    if (seen.has(cur)) return { chain, cycle: true };
    seen.add(cur);
    chain.push(cur);
    cur = parents.get(cur);
  }
  return { chain, cycle: false };
}

/** The limit a project or domain has for a resource: its own, else the registered default. */
export function effectiveLimit(
  limits: ValidLimits,
  id: string,
  resource: string,
): { value: number | undefined; own: boolean } {
  const own = limits.projectLimits.get(id)?.get(resource);
  if (own !== undefined) return { value: own, own: true };
  return { value: limits.registeredLimits.get(resource), own: false };
}

/** Every way `limits` break the strict-two-level model (empty when they do not). */
export function hierarchyIssues(limits: ValidLimits): LimitsIssue[] {
  const issues: LimitsIssue[] = [];
  for (const child of limits.parents.keys()) {
    const { chain, cycle } = ancestors(limits.parents, child);
    if (cycle) {
      issues.push({
        path: ["parents", child],
        message: `parents form a cycle: ${[child, ...chain].join(" → ")} → …`,
      });
    } else if (chain.length > MAX_LEVELS_BELOW_ROOT) {
      issues.push({
        path: ["parents", child],
        message: `the tree is too deep for strict-two-level: ${
          [child, ...chain].join(" → ")
        } (a root and at most ${MAX_LEVELS_BELOW_ROOT} levels of projects)`,
      });
    }
  }
  if (issues.length) return issues;
  for (const [pid, own] of limits.projectLimits) {
    const { chain } = ancestors(limits.parents, pid);
    for (const [resource, value] of own) {
      if (value === -1) continue;
      for (const up of chain) {
        const p = effectiveLimit(limits, up, resource);
        if (p.value === undefined || p.value === -1 || value <= p.value) continue;
        issues.push({
          path: ["projectLimits", pid, resource],
          message: `limit ${value} is above the limit ${p.value} of ${
            up === chain[0] ? "parent" : "ancestor"
          } "${up}"${
            p.own ? "" : " (the registered default)"
          }: a project's limit may not exceed its parent's under strict-two-level`,
        });
        break;
      }
    }
  }
  return issues;
}
