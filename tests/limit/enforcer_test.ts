import assert from "node:assert/strict";
import {
  Enforcer,
  HierarchyError,
  type LimitsData,
  type LimitSource,
  ProjectOverLimit,
  type RejectEvent,
  UsageUnavailableError,
} from "../../lib/limit/mod.ts";
import { overList } from "./_over.ts";

const quiet = { onMissingLimit: () => {} };

function usageFrom(table: Record<string, Record<string, number>>) {
  return (pid: string | null, names: string[]) =>
    Object.fromEntries(names.map((n) => [n, table[pid ?? "-"]?.[n] ?? 0]));
}

Deno.test("Enforcer.enforce() allows reaching the limit exactly and refuses one more", async () => {
  const e = new Enforcer(() => ({ cores: 8 }), { limits: { registeredLimits: { cores: 10 } } });
  await e.enforce("p1", { cores: 2 });
  assert.deepEqual(await overList(e.enforce("p1", { cores: 3 })), [
    { resourceName: "cores", limit: 10, currentUsage: 8, delta: 3 },
  ]);
});

Deno.test("Enforcer.enforce() treats -1 as unlimited (current oslo.limit) at either level", async () => {
  const e = new Enforcer(() => ({ cores: 1e9, ram: 5 }), {
    limits: { registeredLimits: { cores: -1, ram: 10 }, projectLimits: { p1: { ram: -1 } } },
  });
  await e.enforce("p1", { cores: 1e6, ram: 1e6 });
  await e.enforce(null, { cores: 1 });
  assert.deepEqual(await overList(e.enforce("p2", { ram: 6 })), [
    { resourceName: "ram", limit: 10, currentUsage: 5, delta: 6 },
  ]);
});

Deno.test("Enforcer.enforce() lists every resource over, sorted, with oslo.limit's message", async () => {
  const e = new Enforcer(() => ({ b: 5, a: 5, c: 0 }), {
    limits: { registeredLimits: { a: 5, b: 5, c: 5 } },
  });
  const err = await e.enforce("p1", { c: 1, b: 1, a: 1 }).catch((x) => x);
  assert.ok(err instanceof ProjectOverLimit);
  assert.equal(err.code, "ERR_LIMIT_PROJECT_OVER_LIMIT");
  assert.equal(err.projectId, "p1");
  assert.equal(
    err.message,
    "Project p1 is over a limit for [Resource a is over limit of 5 due to current usage 5 and delta 1, Resource b is over limit of 5 due to current usage 5 and delta 1]",
  );
});

Deno.test("Enforcer.enforce() gives a resource with no limit a limit of 0 and says so once", async () => {
  const missing: string[] = [];
  const e = new Enforcer(() => ({ gpus: 0 }), {
    limits: {},
    onMissingLimit: (n) => missing.push(n),
  });
  await e.enforce("p1", { gpus: 0 }); // usage 0 + 0 is not over 0
  await e.enforce("p1", { gpus: -1 }); // negative deltas are allowed
  assert.deepEqual(await overList(e.enforce("p1", { gpus: 1 })), [
    { resourceName: "gpus", limit: 0, currentUsage: 0, delta: 1 },
  ]);
  assert.deepEqual(missing, ["gpus", "gpus", "gpus"]);
});

Deno.test("Enforcer.enforce() refuses bad arguments with TypeError before any lookup", async () => {
  let calls = 0;
  const e = new Enforcer(() => (calls++, {}), { limits: {} });
  await assert.rejects(e.enforce("", { a: 1 }), /project id must be a non-empty string/);
  await assert.rejects(e.enforce("p", {}), TypeError);
  await assert.rejects(e.enforce("p", { a: 1.5 }), /delta of "a" must be an integer, got 1.5/);
  await assert.rejects(
    e.enforce("p", [] as unknown as Record<string, number>),
    /deltas must be a non-empty object/,
  );
  assert.equal(calls, 0);
});

Deno.test("Enforcer.enforce() fails clearly when the usage callback omits a resource", async () => {
  const e = new Enforcer(() => ({ a: 1 }), { limits: { registeredLimits: { a: 5, b: 5 } } });
  await assert.rejects(e.enforce("p", { a: 1, b: 1 }), (err: unknown) => {
    assert.ok(err instanceof UsageUnavailableError);
    assert.equal(err.resourceName, "b");
    assert.match(err.message, /unable to get current usage for b/);
    return true;
  });
  const bad = new Enforcer(() => ({ a: "lots" }), { limits: { registeredLimits: { a: 5 } } });
  await assert.rejects(bad.enforce("p", { a: 1 }), /returned "lots", not an integer/);
});

