import assert from "node:assert/strict";
import {
  connectTransport,
  MessagingTimeout,
  RPCClient,
  RPCServer,
  type Transport,
} from "../../lib/messaging/mod.ts";
import { natsTest, startLeafTopology, startNatsServer } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";
import { deferred, memoryLog, sleep } from "./_helpers.ts";

/** A server with one slot, blocked by `block` until `gate` opens, recording what ran. */
async function busyServer(t: Transport, topic: string) {
  const gate = deferred();
  const ran: string[] = [];
  const server = new RPCServer(t, { topic, server: "s" }, [{
    async block() {
      await gate.promise;
    },
    note(_c: unknown, a: { tag: string }) {
      ran.push(a.tag);
    },
  }], { executorPoolSize: 1, log: memoryLog() });
  await server.start();
  return { server, gate, ran };
}

natsTest("RPCServer drops a cast whose TTL passed while it queued, and counts it", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  const { server, gate, ran } = await busyServer(t, "ttl1");
  const client = new RPCClient(t, { topic: "ttl1" }, { timeout: 10_000 });
  const blocker = client.call({}, "block");
  await waitFor(() => server.stats().active === 1, { what: "the blocking call" });
  await client.prepare({ ttl: 100 }).cast({}, "note", { tag: "short" });
  await client.prepare({ ttl: 60_000 }).cast({}, "note", { tag: "long" });
  await client.cast({}, "note", { tag: "no-ttl" });
  await sleep(300);
  gate.resolve();
  await blocker;
  await waitFor(() => server.stats().handled === 3, { what: "the queued casts" });
  assert.deepEqual(ran, ["long", "no-ttl"]);
  assert.equal(server.stats().expired, 1);
  await server[Symbol.asyncDispose]();
});

natsTest("RPCServer never runs a call whose caller already timed out", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  const { server, gate, ran } = await busyServer(t, "ttl2");
  const client = new RPCClient(t, { topic: "ttl2" }, { timeout: 10_000 });
  const blocker = client.call({}, "block");
  await waitFor(() => server.stats().active === 1, { what: "the blocking call" });
  await assert.rejects(
    client.prepare({ timeout: 150 }).call({}, "note", { tag: "late" }),
    MessagingTimeout,
  );
  gate.resolve();
  await blocker;
  await waitFor(() => server.stats().expired === 1, { what: "the late call to be dropped" });
  assert.deepEqual(ran, []);
  await server[Symbol.asyncDispose]();
});

natsTest("RPCServer drops casts arriving late over a slow leaf link, runs fresh ones", async () => {
  // Every chunk on the leaf link takes 600 ms each way.
  await using topo = await startLeafTopology({ leaves: 1, linkProxy: { delay: 600 } });
  await using atHub = await connectTransport(topo.hub.url);
  await using atLeaf = await connectTransport((topo.leaves[0] as { url: string }).url);
  const ran: string[] = [];
  await using server = new RPCServer(atHub, { topic: "ttl3", server: "control" }, [{
    note: (_c: unknown, a: { tag: string }) => void ran.push(a.tag),
  }], { pingEnabled: true, log: memoryLog() });
  await server.start();
  const client = new RPCClient(atLeaf, { topic: "ttl3" }, { timeout: 10_000 });
  assert.equal(await client.call({}, "oslo_rpc_server_ping"), "pong");
  await client.prepare({ ttl: 200 }).cast({}, "note", { tag: "stale" });
  await client.prepare({ ttl: 20_000 }).cast({}, "note", { tag: "fresh" });
  await waitFor(() => ran.includes("fresh"), { what: "the fresh cast" });
  await waitFor(() => server.stats().expired === 1, { what: "the stale cast to be dropped" });
  assert.deepEqual(ran, ["fresh"]);
});
