import assert from "node:assert/strict";
import {
  ClaimNotFoundError,
  claimProjectId,
  Enforcer,
  type LimitsData,
  MemoryUsageBackend,
  ProjectOverLimit,
  type UsageBackend,
  type UsageDoc,
  UsageStore,
  UsageStoreError,
} from "../../lib/limit/mod.ts";
import { waitFor } from "../_support/wait.ts";

function setUp(limits: LimitsData, options: ConstructorParameters<typeof UsageStore>[1] = {}) {
  const backend = new MemoryUsageBackend();
  const ref: { enforcer?: Enforcer } = {};
  const store = new UsageStore(backend, {
    scopeOf: (p) => ref.enforcer!.usageScope(p),
    ...options,
  });
  const enforcer = ref.enforcer = new Enforcer(store.usageCallback, {
    limits,
    onMissingLimit: () => {},
  });
  return { store, enforcer, backend };
}

Deno.test("UsageStore.claim() reserves usage that counts until commit or release", async () => {
  const { store, enforcer } = setUp({ registeredLimits: { cores: 10 } });
  const a = await store.claim(enforcer, "p", { cores: 6 });
  assert.match(a.claimId, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[0-9a-f-]{36}$/);
  assert.equal(claimProjectId(a.claimId), "p");
  assert.deepEqual(await store.usageCallback("p", ["cores"]), { cores: 6 });
  await assert.rejects(store.claim(enforcer, "p", { cores: 5 }), (e: unknown) => {
    assert.ok(e instanceof ProjectOverLimit);
    assert.deepEqual(e.overLimitInfoList, [{
      resourceName: "cores",
      limit: 10,
      currentUsage: 6,
      delta: 5,
    }]);
    return true;
  });
  await store.commit(a.claimId);
  assert.deepEqual(await store.usageCallback("p", ["cores"]), { cores: 6 });
  const b = await store.claim(enforcer, "p", { cores: 4 });
  await store.release(b.claimId);
  assert.deepEqual(await store.usageCallback("p", ["cores"]), { cores: 6 });
  // The plain check sees the same usage.
  await enforcer.enforce("p", { cores: 4 });
  await assert.rejects(enforcer.enforce("p", { cores: 5 }), ProjectOverLimit);
});

Deno.test("UsageStore.commit() and release() refuse a claim that is gone", async () => {
  const { store, enforcer } = setUp({ registeredLimits: { cores: 10 } });
  const a = await store.claim(enforcer, "p", { cores: 1 });
  await store.commit(a.claimId);
  await assert.rejects(store.commit(a.claimId), ClaimNotFoundError);
  await assert.rejects(
    store.release(a.claimId),
    /Cannot find claim ".*": it was never made, or was already/,
  );
  await assert.rejects(store.commit("garbage"), ClaimNotFoundError);
  await assert.rejects(store.release("!!.x.y"), ClaimNotFoundError);
  assert.throws(() => claimProjectId("a.b"), ClaimNotFoundError);
});

Deno.test("UsageStore lets a claim expire when its claimer never comes back", async () => {
  const { store, enforcer } = setUp({ registeredLimits: { cores: 2 } }, { claimTtl: 300 });
  const dead = await store.claim(enforcer, "p", { cores: 2 });
  await assert.rejects(store.claim(enforcer, "p", { cores: 1 }), ProjectOverLimit);
  const next = await waitFor(
    () => store.claim(enforcer, "p", { cores: 2 }).catch(() => undefined),
    { timeout: 10_000, what: "the dead claim to expire" },
  );
  await assert.rejects(store.commit(dead.claimId), ClaimNotFoundError);
  await store.commit(next.claimId);
  assert.deepEqual(await store.usageCallback("p", ["cores"]), { cores: 2 });
});

Deno.test("UsageStore.claim() never lets concurrent claimers exceed a limit", async () => {
  const { store, enforcer, backend } = setUp({ registeredLimits: { cores: 50, ram: 1000 } });
  const results = await Promise.allSettled(
    Array.from(
      { length: 200 },
      (_, i) => store.claim(enforcer, "p", { cores: 1, ram: i % 2 ? 10 : 0 }),
    ),
  );
  const won = results.filter((r) => r.status === "fulfilled");
  const lost = results.filter((r) => r.status === "rejected");
  assert.equal(won.length, 50);
  assert.ok(lost.every((r) => r.reason instanceof ProjectOverLimit));
  await Promise.all(won.map((r) => store.commit(r.value.claimId)));
  assert.deepEqual(await store.usageCallback("p", ["cores"]), { cores: 50 });
  const { doc } = await backend.read(`u.${btoa("p").replace(/=+$/, "")}`);
  assert.deepEqual(doc?.claims, {});
});

