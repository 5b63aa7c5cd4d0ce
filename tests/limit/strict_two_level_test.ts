/**
 * strict-two-level: who counts in a tree (every project the tree's usage
 * document holds, a child created after the hierarchy was cached) and what
 * calculateUsage() reports.
 */
import assert from "node:assert/strict";
import {
  Enforcer,
  type LimitSource,
  MemoryUsageBackend,
  ProjectNotFoundError,
  ProjectOverLimit,
  UsageStore,
} from "../../lib/limit/mod.ts";
import { overList } from "./_over.ts";

/**
 * A source that answers like Keystone (remote, so cached by the enforcer),
 * whose projects the test creates and deletes. `listsChildren: false` makes
 * its children lists lag forever (a replica that has not caught up).
 */
class TreeSource implements LimitSource {
  readonly description = "test tree";
  readonly cacheable = true;
  parents = new Map<string, string>();
  limits = new Map<string, number>();
  model: () => Promise<"flat" | "strict-two-level"> = () => Promise.resolve("strict-two-level");
  constructor(readonly registered: number, readonly listsChildren = true) {}
  registeredLimit() {
    return Promise.resolve(this.registered);
  }
  projectLimit(p: string) {
    return Promise.resolve(this.limits.get(p));
  }
  parentOf(p: string) {
    if (p !== "root" && !this.parents.has(p)) {
      return Promise.reject(new ProjectNotFoundError(p, this.description));
    }
    return Promise.resolve(this.parents.get(p) ?? null);
  }
  childrenOf(p: string) {
    if (!this.listsChildren) return Promise.resolve([]);
    return Promise.resolve([...this.parents].filter(([, parent]) => parent === p).map(([c]) => c));
  }
}

/** A usage store and an enforcer over it, wired as the service wires them. */
function storeOver(source: LimitSource) {
  const ref: { enforcer?: Enforcer } = {};
  const store = new UsageStore(new MemoryUsageBackend(), {
    scopeOf: (p) => ref.enforcer!.usageScope(p),
  });
  const enforcer = ref.enforcer = new Enforcer(store.usageCallback, {
    limits: source,
    treeUsage: store.treeUsage,
  });
  return { store, enforcer };
}

Deno.test("Enforcer strict-two-level counts a child created after the hierarchy was cached", async () => {
  const src = new TreeSource(10);
  src.limits.set("root", 5);
  src.parents.set("a", "root");
  const usage: Record<string, number> = { root: 0, a: 1 };
  const e = new Enforcer((p, names) => Object.fromEntries(names.map((n) => [n, usage[p!] ?? 0])), {
    limits: src,
  });
  await e.enforce("a", { cores: 1 }); // fills the cache: root's children are [a]
  src.parents.set("b", "root");
  usage.b = 4;
  assert.deepEqual(await overList(e.enforce("a", { cores: 3 })), [
    { resourceName: "cores", limit: 5, currentUsage: 5, delta: 3, limitProjectId: "root" },
  ]);
  await e.enforce("a", { cores: 0 });
});

Deno.test("UsageStore under strict-two-level counts every project its tree's document holds", async () => {
  // The source never lists children: only the usage document knows b is in root's tree.
  const src = new TreeSource(10, false);
  src.limits.set("root", 5);
  src.parents.set("a", "root");
  const { store, enforcer } = storeOver(src);
  await store.commit((await store.claim(enforcer, "a", { cores: 1 })).claimId);
  src.parents.set("b", "root"); // created after the cache filled
  await store.commit((await store.claim(enforcer, "b", { cores: 4 })).claimId);
  assert.deepEqual(await overList(store.claim(enforcer, "a", { cores: 3 })), [
    { resourceName: "cores", limit: 5, currentUsage: 5, delta: 3, limitProjectId: "root" },
  ]);
  // The plain check reads the same document.
  assert.deepEqual(await overList(enforcer.enforce("a", { cores: 1 })), [
    { resourceName: "cores", limit: 5, currentUsage: 5, delta: 1, limitProjectId: "root" },
  ]);
  // A live reservation counts too.
  await store.adjust("b", { cores: -4 });
  await store.claim(enforcer, "b", { cores: 3 });
  assert.deepEqual(await overList(store.claim(enforcer, "a", { cores: 2 })), [
    { resourceName: "cores", limit: 5, currentUsage: 4, delta: 2, limitProjectId: "root" },
  ]);
  await store.claim(enforcer, "a", { cores: 1 });
});

Deno.test("UsageStore under strict-two-level counts a project the source lost under the root only", async () => {
  const src = new TreeSource(10);
  src.limits.set("root", 4);
  src.limits.set("P", 3);
  src.parents.set("P", "root");
  src.parents.set("a", "P");
  src.parents.set("gone", "P");
  const { store, enforcer } = storeOver(src);
  await store.adjust("a", { cores: 1 });
  await store.adjust("gone", { cores: 2 });
  enforcer.clearCache();
  src.parents.delete("gone"); // deleted: the source answers ProjectNotFoundError
  // P's subtree: a only (1 + 2 ≤ 3); the root's: a and gone (1 + 2 + 2 > 4).
  assert.deepEqual(await overList(store.claim(enforcer, "a", { cores: 2 })), [
    { resourceName: "cores", limit: 4, currentUsage: 3, delta: 2, limitProjectId: "root" },
  ]);
  await store.claim(enforcer, "a", { cores: 1 });
});

Deno.test("Enforcer.calculateUsage() under strict-two-level reports subtree usage and the cap", async () => {
  const src = new TreeSource(10);
  src.limits.set("root", 5);
  src.parents.set("a", "root");
  src.parents.set("b", "root");
  const { store, enforcer } = storeOver(src);
  await store.adjust("a", { cores: 1 });
  await store.adjust("b", { cores: 3, ram: 1 });
  assert.deepEqual(await enforcer.calculateUsage("root", ["cores"]), {
    cores: { limit: 5, usage: 4, available: 1 },
  });
  assert.deepEqual(await enforcer.calculateUsage("a", ["cores", "ram"]), {
    cores: { limit: 10, usage: 1, available: 1, cap: { projectId: "root", limit: 5, usage: 4 } },
    ram: { limit: 10, usage: 0, available: 4, cap: { projectId: "root", limit: 5, usage: 1 } },
  });
  // What a check allows is what the report says is available.
  await enforcer.enforce("a", { cores: 1 });
  await assert.rejects(enforcer.enforce("a", { cores: 2 }), ProjectOverLimit);
  // Unlimited at every level; full or over is 0 available.
  src.limits.set("root", -1);
  src.limits.set("b", 2);
  enforcer.clearCache();
  const b = await enforcer.calculateUsage("b", ["cores"]);
  assert.deepEqual(b, { cores: { limit: 2, usage: 3, available: 0 } });
  src.limits.set("a", -1);
  enforcer.clearCache();
  assert.deepEqual(await enforcer.calculateUsage("a", ["cores"]), {
    cores: { limit: -1, usage: 1, available: -1 },
  });
  // null project: registered limits, as flat.
  assert.deepEqual(await enforcer.calculateUsage(null, ["cores"]), {
    cores: { limit: 10, usage: 0 },
  });
});
