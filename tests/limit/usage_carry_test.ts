/**
 * Where the usage store keeps usage under each model, and what a change of
 * model carries over: flat keeps one document per project, strict-two-level
 * one per tree; the first operation after a change makes the new model's
 * document from the other's committed usage, once across sites.
 */
import assert from "node:assert/strict";
import {
  ClaimNotFoundError,
  type EnforcementModel,
  Enforcer,
  type LimitSource,
  MemoryUsageBackend,
  ProjectOverLimit,
  type UsageBackend,
  type UsageDoc,
  UsageStore,
} from "../../lib/limit/mod.ts";
import { waitFor } from "../_support/wait.ts";
import { overList } from "./_over.ts";

const b64 = (s: string) => btoa(s).replace(/=+$/, "");
const projectKey = (p: string) => `u.${b64(p)}`;
const treeKey = (root: string) => `t.${b64(root)}`;

/**
 * dom (limit 6) → a (limit 4), b, c; registered default 10. In memory, so the
 * enforcer reads the model at every decision: `state.model` is the operator's.
 */
function domain() {
  const state = { model: "flat" as EnforcementModel };
  const parents: Record<string, string> = { a: "dom", b: "dom", c: "dom" };
  const limits: Record<string, number> = { dom: 6, a: 4 };
  const src: LimitSource = {
    description: "domain",
    cacheable: false,
    model: () => state.model,
    registeredLimit: () => 10,
    projectLimit: (p) => limits[p],
    parentOf: (p) => parents[p] ?? null,
    childrenOf: (p) => Object.keys(parents).filter((c) => parents[c] === p),
  };
  return { src, state };
}

/** A backend that remembers every key written and counts creations. */
class RecordingBackend implements UsageBackend {
  readonly description = "recording memory";
  readonly inner = new MemoryUsageBackend();
  readonly keys = new Set<string>();
  created = new Map<string, number>();
  /** Writes tried on a key that was absent (revision 0), won or lost. */
  creating = new Map<string, number>();
  /** Creations of this key wait here until the test lets them go. */
  hold: { key: string; waiting: (() => void)[] } | undefined;
  read(key: string) {
    return this.inner.read(key);
  }
  async write(key: string, doc: UsageDoc, revision: number) {
    if (revision === 0) this.creating.set(key, (this.creating.get(key) ?? 0) + 1);
    if (revision === 0 && this.hold?.key === key) {
      await new Promise<void>((go) => this.hold!.waiting.push(go));
    }
    const ok = await this.inner.write(key, doc, revision);
    if (ok) this.keys.add(key);
    if (ok && revision === 0) this.created.set(key, (this.created.get(key) ?? 0) + 1);
    return ok;
  }
  async doc(key: string) {
    return (await this.inner.read(key)).doc;
  }
}

/** A site: a store and an enforcer over the shared backend and the operator's source. */
function site(backend: UsageBackend, src: LimitSource) {
  const ref: { enforcer?: Enforcer } = {};
  const store = new UsageStore(backend, { scopeOf: (p) => ref.enforcer!.usageScope(p) });
  const enforcer = ref.enforcer = new Enforcer(store.usageCallback, {
    limits: src,
    treeUsage: store.treeUsage,
  });
  return {
    store,
    enforcer,
    use: async (p: string, cores: number) =>
      await store.commit((await store.claim(enforcer, p, { cores })).claimId),
  };
}

Deno.test("UsageStore under flat keeps each project of a domain in its own document", async () => {
  const backend = new RecordingBackend();
  const { src } = domain();
  const s = site(backend, src);
  await s.use("a", 4);
  await s.use("b", 5); // flat: dom's limit of 6 does not bound its projects together
  assert.deepEqual([...backend.keys].sort(), [projectKey("a"), projectKey("b")].sort());
  assert.deepEqual((await backend.doc(projectKey("a")))?.used, { a: { cores: 4 } });
  assert.deepEqual((await backend.doc(projectKey("b")))?.used, { b: { cores: 5 } });
});

Deno.test("UsageStore under strict-two-level keeps a tree in one document", async () => {
  const backend = new RecordingBackend();
  const { src, state } = domain();
  state.model = "strict-two-level";
  const s = site(backend, src);
  await s.use("a", 4);
  await s.use("b", 1);
  const doc = await backend.doc(treeKey("dom"));
  assert.deepEqual(doc?.used, { a: { cores: 4 }, b: { cores: 1 } });
  // The projects' own documents only point at the tree (for a change back to flat).
  assert.equal((await backend.doc(projectKey("a")))?.to, "dom");
  assert.deepEqual((await backend.doc(projectKey("a")))?.used, {});
  assert.deepEqual(await overList(s.store.claim(s.enforcer, "b", { cores: 2 })), [
    { resourceName: "cores", limit: 6, currentUsage: 5, delta: 2, limitProjectId: "dom" },
  ]);
});

