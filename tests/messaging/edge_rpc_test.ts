import assert from "node:assert/strict";
import {
  connectTransport,
  RPCClient,
  RPCServer,
  type Transport,
  type TransportStatus,
} from "../../lib/messaging/mod.ts";
import { type NatsServer, natsTest, startLeafTopology } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";
import { memoryLog } from "./_helpers.ts";

/** An edge agent: an RPC server on topic `edge_agent` named after itself. */
async function agent(t: Transport, name: string, log: string[]) {
  const server = new RPCServer(t, { topic: "edge_agent", server: name }, [{
    whoami: () => name,
    refresh: (_c: unknown, a: { what: string }) => void log.push(`${name}:${a.what}`),
  }], { pingEnabled: true, log: memoryLog() });
  await server.start();
  return server;
}

natsTest(
  "RPCClient.call() and fanout cast() across leaf links reach one agent or all (3 agents, 2 leaves)",
  async () => {
    await using topo = await startLeafTopology({ leaves: 2 });
    const [leaf1, leaf2] = topo.leaves as [NatsServer, NatsServer];
    await using hub = await connectTransport(topo.hub.url);
    await using edge1 = await connectTransport(leaf1.url);
    await using edge2 = await connectTransport(leaf2.url);
    const log: string[] = [];
    const agents = [
      await agent(edge1, "a1", log),
      await agent(edge1, "a2", log),
      await agent(edge2, "a3", log),
    ];
    const control = new RPCClient(hub, { topic: "edge_agent" }, { timeout: 15_000 });
    // Directed calls cross the leaf links (the call waits for the agents' interest to arrive).
    for (const name of ["a1", "a2", "a3"]) {
      assert.equal(await control.prepare({ server: name }).call({}, "whoami"), name);
    }
    await control.prepare({ fanout: true }).cast({}, "refresh", { what: "policy" });
    await waitFor(() => log.length === 3, { what: "the fanout to reach 3 agents" });
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(log.sort(), ["a1:policy", "a2:policy", "a3:policy"]);
    for (const a of agents) await a[Symbol.asyncDispose]();
  },
);

natsTest(
  "RPCClient.call() from a leaf reaches control; queue calls stay at the local site",
  async () => {
    await using topo = await startLeafTopology({ leaves: 2 });
    const [leaf1, leaf2] = topo.leaves as [NatsServer, NatsServer];
    await using hub = await connectTransport(topo.hub.url);
    await using edge1 = await connectTransport(leaf1.url);
    await using edge2 = await connectTransport(leaf2.url);
    await using control = new RPCServer(hub, { topic: "control", server: "central" }, [{
      register: (_c: unknown, a: { site: string }) => `welcome ${a.site}`,
    }], { log: memoryLog() });
    await control.start();
    const fromEdge = new RPCClient(edge2, { topic: "control" }, { timeout: 15_000 });
    assert.equal(await fromEdge.call({}, "register", { site: "leaf2" }), "welcome leaf2");

    // The same topic served at the hub and at leaf1: leaf1's callers get their local server.
    const here: string[] = [];
    await using local = new RPCServer(edge1, { topic: "cache", server: "leaf1-cache" }, [{
      get: () => void here.push("leaf1"),
    }], { log: memoryLog() });
    await using central = new RPCServer(hub, { topic: "cache", server: "hub-cache" }, [{
      get: () => void here.push("hub"),
    }], { log: memoryLog() });
    await local.start();
    await central.start();
    const atLeaf1 = new RPCClient(edge1, { topic: "cache" }, { timeout: 15_000 });
    for (let i = 0; i < 10; i++) await atLeaf1.call({}, "get");
    assert.deepEqual(here, Array(10).fill("leaf1"));
  },
);

natsTest(
  "RPCServer and RPCClient reconnect by themselves after their leaf node restarts",
  async () => {
    await using topo = await startLeafTopology({ leaves: 1 });
    const leaf = topo.leaves[0];
    assert.ok(leaf);
    await using hub = await connectTransport(topo.hub.url);
    await using edge = await connectTransport(leaf.url);
    const statuses: TransportStatus["type"][] = [];
    edge.onStatus((s) => statuses.push(s.type));
    const log: string[] = [];
    await using server = await agent(edge, "a1", log);
    const control = new RPCClient(hub, { topic: "edge_agent", server: "a1" }, { timeout: 20_000 });
    assert.equal(await control.call({}, "whoami"), "a1");

    await leaf.restart({ kill: true });
    await waitFor(() => edge.state === "connected" && statuses.includes("reconnect"), {
      timeout: 20_000,
      what: "the agent's connection to come back",
    });
    // Same objects, no restart of the server: its subscriptions came back with the connection.
    assert.equal(await control.call({}, "whoami"), "a1");
    assert.ok(statuses.includes("disconnect"));
    const st = server.stats();
    assert.ok(st.reconnects >= 1, `reconnects: ${st.reconnects}`);
    assert.equal(st.connected, true);
  },
);
