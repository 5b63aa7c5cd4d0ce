import assert from "node:assert/strict";
import {
  connectTransport,
  JetStream,
  NotificationListener,
  Notifier,
  type Transport,
} from "../../lib/messaging/mod.ts";
import { type LeafTopology, natsTest, startLeafTopology } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";
import { memoryLog, sleep } from "./_helpers.ts";

/** A hub listener counting deliveries per message id, per endpoint. */
async function hubListener(hub: Transport, sourceSites: string[]) {
  const seen = new Map<string, number>();
  const listener = new NotificationListener(hub, [{ topic: "notifications" }], [{
    info: (_c, _p, _e, payload) => {
      const key = String((payload as { n: number }).n);
      seen.set(key, (seen.get(key) ?? 0) + 1);
    },
  }], { pool: "control", sourceSites, log: memoryLog() });
  await listener.start();
  return { listener, seen };
}

/** Emits notifications `from`..`from + count - 1` from `site`, one every `every` ms. */
async function emit(edge: Transport, site: string, from: number, count: number, every = 5) {
  const notifier = new Notifier(edge, {
    publisherId: `agent.${site}`,
    site,
    publishTimeout: 1000,
    log: memoryLog(),
  });
  const sends: Promise<boolean>[] = [];
  for (let n = from; n < from + count; n++) {
    sends.push(notifier.info({}, "agent.tick", { n }));
    await sleep(every);
  }
  assert.deepEqual(new Set(await Promise.all(sends)), new Set([true]));
  return notifier;
}

async function hubStreamCount(hub: Transport): Promise<number> {
  const info = await new JetStream(hub).streamInfo("OSLO_NOTIFICATIONS") as {
    state: { messages: number };
  };
  return info.state.messages;
}

function assertEachOnce(seen: Map<string, number>, count: number) {
  assert.equal(seen.size, count, `received ${seen.size} of ${count}`);
  const twice = [...seen].filter(([, n]) => n !== 1);
  assert.deepEqual(twice, [], "delivered more than once");
}

async function topology(linkProxy = false): Promise<LeafTopology> {
  return await startLeafTopology({ leaves: 1, jetstream: true, leafJetstream: true, linkProxy });
}

natsTest(
  "NotificationListener() at the hub gets every notification of a leaf killed and restarted mid-stream, once",
  async () => {
    await using topo = await topology();
    const leaf = topo.leaves[0];
    assert.ok(leaf);
    await using hub = await connectTransport(topo.hub.url);
    await using edge = await connectTransport(leaf.url);
    const { listener, seen } = await hubListener(hub, ["leaf1"]);
    const N = 120;
    const emitting = emit(edge, "leaf1", 0, N, 15);
    await waitFor(() => seen.size >= 20, { timeout: 30_000, what: "the first deliveries" });
    await leaf.restart({ kill: true }); // SIGKILL mid-stream, same ports and store
    const notifier = await emitting;
    await waitFor(() => seen.size === N, {
      timeout: 60_000,
      what: `all ${N} notifications at the hub`,
    });
    await sleep(500);
    assertEachOnce(seen, N);
    assert.equal(await hubStreamCount(hub), N);
    assert.equal(notifier.stats().failed, 0);
    assert.ok(notifier.stats().reconnects >= 1);
    await listener[Symbol.asyncDispose]();
  },
);