Deno.test("Enforcer.enforce() awaits an async usage callback and calls onReject before throwing", async () => {
  const events: RejectEvent[] = [];
  const e = new Enforcer(async (_p, names) => {
    await new Promise((r) => setTimeout(r, 1));
    return Object.fromEntries(names.map((n) => [n, 3]));
  }, {
    limits: { registeredLimits: { x: 3 } },
    onReject: (ev) => events.push(ev),
  });
  await e.enforce("p", { x: 0 });
  await assert.rejects(e.enforce("p", { x: 1 }), ProjectOverLimit);
  assert.equal(events.length, 1);
  assert.equal(events[0]!.model, "flat");
  assert.deepEqual(events[0]!.overLimitInfoList[0]!.resourceName, "x");
  assert.deepEqual(
    { enforced: e.stats().enforced, rejected: e.stats().rejected },
    { enforced: 2, rejected: 1 },
  );
});

/** A cacheable source counting lookups, whose limits the test changes. */
class CountingSource implements LimitSource {
  readonly description = "counting";
  readonly cacheable = true;
  lookups = 0;
  constructor(public data: Required<Pick<LimitsData, "registeredLimits" | "projectLimits">>) {}
  model() {
    return Promise.resolve("flat" as const);
  }
  registeredLimit(r: string) {
    this.lookups++;
    return Promise.resolve(this.data.registeredLimits[r]);
  }
  projectLimit(p: string, r: string) {
    this.lookups++;
    return Promise.resolve(this.data.projectLimits[p]?.[r]);
  }
  parentOf() {
    return null;
  }
  childrenOf() {
    return [];
  }
}

Deno.test("Enforcer caches limits found for its lifetime, and never a limit not found", async () => {
  const src = new CountingSource({ registeredLimits: { a: 5 }, projectLimits: { p: { a: 2 } } });
  const e = new Enforcer(() => ({ a: 0, b: 0 }), { limits: src, ...quiet });
  await e.enforce("p", { a: 2 });
  const after = src.lookups;
  src.data = { registeredLimits: { a: 5, b: 1 }, projectLimits: { p: { a: 100 } } };
  await assert.rejects(e.enforce("p", { a: 3 }), ProjectOverLimit); // still 2: cached
  assert.equal(src.lookups, after);
  await e.enforce("p", { b: 1 }); // b was never found before: looked up, now 1
  e.clearCache();
  await e.enforce("p", { a: 3 });
});

Deno.test("Enforcer with cache ttl sees a changed limit after the ttl", async () => {
  const src = new CountingSource({ registeredLimits: {}, projectLimits: { p: { a: 2 } } });
  const e = new Enforcer(() => ({ a: 0 }), { limits: src, cache: { ttl: 1000 } });
  await assert.rejects(e.enforce("p", { a: 3 }), ProjectOverLimit);
  src.data.projectLimits = { p: { a: 3 } };
  await assert.rejects(e.enforce("p", { a: 3 }), ProjectOverLimit);
  await new Promise((r) => setTimeout(r, 1100));
  await e.enforce("p", { a: 3 });
});

Deno.test("Enforcer with cache: false asks the source every time", async () => {
  const src = new CountingSource({ registeredLimits: { a: 5 }, projectLimits: {} });
  const e = new Enforcer(() => ({ a: 0 }), { limits: src, cache: false });
  await e.enforce("p", { a: 1 });
  await e.enforce("p", { a: 1 });
  assert.equal(src.lookups, 4);
});

Deno.test("Enforcer reports limits and usage as oslo.limit's calculate_usage and get_*_limits", async () => {
  const e = new Enforcer(usageFrom({ p: { a: 3, b: 4 } }), {
    limits: { registeredLimits: { a: 5 }, projectLimits: { p: { b: 0 } } },
    ...quiet,
  });
  assert.deepEqual(await e.calculateUsage("p", ["b", "a"]), {
    b: { limit: 0, usage: 4 },
    a: { limit: 5, usage: 3 },
  });
  assert.deepEqual(await e.getRegisteredLimits(["b", "a"]), [["b", 0], ["a", 5]]);
  assert.deepEqual(await e.getProjectLimits("p", ["b", "a", "c"]), [["b", 0], ["a", 5], ["c", 0]]);
  await assert.rejects(e.calculateUsage("p", []), /non-empty array of resource names/);
});

