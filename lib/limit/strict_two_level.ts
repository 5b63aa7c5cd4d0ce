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
 *
 * Who is in the tree: with a {@linkcode TreeUsageCallback} (a usage store),
 * every project the tree's usage document holds, placed by its parents, so a
 * project created after the hierarchy was read still counts; otherwise the
 * source's current children lists, each project's usage asked of the usage
 * callback (the spec: "usage be calculated on every request").
 *
 * @module
 */
import { HierarchyError, type OverLimitInfo, ProjectNotFoundError } from "./errors.ts";
import { usageOf } from "./flat.ts";
import { MAX_LEVELS_BELOW_ROOT } from "./hierarchy.ts";
import type { LimitReader } from "./limit_reader.ts";
import type { MaybePromise } from "./limit_source.ts";

/** The usage callback's type, as the {@linkcode Enforcer} takes it. */
export type UsageCallback = (
  projectId: string | null,
  resourceNames: string[],
) => MaybePromise<Readonly<Record<string, unknown>>>;

/**
 * Usage of every project a tree's usage document holds, read at once:
 * project → resource → usage (every resource asked for).
 */
export type TreeUsageCallback = (
  root: string,
  resourceNames: string[],
) => MaybePromise<ReadonlyMap<string, Readonly<Record<string, unknown>>>>;

/** Where a strict-two-level check gets usage from. */
export interface UsageSources {
  usage: UsageCallback;
  tree?: TreeUsageCallback | undefined;
}

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

/**
 * The root of `projectId`'s tree (a domain, a top-level project, or itself),
 * at any depth: the flat model allows deeper trees than strict-two-level.
 */
export async function treeRoot(reader: LimitReader, projectId: string): Promise<string> {
  const seen = [projectId];
  for (let cur: string | null = await reader.parentOf(projectId); cur !== null;) {
    if (seen.includes(cur)) {
      throw new HierarchyError(
        `Cannot find the root of "${projectId}": parents form a cycle at "${cur}"`,
      );
    }
    seen.push(cur);
    cur = await reader.parentOf(cur);
  }
  return seen[seen.length - 1]!;
}

/** Every project of the subtree of `root`, `root` first (depth bounded by the model). */
export async function subtree(reader: LimitReader, root: string, depth: number): Promise<string[]> {
  const out = [root];
  if (depth >= MAX_LEVELS_BELOW_ROOT) return out;
  for (const child of await reader.childrenOf(root)) {
    out.push(...await subtree(reader, child, depth + 1));
  }
  return out;
}

/**
 * The nodes of `chain` that `pid`'s usage counts under. A project the tree's
 * document holds but the source does not place under `root` (unknown to it,
 * or deleted) counts under the root only: its usage is the tree's.
 */
async function countedUnder(
  reader: LimitReader,
  pid: string,
  chain: readonly string[],
): Promise<string[]> {
  const root = chain[chain.length - 1]!;
  const path = [pid];
  try {
    for (let cur: string | null = await reader.parentOf(pid); cur !== null;) {
      if (path.includes(cur) || path.length > MAX_LEVELS_BELOW_ROOT + 1) break;
      path.push(cur);
      if (cur === root) break;
      cur = await reader.parentOf(cur);
    }
  } catch (e) {
    if (!(e instanceof ProjectNotFoundError)) throw e;
  }
  if (!path.includes(root)) return [root];
  return chain.filter((node) => path.includes(node));
}

/** Subtree usage of P and of each of its ancestors, for every resource asked. */
export interface TreeTotals {
  /** P, then its ancestors, nearest first. */
  chain: string[];
  /** `totals[i].get(name)`: usage of `chain[i]`'s whole subtree. */
  totals: Map<string, number>[];
}

/** Reads the usage of `projectId`'s tree and sums it for every node above it. */
export async function treeTotals(
  reader: LimitReader,
  sources: UsageSources,
  projectId: string,
  names: string[],
): Promise<TreeTotals> {
  const chain = await chainOf(reader, projectId);
  const root = chain[chain.length - 1]!;
  let usages: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  if (sources.tree) {
    usages = await sources.tree(root, names);
  } else {
    const members = await subtree(reader, root, 0);
    for (const node of chain) if (!members.includes(node)) members.push(node); // a lagging list
    const m = new Map<string, Readonly<Record<string, unknown>>>();
    await Promise.all(members.map(async (pid) => m.set(pid, await sources.usage(pid, names))));
    usages = m;
  }
  const totals = chain.map(() => new Map(names.map((n) => [n, 0])));
  await Promise.all([...usages].map(async ([pid, usage]) => {
    const under = await countedUnder(reader, pid, chain);
    for (const name of names) {
      const v = usageOf(usage, name);
      for (const node of under) {
        const t = totals[chain.indexOf(node)]!;
        t.set(name, t.get(name)! + v);
      }
    }
  }));
  return { chain, totals };
}

/** The over-limit list of a strict-two-level check (empty when everything fits). */
export async function strictOverLimits(
  reader: LimitReader,
  sources: UsageSources,
  projectId: string,
  names: string[],
  deltas: Readonly<Record<string, number>>,
): Promise<OverLimitInfo[]> {
  const { chain, totals } = await treeTotals(reader, sources, projectId, names);
  const over: OverLimitInfo[] = [];
  for (const name of names) {
    const delta = deltas[name]!;
    for (let i = 0; i < chain.length; i++) {
      const node = chain[i]!;
      const limit = await reader.limit(node, name);
      if (limit === -1) continue;
      const current = totals[i]!.get(name)!;
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

/** A resource's limit and usage for reporting, as `Enforcer.calculateUsage` gives it. */
export interface ProjectUsage {
  /** The project's limit: its own, else the registered default (-1: unlimited). */
  limit: number;
  /** Usage counted against `limit`: the project's own (flat), its whole subtree's (strict-two-level). */
  usage: number;
  /**
   * strict-two-level: what the project may still add, under its own limit and
   * every ancestor's (-1: unlimited at every level; 0 when a level is full or over).
   */
  available?: number;
  /** strict-two-level: the ancestor whose limit leaves less room than the project's own. */
  cap?: { projectId: string; limit: number; usage: number };
}

/** What a strict-two-level check would count, per resource. */
export async function strictUsage(
  reader: LimitReader,
  sources: UsageSources,
  projectId: string,
  names: string[],
): Promise<Record<string, ProjectUsage>> {
  const { chain, totals } = await treeTotals(reader, sources, projectId, names);
  const out: Record<string, ProjectUsage> = {};
  for (const name of names) {
    let tightest: { i: number; room: number; limit: number } | undefined;
    let own = 0;
    for (let i = 0; i < chain.length; i++) {
      const limit = await reader.limit(chain[i]!, name);
      if (i === 0) own = limit;
      if (limit === -1) continue;
      const room = Math.max(0, limit - totals[i]!.get(name)!);
      if (!tightest || room < tightest.room) tightest = { i, room, limit };
    }
    out[name] = {
      limit: own,
      usage: totals[0]!.get(name)!,
      available: tightest?.room ?? -1,
      ...(tightest && tightest.i > 0
        ? {
          cap: {
            projectId: chain[tightest.i]!,
            limit: tightest.limit,
            usage: totals[tightest.i]!.get(name)!,
          },
        }
        : {}),
    };
  }
  return out;
}