natsTest(
  "NotificationListener() gets what a site emitted while its link was cut; drops the expired",
  async () => {
    await using topo = await topology(true);
    const leaf = topo.leaves[0];
    const link = topo.links[0];
    assert.ok(leaf && link);
    await using hub = await connectTransport(topo.hub.url);
    await using edge = await connectTransport(leaf.url);
    const { listener, seen } = await hubListener(hub, ["leaf1"]);
    const before = await emit(edge, "leaf1", 0, 10);
    await waitFor(() => seen.size === 10, { timeout: 30_000, what: "deliveries before the cut" });

    link.cut();
    await waitFor(async () => Number((await topo.hub.monitor("leafz")).leafnodes) === 0, {
      what: "the hub to see the link down",
    });
    // The edge site keeps working: its own JetStream stores what it emits.
    await emit(edge, "leaf1", 10, 30);
    const shortLived = before.prepare({ ttl: 300 });
    for (let n = 1000; n < 1005; n++) {
      assert.equal(await shortLived.info({}, "agent.tick", { n }), true);
    }
    await sleep(800); // the short-lived ones expire while the link is down
    assert.equal(seen.size, 10);
    link.restore();
    await topo.waitForLeafLinks();
    await waitFor(() => seen.size === 40 && listener.stats().expired === 5, {
      timeout: 60_000,
      what: "the 30 stored during the cut, and the 5 expired dropped",
    });
    await sleep(500);
    // The 30 arrived late but within their TTL (none); the 5 expired were never delivered.
    const ids = [...seen.keys()].map(Number);
    assert.ok(ids.every((n) => n < 1000));
    assert.equal(seen.size, 40);
    assert.ok([...seen.values()].every((c) => c === 1));
    await listener[Symbol.asyncDispose]();
  },
);

natsTest("NotificationListener() carries on by itself after the hub restarts", async () => {
  await using topo = await topology();
  const leaf = topo.leaves[0];
  assert.ok(leaf);
  await using hub = await connectTransport(topo.hub.url);
  await using edge = await connectTransport(leaf.url);
  const { listener, seen } = await hubListener(hub, ["leaf1"]);
  await emit(edge, "leaf1", 0, 10);
  await waitFor(() => seen.size === 10, { timeout: 30_000, what: "the first 10" });
  await topo.hub.restart({ kill: true });
  await topo.waitForLeafLinks();
  await waitFor(() => hub.state === "connected", { timeout: 20_000, what: "hub reconnect" });
  const notifier = await emit(edge, "leaf1", 10, 10);
  assert.equal(notifier.stats().failed, 0);
  await waitFor(() => seen.size === 20, { timeout: 60_000, what: "the 10 sent after the restart" });
  assertEachOnce(seen, 20);
  assert.ok(listener.stats().reconnects >= 1);
  await listener[Symbol.asyncDispose]();
});

natsTest(
  "NotificationListener() started while a leaf is unreachable sources it once its link is back",
  async () => {
    await using topo = await topology(true);
    const leaf = topo.leaves[0];
    const link = topo.links[0];
    assert.ok(leaf && link);
    await using hub = await connectTransport(topo.hub.url);
    await using edge = await connectTransport(leaf.url);
    // The hub's own notifications first, with a listener that knows no leaf yet.
    const seen = new Map<string, number>();
    const log = memoryLog();
    const endpoint = {
      info: (_c: unknown, _p: unknown, _e: unknown, payload: unknown) => {
        const key = String((payload as { n: number }).n);
        seen.set(key, (seen.get(key) ?? 0) + 1);
      },
    };
    const options = { pool: "control", log, sourceRetry: 300 };
    const first = new NotificationListener(hub, [{ topic: "notifications" }], [endpoint], options);
    await first.start();
    await emit(hub, "hub", 0, 5);
    await waitFor(() => seen.size === 5, { what: "the hub's own 5" });
    await first[Symbol.asyncDispose]();

    link.cut();
    await waitFor(async () => Number((await topo.hub.monitor("leafz")).leafnodes) === 0, {
      what: "the link down",
    });
    await emit(edge, "leaf1", 100, 10); // stored at the leaf only
    await emit(hub, "hub", 5, 5); // stored at the hub while no listener runs
    const again = new NotificationListener(hub, [{ topic: "notifications" }], [endpoint], {
      ...options,
      sourceSites: ["leaf1"],
    });
    await again.start(); // leaf1 cannot be reached: a warning, and retries
    assert.ok(
      log.lines.some((l) => /Cannot source notifications from "leaf1" yet/.test(l.message)),
    );
    await waitFor(() => seen.size === 10, { what: "the hub's 5 sent meanwhile" });
    link.restore();
    await waitFor(() => seen.size === 20, { timeout: 60_000, what: "the leaf's 10 once sourced" });
    await sleep(300);
    assertEachOnce(seen, 20);
    await again[Symbol.asyncDispose]();
  },
);
