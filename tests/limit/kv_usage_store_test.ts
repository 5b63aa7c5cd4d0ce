/**
 * UsageStore on NATS JetStream KV across leaf nodes (real nats-server hub and
 * leaves): the bucket lives in the hub's domain, reached through each leaf.
 */
import assert from "node:assert/strict";
import {
  Enforcer,
  KvUsageBackend,
  ProjectOverLimit,
  type UsageDoc,
  UsageStore,
} from "../../lib/limit/mod.ts";
import { connectTransport, type Transport } from "../../lib/messaging/mod.ts";
import { natsTest, startLeafTopology } from "../_support/nats_server.ts";

const KEY = `u.${btoa("p").replace(/=+$/, "")}`;

async function site(url: string, name: string, limit: number, bucket: string) {
  const transport = await connectTransport(url, { name });
  const backend = await KvUsageBackend.open(transport, { bucket, domain: "hub", history: 64 });
  const store = new UsageStore(backend, { claimTtl: 60_000, opTimeout: 60_000 });
  const enforcer = new Enforcer(store.usageCallback, {
    limits: { registeredLimits: { cores: limit } },
  });
  return { transport, store, enforcer };
}

natsTest(
  "UsageStore on KV: claims at different leaf nodes share one limit at the hub",
  async () => {
    await using topo = await startLeafTopology({ leaves: 2, jetstream: true });
    const a = await site(topo.leaves[0]!.url, "site-a", 3, "usage_small");
    const b = await site(topo.leaves[1]!.url, "site-b", 3, "usage_small");
    try {
      const c1 = await a.store.claim(a.enforcer, "p", { cores: 2 });
      assert.deepEqual(await b.store.usageCallback("p", ["cores"]), { cores: 2 });
      await assert.rejects(b.store.claim(b.enforcer, "p", { cores: 2 }), ProjectOverLimit);
      const c2 = await b.store.claim(b.enforcer, "p", { cores: 1 });
      await b.store.commit(c1.claimId); // any site may commit or release any claim
      await a.store.release(c2.claimId);
      assert.deepEqual(await a.store.usageCallback("p", ["cores"]), { cores: 2 });
      // The bucket is the hub's: a client at the hub sees the same document.
      await using atHub = await connectTransport(topo.hub.url);
      const kv = await atHub.kv("usage_small", { domain: "hub", create: false });
      assert.deepEqual((await kv.get(KEY))?.json<UsageDoc>().used, { p: { cores: 2 } });
    } finally {
      await a.transport.close();
      await b.transport.close();
    }
  },
);

