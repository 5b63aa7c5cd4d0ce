import assert from "node:assert/strict";
import { connectTransport, NoRespondersError, type Transport } from "../../lib/messaging/mod.ts";
import { natsTest, startLeafTopology, startNatsServer } from "./nats_server.ts";
import { waitFor } from "./wait.ts";

/** Requests until the subscriber's interest has crossed the leaf link. */
function requestAcross(t: Transport, subject: string, data: string) {
  return waitFor(async () => {
    try {
      return await t.request(subject, data, { timeout: 1000 });
    } catch (e) {
      if (e instanceof NoRespondersError) return undefined;
      throw e;
    }
  }, { what: `a reply on ${subject}` });
}

natsTest("startNatsServer() serves requests on a free loopback port", async () => {
  await using server = await startNatsServer();
  assert.ok(server.port > 0 && server.port !== 4222);
  assert.ok(server.pid);
  await using t = await connectTransport(server.url);
  t.subscribe("echo", (m) => void m.respond(`echo:${m.string()}`));
  const reply = await t.request("echo", "hi", { timeout: 2000 });
  assert.equal(reply.string(), "echo:hi");
});

natsTest("startNatsServer() stops the process by PID when disposed", async () => {
  let pid: number | undefined;
  let port = 0;
  {
    await using server = await startNatsServer();
    pid = server.pid;
    port = server.port;
  }
  assert.ok(pid);
  await assert.rejects(
    Deno.connect({ hostname: "127.0.0.1", port }),
    Deno.errors.ConnectionRefused,
  );
});

natsTest("startNatsServer() with JetStream gives a working KV bucket", async () => {
  await using server = await startNatsServer({ jetstream: true });
  await using t = await connectTransport(server.url);
  const kv = await t.kv("harness");
  const rev = await kv.create("k", "v1");
  assert.equal((await kv.get("k"))?.string(), "v1");
  assert.equal(await kv.update("k", "v2", rev), rev + 1);
});

natsTest("startLeafTopology() carries a request hub → leaf and leaf → hub", async () => {
  await using topo = await startLeafTopology({ leaves: 2, jetstream: true });
  const leafz = await topo.hub.monitor("leafz");
  assert.equal(leafz.leafnodes, 2);

  await using atHub = await connectTransport(topo.hub.url);
  await using atLeaf = await connectTransport((topo.leaves[1] as { url: string }).url);
  atLeaf.subscribe("edge.ping", (m) => void m.respond(`leaf2:${m.string()}`));
  atHub.subscribe("control.ping", (m) => void m.respond(`hub:${m.string()}`));

  assert.equal((await requestAcross(atHub, "edge.ping", "a")).string(), "leaf2:a");
  assert.equal((await requestAcross(atLeaf, "control.ping", "b")).string(), "hub:b");
});

natsTest("startLeafTopology() leaf killed and restarted reconnects link and clients", async () => {
  await using topo = await startLeafTopology({ leaves: 1 });
  const leaf = topo.leaves[0];
  assert.ok(leaf);
  await using atHub = await connectTransport(topo.hub.url);
  await using atLeaf = await connectTransport(leaf.url);
  const events: string[] = [];
  atLeaf.onStatus((s) => events.push(s.type));
  atLeaf.subscribe("edge.ping", (m) => void m.respond("pong"));
  assert.equal((await requestAcross(atHub, "edge.ping", "1")).string(), "pong");

  const oldPid = leaf.pid;
  await leaf.restart({ kill: true });
  assert.notEqual(leaf.pid, oldPid);
  await topo.waitForLeafLinks();
  await waitFor(() => events.includes("reconnect"), { what: "the leaf client to reconnect" });
  // The subscription is re-sent on reconnect and its interest crosses the new link.
  assert.equal((await requestAcross(atHub, "edge.ping", "2")).string(), "pong");
  assert.ok(events.includes("disconnect"));
});
