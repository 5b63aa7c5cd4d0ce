/**
 * End to end: `functions/serve.ts --site` joined to a real leaf node, control
 * on the hub calling the instance's agent, then the instance's `/metrics`
 * shows the messaging series with values and its nats check watches the
 * site connection (no second connection).
 */
import assert from "node:assert/strict";
import { EdgeControl } from "../../agent/control.ts";
import { connectTransport } from "../../lib/messaging/mod.ts";
import { natsTest, startLeafTopology } from "../_support/nats_server.ts";
import { startServe } from "../_support/serve_process.ts";
import { waitFor } from "../_support/wait.ts";
import { parseSamples, type Sample, sampleValue } from "./_prometheus.ts";

function total(samples: readonly Sample[], name: string, labels: Record<string, string>): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

natsTest("serve.ts --site feeds the RPC and NATS series of /metrics", async () => {
  await using topo = await startLeafTopology({ leaves: 1, jetstream: true, leafJetstream: true });
  const leaf = topo.leaves[0]!;
  await using hub = await connectTransport(topo.hub.url);
  await using control = new EdgeControl(hub, { log: () => {} });
  await control.start();
  await using srv = await startServe(
    ["--dev", "--site", "leaf1", "--nats", leaf.url, "--announce_interval", "1"],
    { env: { OS_HEALTHCHECK__BACKENDS: "nats,config", OS_HEALTHCHECK__DETAILED: "true" } },
  );
  const port = srv.port;
  try {
    await waitFor(() => control.agents().some((a) => a.name === "leaf1"), {
      timeout: 30_000,
      what: "the instance to register as agent leaf1",
    });
    const report = await control.call<{ service: { ready: boolean; checks: string[] } }>(
      "leaf1",
      "health_report",
    );
    assert.deepEqual(report.service.checks, ["[+]nats ok", "[+]config ok"]);

    const scrape = async () =>
      parseSamples(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    const server = {
      topic: "edge_agent",
      server: "leaf1",
      method: "health_report",
      exchange: "openstack",
      endpoint: "None",
      process: "",
    };
    let s: Sample[] = [];
    await waitFor(async () => {
      s = await scrape();
      return total(s, "oslo_messaging_rpc_server_invocation_end_total", server) === 1;
    }, { what: "the health_report call counted" });
    assert.equal(total(s, "oslo_messaging_rpc_server_invocation_start_total", server), 1);
    assert.equal(total(s, "oslo_messaging_rpc_server_processing_seconds_count", server), 1);
    assert.equal(total(s, "oslo_messaging_rpc_server_exception_total", server), 0);
    // The agent's own calls to control (register_agent, every second here).
    const client = { method: "register_agent", call_type: "call", topic: "edge_control" };
    await waitFor(async () => {
      s = await scrape();
      return total(s, "oslo_messaging_rpc_client_invocation_end_total", client) >= 1;
    }, { what: "a register_agent call counted" });
    assert.ok(total(s, "oslo_messaging_rpc_client_processing_seconds_count", client) >= 1);

    assert.ok(sampleValue(s, "oslo_edge_nats_messages_total", { direction: "in" })! >= 2);
    assert.ok(sampleValue(s, "oslo_edge_nats_messages_total", { direction: "out" })! >= 2);
    assert.ok(sampleValue(s, "oslo_edge_nats_bytes_total", { direction: "out" })! > 100);
    assert.equal(sampleValue(s, "oslo_edge_nats_reconnects_total"), 0);
    assert.equal(sampleValue(s, "oslo_edge_nats_connected"), 1);

    // The nats check watches the site connection: its details name the leaf, and the
    // leaf sees one connection from the instance.
    const health = await (await fetch(`http://127.0.0.1:${port}/healthcheck`, {
      headers: { Accept: "application/json" },
    })).json();
    assert.match(
      health.reasons[0].details,
      new RegExp(`^Connected to 127\\.0\\.0\\.1:${leaf.port}, round trip`),
    );
    const connz = await leaf.monitor("connz");
    const names = (connz.connections as { name?: string }[]).map((c) => c.name ?? "");
    assert.deepEqual(names.filter((n) => n !== "edge-control"), ["edge-agent.leaf1"]);
    s = await scrape();
    assert.equal(sampleValue(s, "oslo_edge_health_check_up", { check: "nats" }), 1);
  } finally {
    await srv.stop();
  }
});
