import assert from "node:assert/strict";
import { EdgeAgent } from "../../agent/agent.ts";
import { EdgeControl, edgeControlOptions } from "../../agent/control.ts";
import { ConfigOpts } from "../../lib/config/mod.ts";
import {
  connectTransport,
  JetStream,
  NotificationListener,
  registerMessagingOptions,
  RemoteError,
  RPCClient,
} from "../../lib/messaging/mod.ts";
import { AGENT_TARGET, CONTROL_TARGET } from "../../agent/protocol.ts";
import { natsTest, startLeafTopology } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";

const quiet = () => {};

natsTest("EdgeAgent registers with control and answers its RPCs across the leaf link", async () => {
  await using topo = await startLeafTopology({ leaves: 2, jetstream: true, leafJetstream: true });
  const [leaf1, leaf2] = topo.leaves;
  assert.ok(leaf1 && leaf2);
  await using hub = await connectTransport(topo.hub.url);
  await using edge1 = await connectTransport(leaf1.url);
  await using edge2 = await connectTransport(leaf2.url);
  await using control = new EdgeControl(hub, { log: quiet });
  await control.start();

  const refreshed: unknown[] = [];
  await using a1 = new EdgeAgent(edge1, {
    site: "leaf1",
    log: quiet,
    handlers: {
      policy_cache_refresh: (_c, args) => {
        refreshed.push(args);
        return { rules: 12 };
      },
      config_reload: () => {
        throw new Error("bad config at line 3");
      },
    },
  });
  await using a2 = new EdgeAgent(edge2, { site: "leaf2", log: quiet });
  await a1.start();
  await a2.start();
  await waitFor(() => control.agents().length === 2, { timeout: 20_000, what: "2 registrations" });
  assert.deepEqual(control.agents().map((a) => [a.name, a.site, a.jetstream]).sort(), [
    ["leaf1", "leaf1", true],
    ["leaf2", "leaf2", true],
  ]);
  await waitFor(() => a1.registered && a2.registered, { what: "both acknowledged" });

  const health = await control.call<Record<string, unknown>>("leaf2", "health_report");
  assert.equal(health.agent, "leaf2");
  assert.equal(health.status, "ok");
  assert.equal(health.handled, true);
  assert.deepEqual(
    await control.call("leaf1", "policy_cache_refresh", { project_id: "p1" }),
    { agent: "leaf1", site: "leaf1", action: "policy_cache_refresh", handled: true, rules: 12 },
  );
  assert.deepEqual(refreshed, [{ project_id: "p1" }]);
  // No handler plugged in: a clear answer, not an error.
  const none = await control.call<Record<string, unknown>>("leaf2", "limit_cache_refresh");
  assert.equal(none.handled, false);
  assert.match(String(none.reason), /no limit_cache_refresh handler is plugged into this agent/);
  // Each advertises what it handles; health_report always.
  const methods = Object.fromEntries(control.agents().map((a) => [a.name, a.methods]));
  assert.deepEqual(methods, {
    leaf1: ["health_report", "config_reload", "policy_cache_refresh"],
    leaf2: ["health_report"],
  });
  // A failing handler: the caller gets the error's name and message (as oslo), no stack.
  await assert.rejects(control.call("leaf1", "config_reload"), (e) => {
    assert.ok(e instanceof RemoteError);
    assert.equal(e.excType, "Error");
    assert.equal(e.value, "bad config at line 3");
    assert.equal(e.traceback, undefined);
    return true;
  });
  // Control checks what registers.
  const raw = new RPCClient(hub, CONTROL_TARGET.with({ server: "control" }), { timeout: 10_000 });
  await assert.rejects(
    raw.call({}, "register_agent", { registration: { name: "x", site: 7 } }),
    (e) => {
      assert.ok(e instanceof RemoteError);
      assert.equal(e.excType, "TypeError");
      assert.match(e.value, /Cannot register an agent: field "site"/);
      return true;
    },
  );
  assert.equal(control.agents().length, 2);
  // An agent calls another agent directly, through the hub.
  const peer = new RPCClient(edge2, AGENT_TARGET.with({ server: "leaf1", namespace: undefined }), {
    timeout: 10_000,
  });
  assert.equal(await peer.call({}, "oslo_rpc_server_ping"), "pong");
});

natsTest(
  "EdgeAgent notifications reach control's listener; fanout reaches every agent",
  async () => {
    await using topo = await startLeafTopology({ leaves: 2, jetstream: true, leafJetstream: true });
    await using hub = await connectTransport(topo.hub.url);
    const edges = await Promise.all(topo.leaves.map((l) => connectTransport(l.url)));
    const events: string[] = [];
    await using listener = new NotificationListener(hub, [{ topic: "notifications" }], [{
      info: (_c, publisher, event) => void events.push(`${publisher} ${event}`),
    }], { pool: "control", sourceSites: ["leaf1", "leaf2"], log: quiet });
    await listener.start();
    await using control = new EdgeControl(hub, { log: quiet });
    await control.start();
    const refreshed: string[] = [];
    const agents = edges.map((t, i) =>
      new EdgeAgent(t, {
        site: `leaf${i + 1}`,
        log: quiet,
        handlers: { policy_cache_refresh: () => (refreshed.push(`leaf${i + 1}`), {}) },
      })
    );
    for (const a of agents) await a.start();
    await waitFor(() => control.agents().length === 2, { timeout: 20_000, what: "registrations" });
    await control.call("leaf1", "oslo_rpc_server_ping");
    await control.call("leaf2", "oslo_rpc_server_ping");
    await control.fanout("policy_cache_refresh");
    await waitFor(() => refreshed.length === 2, { what: "the fanout" });
    await waitFor(
      () =>
        [
          "edge-agent.leaf1 edge_agent.start",
          "edge-agent.leaf2 edge_agent.start",
          "edge-agent.leaf1 edge_agent.policy_cache_refresh",
          "edge-agent.leaf2 edge_agent.policy_cache_refresh",
        ].every((e) => events.includes(e)),
      { timeout: 30_000, what: "the agents' notifications at the hub" },
    );
    for (const a of agents) await a.stop();
    for (const t of edges) await t.close();
  },
);

natsTest(
  "EdgeControl with edgeControlOptions() sources source_sites at start, with the stream limits",
  async () => {
    await using topo = await startLeafTopology({ leaves: 1, jetstream: true, leafJetstream: true });
    const conf = registerMessagingOptions(new ConfigOpts());
    await conf.load({
      texts: [{
        name: "control.conf",
        text: "[oslo_messaging_nats]\nsource_sites = leaf1\nnotification_max_age = 3600\n",
      }],
      env: false,
    });
    await using hub = await connectTransport(topo.hub.url);
    await using control = new EdgeControl(hub, { ...edgeControlOptions(conf), log: quiet });
    await control.start();
    const info = (await new JetStream(hub).streamInfo("OSLO_NOTIFICATIONS")) as {
      config: { max_age: number; sources?: { external?: { api: string } }[] };
    };
    // No agent registered: the source comes from the option alone.
    assert.deepEqual(control.agents(), []);
    assert.deepEqual(info.config.sources?.map((s) => s.external?.api), ["$JS.leaf1.API"]);
    assert.equal(info.config.max_age, 3_600_000_000_000);
  },
);
