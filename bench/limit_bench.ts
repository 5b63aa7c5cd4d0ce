/**
 * `deno task bench:limit`: lib/limit's speed beside its baselines, measured in
 * the same run.
 *
 * 1. In-process `enforce` with 1 and 10 resources (every limit a project
 *    limit, usage from a synchronous callback) vs oslo.limit 2.0.1's cached
 *    path (bench/oslo_limit_bench.py with /usr/bin/python3, LimitFixture).
 *    Target (issue 5): at least 4× faster than oslo.limit's cached path, with
 *    1 and 10 resources, through the enforcer's cache as oslo.limit's is.
 * 2. Distributed claims (claim + commit) through a leaf node against one
 *    limit on the hub's KV bucket, vs bare KV compare-and-set writes through
 *    the same leaf; oversubscription counted (must be 0).
 *
 * @module
 */
import {
  Enforcer,
  KvUsageBackend,
  type LimitSource,
  ProjectOverLimit,
  UsageStore,
} from "../lib/limit/mod.ts";
import { connectTransport } from "../lib/messaging/mod.ts";
import { startLeafTopology } from "../tests/_support/nats_server.ts";

const fmt = (n: number, d = 2) => n.toFixed(d).padStart(9);

function limitsFor(n: number) {
  const names = Array.from({ length: n }, (_, i) => `r${i}`);
  return {
    names,
    data: {
      registeredLimits: Object.fromEntries(names.map((r) => [r, 1000])),
      projectLimits: { p: Object.fromEntries(names.map((r) => [r, 100])) },
    },
  };
}

/** Microseconds per enforce() over `iterations` calls, after a warm-up. */
async function perCall(enforcer: Enforcer, deltas: Record<string, number>, iterations: number) {
  for (let i = 0; i < 20_000; i++) await enforcer.enforce("p", deltas);
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await enforcer.enforce("p", deltas);
  return (performance.now() - t0) * 1000 / iterations;
}

/** A source that answers like Keystone would, so every lookup goes through the enforcer's cache. */
function cacheable(data: ReturnType<typeof limitsFor>["data"]): LimitSource {
  return {
    description: "cacheable",
    cacheable: true,
    model: () => "flat",
    registeredLimit: (r) => Promise.resolve(data.registeredLimits[r]),
    projectLimit: (p, r) =>
      Promise.resolve((data.projectLimits as Record<string, Record<string, number>>)[p]?.[r]),
    parentOf: () => null,
    childrenOf: () => [],
  };
}

async function oslo(iterations: number): Promise<Record<string, number>> {
  const script = new URL("./oslo_limit_bench.py", import.meta.url).pathname;
  const out = await new Deno.Command("/usr/bin/python3", { args: [script, String(iterations)] })
    .output();
  if (!out.success) {
    throw new Error(`oslo.limit baseline failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** Ratio of oslo.limit's µs per call to lib/limit's cached path's, per resource count. */
async function inProcess(): Promise<Map<number, number>> {
  const theirs = await oslo(50_000);
  const ratios = new Map<number, number>();
  console.log("enforce() in process, µs per call (lower is better)");
  console.log("resources   oslo.limit 2.0.1   lib/limit static   ratio   lib/limit cached   ratio");
  for (const n of [1, 10]) {
    const { names, data } = limitsFor(n);
    const usage = Object.fromEntries(names.map((r) => [r, 10]));
    const deltas = Object.fromEntries(names.map((r) => [r, 1]));
    const iterations = n === 1 ? 500_000 : 200_000;
    const ours = await perCall(new Enforcer(() => usage, { limits: data }), deltas, iterations);
    const cached = await perCall(
      new Enforcer(() => usage, { limits: cacheable(data) }),
      deltas,
      iterations,
    );
    const base = theirs[String(n)]!;
    ratios.set(n, base / cached);
    console.log(
      `${String(n).padStart(9)}   ${fmt(base)}          ${fmt(ours)}        ${
        fmt(base / ours, 1)
      }×  ${fmt(cached)}        ${fmt(base / cached, 1)}×`,
    );
  }
  return ratios;
}

/** Claims per second and oversubscription through a leaf node. */
async function distributed(): Promise<{ over: number }> {
  const LIMIT = 3000, CLAIMS = 4000, CLAIMERS = 20, RAW = 2000;
  await using topo = await startLeafTopology({ leaves: 1, jetstream: true });
  await using leaf = await connectTransport(topo.leaves[0]!.url);
  // Baseline: bare KV compare-and-set writes through the leaf, one at a time.
  const kv = await leaf.kv("bench_raw", { domain: "hub", history: 1 });
  let rev = await kv.put("k", "0");
  let t0 = performance.now();
  for (let i = 0; i < RAW; i++) rev = await kv.update("k", String(i), rev);
  const rawPerSec = RAW / ((performance.now() - t0) / 1000);

  const run = async (claimers: number, bucket: string) => {
    const store = new UsageStore(await KvUsageBackend.open(leaf, { bucket, domain: "hub" }));
    const enforcer = new Enforcer(store.usageCallback, {
      limits: { registeredLimits: { cores: LIMIT } },
    });
    let next = 0, ok = 0, refused = 0;
    t0 = performance.now();
    await Promise.all(Array.from({ length: claimers }, async () => {
      while (next++ < CLAIMS) {
        try {
          await store.commit((await store.claim(enforcer, "p", { cores: 1 })).claimId);
          ok++;
        } catch (e) {
          if (!(e instanceof ProjectOverLimit)) throw e;
          refused++;
        }
      }
    }));
    const secs = (performance.now() - t0) / 1000;
    const used = (await store.usageCallback("p", ["cores"])).cores!;
    return {
      perSec: ok / secs,
      attempts: CLAIMS / secs,
      ok,
      refused,
      used,
      over: Math.max(0, used - LIMIT),
    };
  };
  const one = await run(1, "bench_usage_1");
  const many = await run(CLAIMERS, "bench_usage_20");
  console.log("\nclaims through a leaf node, one limit at the hub (higher is better)");
  console.log(`bare KV CAS writes through the leaf (1 writer):      ${fmt(rawPerSec, 0)} /s`);
  for (const [label, r] of [["1 claimer ", one], [`${CLAIMERS} claimers`, many]] as const) {
    console.log(
      `claim+commit, ${label}: ${fmt(r.perSec, 0)} committed claims/s (${
        fmt(r.perSec / rawPerSec, 2)
      }× bare CAS), ${fmt(r.attempts, 0)} attempts/s; ` +
        `${r.ok} committed, ${r.refused} refused, usage ${r.used}/${LIMIT}, oversubscription ${r.over}`,
    );
    if (r.over !== 0 || r.used !== r.ok) throw new Error("oversubscribed or miscounted");
  }
  return { over: one.over + many.over };
}

const ratios = await inProcess();
const claims = await distributed();
const fast = [...ratios].map(([n, r]) => `${n} resource${n === 1 ? "" : "s"} ${r.toFixed(1)}×`);
console.log(
  `\ntargets: enforce ≥ 4× faster than oslo.limit's cached path (${fast.join(", ")}): ${
    [...ratios.values()].every((r) => r >= 4) ? "met" : "NOT met"
  }; distributed claims with 0 oversubscription: ${claims.over === 0 ? "met" : "NOT met"}`,
);
