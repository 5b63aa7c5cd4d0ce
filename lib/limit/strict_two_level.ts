/**
 * The strict-two-level model's check (Keystone spec
 * "strict-two-level-enforcement-model"; oslo.limit has none and raises
 * NotImplementedError): a limit bounds the usage of its project's whole
 * subtree. For project P asking for `delta` of a resource, each of P, P's
 * parent and P's grandparent (a domain or a top-level project) is checked in
 * that order:
 *
 *     usage(node) + Σ usage(descendants of node) + delta ≤ limit(node)
 *
 * where limit(node) is the node's own limit, else the registered default, and
 * -1 is unlimited. The first node over is reported for the resource, its id in
 * `limitProjectId` when it is not P, and `currentUsage` is its subtree's usage.
 * Usage is asked of the callback once per project of the tree (the spec:
 * "usage be calculated on every request").
 *
 * @module
 */
import { HierarchyError, type OverLimitInfo } from "./errors.ts";
import { usageOf } from "./flat.ts";
import { MAX_LEVELS_BELOW_ROOT } from "./hierarchy.ts";
import type { LimitReader } from "./limit_reader.ts";
import type { MaybePromise } from "./limit_source.ts";

/** The usage callback's type, as the {@linkcode Enforcer} takes it. */
export type UsageCallback = (
  projectId: string | null,
  resourceNames: string[],
) => MaybePromise<Readonly<Record<string, unknown>>>;

/** P and its ancestors, nearest first; throws when the tree is deeper than the model allows. */
async function chainOf(reader: LimitReader, projectId: string): Promise<string[]> {
  const chain = [projectId];
  let cur: string | null = await reader.parentOf(projectId);
  while (cur !== null) {
    if (chain.includes(cur)) {
      throw new HierarchyError(`Cannot enforce limits: project parents form a cycle at "${cur}"`);
    }
    chain.push(cur);
    if (chain.length > MAX_LEVELS_BELOW_ROOT + 1) {
      throw new HierarchyError(
        `Cannot enforce limits under strict-two-level: project "${projectId}" is more than ${MAX_LEVELS_BELOW_ROOT} levels below its root (${
          chain.join(" → ")
        })`,
      );
    }
    cur = await reader.parentOf(cur);
  }
  return chain;
}

/** The root of `projectId`'s tree (a domain, a top-level project, or itself). */
export async function treeRoot(reader: LimitReader, projectId: string): Promise<string> {
  const chain = await chainOf(reader, projectId);
  return chain[chain.length - 1]!;
}

/** Every project of the subtree of `root`, `root` first (depth bounded by the model). */
async function subtree(reader: LimitReader, root: string, depth: number): Promise<string[]> {
  const out = [root];
  if (depth >= MAX_LEVELS_BELOW_ROOT) return out;
  for (const child of await reader.childrenOf(root)) {
    out.push(...await subtree(reader, child, depth + 1));
  }
  return out;
}

/** The over-limit list of a strict-two-level check (empty when everything fits). */
export async function strictOverLimits(
  reader: LimitReader,
  usageCallback: UsageCallback,
  projectId: string,
  names: string[],
  deltas: Readonly<Record<string, number>>,
): Promise<OverLimitInfo[]> {
  const chain = await chainOf(reader, projectId);
  const root = chain[chain.length - 1]!;
  const tree = await subtree(reader, root, 0);
  if (!tree.includes(projectId)) tree.push(projectId); // the source's children list lags
  const usages = new Map<string, Readonly<Record<string, unknown>>>();
  await Promise.all(tree.map(async (pid) => {
    usages.set(pid, await usageCallback(pid, names));
  }));
  // Subtree usage of each node of the chain: the node and every tree member below it.
  const parents = new Map<string, string | null>();
  await Promise.all(tree.map(async (pid) => parents.set(pid, await reader.parentOf(pid))));
  const under = (pid: string, node: string): boolean => {
    for (let cur: string | null = pid; cur !== null; cur = parents.get(cur) ?? null) {
      if (cur === node) return true;
    }
    return false;
  };
  const over: OverLimitInfo[] = [];
  for (const name of names) {
    const delta = deltas[name]!;
    for (const node of chain) {
      const limit = await reader.limit(node, name);
      if (limit === -1) continue;
      let current = 0;
      for (const pid of tree) if (under(pid, node)) current += usageOf(usages.get(pid)!, name);
      if (current + delta > limit) {
        over.push({
          resourceName: name,
          limit,
          currentUsage: current,
          delta,
          ...(node === projectId ? {} : { limitProjectId: node }),
        });
        break;
      }
    }
  }
  return over;
}