Deno.test("Enforcer() refuses an unknown model and takes Keystone's spelling", async () => {
  assert.throws(
    () => new Enforcer(() => ({}), { limits: {}, model: "tree" as "flat" }),
    /enforcement model tree is not supported/,
  );
  const e = new Enforcer(() => ({}), { limits: {}, model: "strict_two_level" });
  assert.equal(await e.model(), "strict-two-level");
});

// The spec's diagrams: registered default 10 cores; A is the parent of B and C.
const spec = (proj: Record<string, Record<string, number>> = {}): LimitsData => ({
  model: "strict-two-level",
  registeredLimits: { cores: 10 },
  projectLimits: { A: { cores: 20 }, ...proj },
  parents: { B: "A", C: "A", D: "A" },
});

Deno.test("Enforcer strict-two-level: a parent's limit bounds its whole tree (spec diagrams)", async () => {
  const usage = { A: { cores: 4 }, B: { cores: 8 }, C: { cores: 8 }, D: { cores: 0 } };
  const e = new Enforcer(usageFrom(usage), { limits: spec() });
  assert.equal(await e.model(), "strict-two-level");
  // A claims 2 more: tree usage 20 + 2 > A's 20.
  assert.deepEqual(await overList(e.enforce("A", { cores: 2 })), [
    { resourceName: "cores", limit: 20, currentUsage: 20, delta: 2 },
  ]);
  // D is under its default of 10, but the tree is full: A's limit is named.
  assert.deepEqual(await overList(e.enforce("D", { cores: 2 })), [
    { resourceName: "cores", limit: 20, currentUsage: 20, delta: 2, limitProjectId: "A" },
  ]);
  // B may not go over its own default of 10 even with room in the tree.
  usage.A.cores = 0;
  assert.deepEqual(await overList(e.enforce("B", { cores: 3 })), [
    { resourceName: "cores", limit: 10, currentUsage: 8, delta: 3 },
  ]);
  await e.enforce("B", { cores: 2 });
});

Deno.test("Enforcer strict-two-level: a child's override is still capped by the tree", async () => {
  const usage = { A: { cores: 2 }, B: { cores: 8 }, C: { cores: 6 } };
  const e = new Enforcer(usageFrom(usage), { limits: spec({ B: { cores: 12 } }) });
  await e.enforce("B", { cores: 4 }); // 2 + 8 + 6 + 4 = 20
  usage.B.cores = 12;
  assert.deepEqual(await overList(e.enforce("C", { cores: 2 })), [
    { resourceName: "cores", limit: 20, currentUsage: 20, delta: 2, limitProjectId: "A" },
  ]);
});

Deno.test("Enforcer strict-two-level: domain → project → sub-project checks every level", async () => {
  const limits: LimitsData = {
    model: "strict_two_level",
    registeredLimits: { cores: 100 },
    projectLimits: { dom: { cores: 10 }, P: { cores: 6 } },
    parents: { P: "dom", Q: "dom", P1: "P" },
  };
  const usage = { dom: {}, P: { cores: 1 }, P1: { cores: 4 }, Q: { cores: 3 } };
  const e = new Enforcer(usageFrom(usage), { limits });
  assert.deepEqual(await overList(e.enforce("P1", { cores: 2 })), [
    { resourceName: "cores", limit: 6, currentUsage: 5, delta: 2, limitProjectId: "P" },
  ]);
  await e.enforce("P1", { cores: 1 });
  assert.deepEqual(await overList(e.enforce("Q", { cores: 3 })), [
    { resourceName: "cores", limit: 10, currentUsage: 8, delta: 3, limitProjectId: "dom" },
  ]);
  // null project: registered limits only, as in the flat model.
  await e.enforce(null, { cores: 50 });
});

Deno.test("Enforcer strict-two-level refuses a tree deeper than two levels below its root", async () => {
  const parents = new Map([["d", "c"], ["c", "b"], ["b", "a"]]);
  const src: LimitSource = {
    description: "deep",
    cacheable: false,
    model: () => "strict-two-level",
    registeredLimit: () => 10,
    projectLimit: () => undefined,
    parentOf: (p) => parents.get(p) ?? null,
    childrenOf: () => [],
  };
  const e = new Enforcer(() => ({ x: 0 }), { limits: src });
  await assert.rejects(e.enforce("d", { x: 1 }), (err: unknown) => {
    assert.ok(err instanceof HierarchyError);
    assert.match(err.message, /more than 2 levels below its root \(d → c → b → a\)/);
    return true;
  });
  await e.enforce("c", { x: 1 });
});
