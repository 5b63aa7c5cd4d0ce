/**
 * The enforcement model is not fixed at the first decision: the Enforcer
 * follows its source (every decision for in-memory sources, after
 * clearCache() for remote ones), and usage lives in one document per tree
 * whichever model a site uses.
 */
import assert from "node:assert/strict";
import {
  type EnforcementModel,
  Enforcer,
  type LimitSource,
  MemoryUsageBackend,
  ProjectOverLimit,
  UsageStore,
} from "../../lib/limit/mod.ts";

/** root (limit 5) → a, b; registered default 10; the model is the test's to change. */
function tree(cacheable: boolean) {
  const state = { model: "flat" as EnforcementModel, modelReads: 0 };
  const parents: Record<string, string> = { a: "root", b: "root" };
  const src: LimitSource = {
    description: "tree",
    cacheable,
    model: () => {
      state.modelReads++;
      return cacheable ? Promise.resolve(state.model) : state.model;
    },
    registeredLimit: () => 10,
    projectLimit: (p) => p === "root" ? 5 : undefined,
    parentOf: (p) => parents[p] ?? null,
    childrenOf: (p) => Object.keys(parents).filter((c) => parents[c] === p),
  };
  return { src, state };
}

const usage = (table: Record<string, number>) => (p: string | null, names: string[]) =>
  Object.fromEntries(names.map((n) => [n, table[p ?? ""] ?? 0]));

Deno.test("Enforcer follows an in-memory source's model at every decision", async () => {
  const { src, state } = tree(false);
  const e = new Enforcer(usage({ a: 3, b: 3 }), { limits: src });
  assert.equal(await e.model(), "flat");
  await e.enforce("a", { cores: 1 }); // flat: 3 + 1 ≤ 10
  state.model = "strict-two-level"; // a new replicated document
  assert.equal(await e.model(), "strict-two-level");
  await assert.rejects(e.enforce("a", { cores: 1 }), (err: unknown) => {
    assert.ok(err instanceof ProjectOverLimit);
    assert.deepEqual(err.overLimitInfoList, [
      { resourceName: "cores", limit: 5, currentUsage: 6, delta: 1, limitProjectId: "root" },
    ]);
    return true;
  });
  state.model = "flat";
  await e.enforce("a", { cores: 1 });
});

Deno.test("Enforcer caches a remote source's model as it caches limits, until clearCache()", async () => {
  const { src, state } = tree(true);
  const e = new Enforcer(usage({ a: 3, b: 3 }), { limits: src });
  await e.enforce("a", { cores: 1 });
  state.model = "strict-two-level";
  await e.enforce("a", { cores: 1 }); // still flat: cached
  assert.equal(state.modelReads, 1);
  e.clearCache();
  await assert.rejects(e.enforce("a", { cores: 1 }), /over limit of 5 due to current usage 6/);
  assert.equal(state.modelReads, 2);
  // A model given as an option is never asked of the source.
  const fixed = new Enforcer(usage({}), { limits: src, model: "flat" });
  fixed.clearCache();
  assert.equal(await fixed.model(), "flat");
  assert.equal(state.modelReads, 2);
});

Deno.test("Enforcer.usageScope() is the tree's root under either model", async () => {
  const { src, state } = tree(false);
  const e = new Enforcer(usage({}), { limits: src });
  assert.equal(await e.usageScope("a"), "root");
  state.model = "strict-two-level";
  assert.equal(await e.usageScope("a"), "root");
  assert.equal(await e.usageScope("root"), "root");
  assert.equal(await e.usageScope("lone"), "lone");
});

Deno.test("UsageStore keeps one document per tree when two sites disagree on the model", async () => {
  const backend = new MemoryUsageBackend();
  const site = (model: EnforcementModel) => {
    const ref: { enforcer?: Enforcer } = {};
    const store = new UsageStore(backend, { scopeOf: (p) => ref.enforcer!.usageScope(p) });
    const enforcer = ref.enforcer = new Enforcer(store.usageCallback, {
      limits: tree(false).src,
      model,
      treeUsage: store.treeUsage,
    });
    return { store, enforcer };
  };
  const flat = site("flat"), strict = site("strict-two-level");
  await flat.store.commit((await flat.store.claim(flat.enforcer, "b", { cores: 4 })).claimId);
  // The strict site sees b's usage in root's document: 4 + 2 > 5.
  await assert.rejects(strict.store.claim(strict.enforcer, "a", { cores: 2 }), (e: unknown) => {
    assert.ok(e instanceof ProjectOverLimit);
    assert.deepEqual(e.overLimitInfoList, [
      { resourceName: "cores", limit: 5, currentUsage: 4, delta: 2, limitProjectId: "root" },
    ]);
    return true;
  });
  await strict.store.claim(strict.enforcer, "a", { cores: 1 });
  const key = (p: string) => `u.${btoa(p).replace(/=+$/, "")}`;
  const { doc } = await backend.read(key("root"));
  assert.deepEqual(doc?.used, { b: { cores: 4 } });
  assert.equal(Object.keys(doc?.claims ?? {}).length, 1);
  assert.equal((await backend.read(key("a"))).revision, 0);
  assert.equal((await backend.read(key("b"))).revision, 0);
  // And the flat site reads its own project's usage from the same document.
  assert.deepEqual(await flat.store.usageCallback("a", ["cores"]), { cores: 1 });
});