Deno.test("UsageStore.claim() refuses bad arguments before touching the store", async () => {
  const { store, enforcer } = setUp({});
  await assert.rejects(
    store.claim(enforcer, "", { a: 1 }),
    /project id must be a non-empty string/,
  );
  await assert.rejects(store.claim(enforcer, "p", {}), /deltas must be a non-empty object/);
  await assert.rejects(store.claim(enforcer, "p", { a: -1 }), /non-negative integer, got -1/);
});

Deno.test("UsageStore.adjust() changes committed usage without a check, never below 0", async () => {
  const { store, enforcer } = setUp({ registeredLimits: { cores: 5, ram: 10 } });
  assert.deepEqual(await store.adjust("p", { cores: 7 }), { cores: 7 });
  await assert.rejects(store.claim(enforcer, "p", { cores: 0 }), ProjectOverLimit);
  assert.deepEqual(await store.adjust("p", { cores: -3, ram: 2 }), { cores: 4, ram: 2 });
  await store.claim(enforcer, "p", { cores: 1 });
  // Giving back more than was committed leaves 0, not a negative that would grant quota.
  assert.deepEqual(await store.adjust("p", { ram: -5 }), { ram: 0 });
  assert.deepEqual(await store.usageCallback("p", ["ram"]), { ram: 0 });
  await assert.rejects(store.claim(enforcer, "p", { ram: 11 }), ProjectOverLimit);
  await assert.rejects(store.adjust("p", {}), /deltas must be a non-empty object/);
  await assert.rejects(
    store.adjust("p", { ram: 0.5 }),
    /delta of "ram" must be an integer, got 0.5/,
  );
  await assert.rejects(store.adjust("", { ram: 1 }), TypeError);
});

/** A real backend whose replies get lost: the write lands, the caller hears a timeout. */
class LossyBackend implements UsageBackend {
  readonly description = "lossy memory";
  inner = new MemoryUsageBackend();
  lose = 0;
  writes = 0;
  read(key: string) {
    return this.inner.read(key);
  }
  async write(key: string, doc: UsageDoc, revision: number) {
    const ok = await this.inner.write(key, doc, revision);
    this.writes++;
    if (ok && this.lose > 0) {
      this.lose--;
      throw new Error("timed out waiting for the reply");
    }
    return ok;
  }
}

Deno.test("UsageStore recognises its own write when the reply was lost, and applies nothing twice", async () => {
  const backend = new LossyBackend();
  const store = new UsageStore(backend);
  const enforcer = new Enforcer(store.usageCallback, {
    limits: { registeredLimits: { cores: 3 } },
  });
  backend.lose = 1;
  const a = await store.claim(enforcer, "p", { cores: 2 });
  assert.deepEqual(await store.usageCallback("p", ["cores"]), { cores: 2 });
  backend.lose = 1;
  await store.commit(a.claimId);
  backend.lose = 1;
  await store.adjust("p", { cores: 1 });
  assert.deepEqual(await store.usageCallback("p", ["cores"]), { cores: 3 });
  assert.equal(backend.writes, 3); // each landed once; the retries only read
});

Deno.test("UsageStore gives up with UsageStoreError when the backend keeps failing", async () => {
  const failing: UsageBackend = {
    description: "down",
    read: () => Promise.reject(new Error("no responders")),
    write: () => Promise.reject(new Error("no responders")),
  };
  const store = new UsageStore(failing, { opTimeout: 300 });
  const enforcer = new Enforcer(store.usageCallback, { limits: { registeredLimits: { a: 1 } } });
  await assert.rejects(store.claim(enforcer, "p", { a: 1 }), (e: unknown) => {
    assert.ok(e instanceof UsageStoreError);
    assert.match(e.message, /Cannot update usage in down within 300 ms: no responders/);
    return true;
  });
});

Deno.test("UsageStore counts a strict-two-level tree in one document", async () => {
  const { store, enforcer, backend } = setUp({
    model: "strict-two-level",
    registeredLimits: { cores: 10 },
    projectLimits: { dom: { cores: 10 } },
    parents: { a: "dom", b: "dom" },
  });
  const scope = await enforcer.usageScope("a");
  assert.equal(scope.model, "strict-two-level");
  assert.equal(scope.model === "strict-two-level" && scope.root, "dom");
  await store.commit((await store.claim(enforcer, "a", { cores: 6 })).claimId);
  await store.claim(enforcer, "b", { cores: 4 });
  await assert.rejects(store.claim(enforcer, "b", { cores: 1 }), (e: unknown) => {
    assert.ok(e instanceof ProjectOverLimit);
    assert.equal(e.overLimitInfoList[0]!.limitProjectId, "dom");
    return true;
  });
  const { doc } = await backend.read(`t.${btoa("dom").replace(/=+$/, "")}`);
  assert.deepEqual(doc?.used, { a: { cores: 6 } });
  assert.equal(Object.keys(doc?.claims ?? {}).length, 1);
});
