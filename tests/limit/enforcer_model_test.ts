/**
 * The enforcement model is not fixed at the first decision: the Enforcer
 * follows its source (every decision for in-memory sources, after
 * clearCache() for remote ones), and the model decides where usage is kept.
 */
import assert from "node:assert/strict";
import {
  type EnforcementModel,
  Enforcer,
  type LimitSource,
  ProjectOverLimit,
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

Deno.test("Enforcer.usageScope() is the project under flat, the tree's root under strict-two-level", async () => {
  const { src, state } = tree(false);
  const e = new Enforcer(usage({}), { limits: src });
  assert.deepEqual(await e.usageScope("a"), { model: "flat", projectId: "a" });
  state.model = "strict-two-level";
  const scope = await e.usageScope("a");
  assert.ok(scope.model === "strict-two-level");
  assert.equal(scope.root, "root");
  assert.deepEqual(await scope.members(), ["root", "a", "b"]);
  const lone = await e.usageScope("lone");
  assert.ok(lone.model === "strict-two-level" && lone.root === "lone");
  // A model given as an option decides, whatever the source says.
  const fixed = new Enforcer(usage({}), { limits: src, model: "flat" });
  assert.deepEqual(await fixed.usageScope("a"), { model: "flat", projectId: "a" });
});