natsTest(
  "UsageStore on KV: 3 leaves × 20 claimers, 10,000 claims, a leaf killed mid-run, never over the limit",
  async () => {
    const LIMIT = 6000, CLAIMS = 10_000, PER_SITE = 20, KILL_AT = 3000;
    await using topo = await startLeafTopology({ leaves: 3, jetstream: true });
    const sites = await Promise.all(
      topo.leaves.map((l, i) => site(l.url, `site-${i + 1}`, LIMIT, "usage_big")),
    );
    // Watch every revision of the document from the hub: usage plus live claims must never pass the limit.
    const hub: Transport = await connectTransport(topo.hub.url);
    const watch = await (await hub.kv("usage_big", { domain: "hub", create: false })).watch({
      key: KEY,
    });
    let revisions = 0, worst = 0;
    const watching = (async () => {
      for await (const e of watch) {
        if (e.operation !== "PUT") continue;
        const doc = e.json<UsageDoc>();
        const reserved = Object.values(doc.claims).reduce((s, c) => s + (c.d.cores ?? 0), 0);
        worst = Math.max(worst, (doc.used.p?.cores ?? 0) + reserved);
        revisions++;
      }
    })();

    let next = 0, committed = 0, rejected = 0;
    const errors: unknown[] = [];
    const afterKill = [0, 0, 0];
    let killed: Promise<void> | undefined;
    let killDone = false;
    const claimer = async (s: number) => {
      const { store, enforcer } = sites[s]!;
      while (next < CLAIMS) {
        const n = next++;
        if (n === KILL_AT) {
          killed = topo.leaves[1]!.restart({ kill: true }).then(() => void (killDone = true));
        }
        try {
          const c = await store.claim(enforcer, "p", { cores: 1 });
          await store.commit(c.claimId);
          committed++;
          if (killDone) afterKill[s]!++;
        } catch (e) {
          if (e instanceof ProjectOverLimit) {
            rejected++;
            // A refusal is an answer read from the hub's document too: the other sites may
            // spend the rest of the limit while this leaf is down.
            if (killDone) afterKill[s]!++;
          } else errors.push(e);
        }
      }
    };
    try {
      await Promise.all(
        sites.flatMap((_, s) => Array.from({ length: PER_SITE }, () => claimer(s))),
      );
      await killed;
      const kv = await hub.kv("usage_big", { domain: "hub", create: false });
      const final = (await kv.get(KEY))!.json<UsageDoc>();
      assert.deepEqual(errors, []);
      assert.equal(committed + rejected, CLAIMS);
      assert.equal(committed, LIMIT, "every unit was claimed exactly once");
      assert.equal(final.used.p?.cores, committed, "usage equals the successful claims");
      assert.deepEqual(final.claims, {}, "no reservation left behind");
      assert.equal(topo.leaves[1]!.starts, 2, "leaf2 was killed and restarted");
      assert.ok(
        afterKill[1]! > 0,
        "claimers at the killed leaf were answered again after it came back",
      );
      // Let the watcher catch up, then check it saw no revision over the limit.
      const last = (await kv.get(KEY))!.revision;
      const deadline = Date.now() + 10_000;
      while (revisions < last && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(worst <= LIMIT, `a revision held ${worst} > ${LIMIT}`);
      assert.ok(revisions > 100, `the watcher saw only ${revisions} revisions`);
      console.log(
        `claims: ${committed} committed, ${rejected} refused; ${revisions} revisions watched (last ${last}), highest usage+reserved ${worst}; after the kill: ${
          afterKill.join("/")
        }`,
      );
    } finally {
      watch.stop();
      await watching.catch(() => {});
      await hub.close();
      for (const s of sites) await s.transport.close();
    }
  },
);

natsTest(
  "UsageStore on KV: 15 claimers with their own connections race on one key, never over the limit",
  async () => {
    const LIMIT = 300, CLAIMS = 600;
    await using topo = await startLeafTopology({ leaves: 3, jetstream: true });
    const claimers = await Promise.all(
      Array.from(
        { length: 15 },
        (_, i) => site(topo.leaves[i % 3]!.url, `claimer-${i}`, LIMIT, "usage_race"),
      ),
    );
    let next = 0, committed = 0, rejected = 0;
    try {
      await Promise.all(claimers.map(async ({ store, enforcer }) => {
        while (next++ < CLAIMS) {
          try {
            await store.commit((await store.claim(enforcer, "p", { cores: 1 })).claimId);
            committed++;
          } catch (e) {
            if (!(e instanceof ProjectOverLimit)) throw e;
            rejected++;
          }
        }
      }));
      const final = await claimers[0]!.store.usageCallback("p", ["cores"]);
      assert.equal(committed, LIMIT);
      assert.equal(rejected, CLAIMS - LIMIT);
      assert.deepEqual(final, { cores: LIMIT });
    } finally {
      for (const c of claimers) await c.transport.close();
    }
  },
);

natsTest(
  "UsageStore on KV: flat keeps a domain's projects under their own keys, strict-two-level one key per tree",
  async () => {
    await using topo = await startLeafTopology({ leaves: 1, jetstream: true });
    await using transport = await connectTransport(topo.leaves[0]!.url);
    const keysAfter = async (bucket: string, model: "flat" | "strict-two-level") => {
      const backend = await KvUsageBackend.open(transport, { bucket, domain: "hub" });
      const ref: { enforcer?: Enforcer } = {};
      const store = new UsageStore(backend, { scopeOf: (p) => ref.enforcer!.usageScope(p) });
      const enforcer = ref.enforcer = new Enforcer(store.usageCallback, {
        limits: {
          model,
          registeredLimits: { cores: 10 },
          projectLimits: { dom: { cores: 10 } },
          parents: { a: "dom", b: "dom" },
        },
        treeUsage: store.treeUsage,
      });
      await store.commit((await store.claim(enforcer, "a", { cores: 2 })).claimId);
      await store.commit((await store.claim(enforcer, "b", { cores: 3 })).claimId);
      const kv = await transport.kv(bucket, { domain: "hub", create: false });
      const keys = (await kv.keys()).sort();
      const docs = Object.fromEntries(
        await Promise.all(keys.map(async (k) => [k, (await kv.get(k))!.json<UsageDoc>().used])),
      );
      return { keys, docs };
    };
    const key = (kind: "u" | "t", id: string) => `${kind}.${btoa(id).replace(/=+$/, "")}`;
    // Flat: two documents, two compare-and-set points; the domain has none.
    const flat = await keysAfter("usage_flat", "flat");
    assert.deepEqual(flat.keys, [key("u", "a"), key("u", "b")].sort());
    assert.deepEqual(flat.docs[key("u", "a")], { a: { cores: 2 } });
    assert.deepEqual(flat.docs[key("u", "b")], { b: { cores: 3 } });
    // strict-two-level: the tree's usage in one document (the projects' keys only point at it).
    const strict = await keysAfter("usage_strict", "strict-two-level");
    assert.deepEqual(strict.keys, [key("t", "dom"), key("u", "a"), key("u", "b")].sort());
    assert.deepEqual(strict.docs[key("t", "dom")], { a: { cores: 2 }, b: { cores: 3 } });
    assert.deepEqual(strict.docs[key("u", "a")], {});
  },
);