Deno.test("UsageStore carries committed usage into the tree's document when the model becomes strict-two-level", async () => {
  const backend = new RecordingBackend();
  const { src, state } = domain();
  const s = site(backend, src);
  await s.use("a", 2);
  await s.use("b", 3);
  const inFlight = await s.store.claim(s.enforcer, "b", { cores: 1 });
  state.model = "strict-two-level";
  // dom's limit counts the carried usage at once: 2 + 3 + 2 > 6, for a check and for a claim.
  const over = [
    { resourceName: "cores", limit: 6, currentUsage: 5, delta: 2, limitProjectId: "dom" },
  ];
  assert.deepEqual(await overList(s.enforcer.enforce("a", { cores: 2 })), over);
  assert.deepEqual(await overList(s.store.claim(s.enforcer, "a", { cores: 2 })), over);
  await s.use("a", 1);
  const tree = await backend.doc(treeKey("dom"));
  assert.deepEqual(tree?.used, { a: { cores: 3 }, b: { cores: 3 } });
  assert.deepEqual(tree?.m, { a: 1, b: 1 });
  assert.equal((await backend.doc(projectKey("a")))?.to, "dom");
  // A claim made under flat is not carried: it cannot be committed now, and never counted.
  await assert.rejects(s.store.commit(inFlight.claimId), (e: unknown) => {
    assert.ok(e instanceof ClaimNotFoundError);
    assert.match(e.message, /or it was made before the enforcement model changed/);
    return true;
  });
  assert.deepEqual(await s.store.usageCallback("b", ["cores"]), { cores: 3 });
});

Deno.test("UsageStore carries a project's usage out of its tree's document when the model becomes flat", async () => {
  const backend = new RecordingBackend();
  const { src, state } = domain();
  state.model = "strict-two-level";
  const s = site(backend, src);
  await s.use("a", 4);
  await s.use("c", 1); // c first claims under strict-two-level
  state.model = "flat";
  // a's own limit of 4 is already filled by the usage carried out of the tree.
  assert.deepEqual(await overList(s.store.claim(s.enforcer, "a", { cores: 1 })), [
    { resourceName: "cores", limit: 4, currentUsage: 4, delta: 1 },
  ]);
  assert.deepEqual(await s.store.usageCallback("c", ["cores"]), { cores: 1 });
  await s.use("c", 9); // flat: 1 + 9 ≤ 10, dom's limit no longer applies
  assert.equal((await backend.doc(treeKey("dom")))?.moved, true);
  assert.deepEqual((await backend.doc(projectKey("a")))?.used, { a: { cores: 4 } });
  assert.equal((await backend.doc(projectKey("a")))?.to, undefined);
  assert.deepEqual((await backend.doc(projectKey("c")))?.used, { c: { cores: 10 } });
});

Deno.test("UsageStore follows the model back and forth, each time from the newest usage", async () => {
  const backend = new RecordingBackend();
  const { src, state } = domain();
  const s = site(backend, src);
  await s.use("a", 1); // flat
  state.model = "strict-two-level";
  await s.use("a", 2); // 3, in the tree's document
  state.model = "flat";
  assert.deepEqual(await s.store.usageCallback("a", ["cores"]), { cores: 3 });
  await s.use("a", 1); // 4, in a's document again
  await s.use("b", 1);
  state.model = "strict-two-level";
  // Not the tree's old 3 nor a's document of the first flat period: 4 + 1 + 2 > 6.
  assert.deepEqual(await overList(s.store.claim(s.enforcer, "b", { cores: 2 })), [
    { resourceName: "cores", limit: 6, currentUsage: 5, delta: 2, limitProjectId: "dom" },
  ]);
  await s.store.adjust("a", { cores: -4 });
  state.model = "flat";
  assert.deepEqual(await s.store.usageCallback("a", ["cores"]), { cores: 0 });
  assert.deepEqual(await s.store.usageCallback("b", ["cores"]), { cores: 1 });
});

Deno.test("UsageStore: sites that change model at once make the tree's document once", async () => {
  const backend = new RecordingBackend();
  const { src, state } = domain();
  const one = site(backend, src), two = site(backend, src);
  await one.use("a", 1);
  await two.use("b", 2);
  state.model = "strict-two-level";
  // Both sites find no tree document and make one; one wins, the other reads it.
  backend.hold = { key: treeKey("dom"), waiting: [] };
  const first = one.store.claim(one.enforcer, "a", { cores: 1 });
  await waitFor(() => backend.hold!.waiting.length === 1);
  const second = two.store.claim(two.enforcer, "b", { cores: 1 });
  await waitFor(() => backend.hold!.waiting.length === 2);
  for (const go of backend.hold.waiting) go();
  backend.hold = undefined;
  const claims = await Promise.allSettled([
    first,
    second,
    one.store.claim(one.enforcer, "c", { cores: 1 }),
    two.store.claim(two.enforcer, "c", { cores: 1 }),
  ]);
  assert.equal(backend.creating.get(treeKey("dom")), 2);
  assert.equal(backend.created.get(treeKey("dom")), 1);
  // 3 committed + 3 claims fill dom's 6: exactly one claim is refused.
  assert.equal(claims.filter((c) => c.status === "fulfilled").length, 3);
  const refused = claims.filter((c) => c.status === "rejected");
  assert.ok(refused.length === 1 && refused[0]!.reason instanceof ProjectOverLimit);
  const tree = await backend.doc(treeKey("dom"));
  assert.deepEqual(tree?.used, { a: { cores: 1 }, b: { cores: 2 } });
  assert.equal(Object.keys(tree?.claims ?? {}).length, 3);
});
