/**
 * The `nats` backend as the service wires it: the service's own connection
 * when it joins its site, `nats_url` defaulting to the service's URL, a
 * refusal at start-up when there is nothing to check, and
 * `oslo_edge_nats_connected` following a connection that never came up.
 */
import assert from "node:assert/strict";
import { createService, StartupError } from "../../functions/service.ts";
import { connectTransport } from "../../lib/messaging/mod.ts";
import { natsTest, startNatsServer } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";
import { parseSamples, sampleValue } from "./_prometheus.ts";
import { freePorts } from "./_servers.ts";

const DETAILED = {
  OS_HEALTHCHECK__BACKENDS: "nats",
  OS_HEALTHCHECK__DETAILED: "true",
  OS_HEALTHCHECK__CHECK_INTERVAL: "0.2",
  OS_HEALTHCHECK__CHECK_TIMEOUT: "1",
};

type Service = Awaited<ReturnType<typeof createService>>;

async function natsReason(
  service: Service,
): Promise<{ status: number; reason: string; details: string }> {
  const res = await service.app.request("/healthcheck", {
    headers: { Accept: "application/json" },
  });
  const body = await res.json();
  return { status: res.status, reason: body.reasons[0].reason, details: body.reasons[0].details };
}

async function connz(monitorUrl: string): Promise<string[]> {
  const z = await (await fetch(`${monitorUrl}/connz`)).json();
  return (z.connections ?? []).map((c: { name?: string }) => c.name ?? "");
}

Deno.test("createService() refuses the nats backend without nats_url or a service connection", async () => {
  await assert.rejects(
    createService({ args: ["--dev"], env: { OS_HEALTHCHECK__BACKENDS: "config,nats" } }),
    (e: unknown) => {
      assert.ok(e instanceof StartupError, String(e));
      assert.match(e.message, /Cannot use backend "nats" without \[healthcheck\] nats_url/);
      assert.match(e.message, /--site and --nats/);
      return true;
    },
  );
});

natsTest("createService() nats backend: nats_url defaults to the service's URL", async () => {
  await using server = await startNatsServer();
  const service = await createService({
    args: ["--dev"],
    env: DETAILED,
    nats: () => ({ url: server.url, joinsSite: false }),
  });
  try {
    const r = await natsReason(service);
    assert.equal(r.status, 200);
    assert.match(r.details, new RegExp(`^Connected to 127\\.0\\.0\\.1:${server.port}`));
    assert.ok((await connz(server.monitorUrl)).includes("oslo-edge-health"));
  } finally {
    await service.close();
  }
});

natsTest(
  "createService() joined to a site: the nats backend checks the site connection",
  async () => {
    await using server = await startNatsServer();
    const service = await createService({
      args: ["--dev"],
      env: DETAILED,
      nats: () => ({ url: server.url, joinsSite: true }),
    });
    try {
      const waiting = await natsReason(service);
      assert.equal(waiting.status, 503);
      assert.equal(waiting.reason, "NATS UNAVAILABLE");
      assert.equal(waiting.details, "Waiting for the service's connection to its site");

      const site = await connectTransport(server.url, { name: "edge-agent.s1" });
      service.siteHooks.onTransport(site);
      await waitFor(async () => (await natsReason(service)).status === 200, { what: "nats OK" });
      assert.deepEqual(await connz(server.monitorUrl), ["edge-agent.s1"], "no second connection");
      site.publish("wiring.test", "hello");
      await site.flush();
      let s = parseSamples(await (await service.app.request("/metrics")).text());
      assert.equal(sampleValue(s, "oslo_edge_nats_connected"), 1);
      assert.ok(sampleValue(s, "oslo_edge_nats_messages_total", { direction: "out" })! >= 1);

      // It is the site connection that is checked: closing it is seen at once.
      await site.close();
      await waitFor(async () => (await natsReason(service)).status === 503, { what: "nats down" });
      assert.equal((await natsReason(service)).details, "The NATS connection is closed");
      s = parseSamples(await (await service.app.request("/metrics")).text());
      assert.equal(sampleValue(s, "oslo_edge_nats_connected"), 0);
    } finally {
      await service.close();
    }
  },
);

Deno.test("oslo_edge_nats_connected is 0 when the first connection fails", async () => {
  const [port] = freePorts(1);
  const service = await createService({
    args: ["--dev"],
    env: { ...DETAILED, OS_HEALTHCHECK__NATS_URL: `nats://127.0.0.1:${port}` },
  });
  try {
    const r = await natsReason(service);
    assert.equal(r.status, 503);
    assert.equal(r.reason, "NATS UNAVAILABLE");
    const s = parseSamples(await (await service.app.request("/metrics")).text());
    assert.equal(sampleValue(s, "oslo_edge_nats_connected"), 0);
    assert.equal(sampleValue(s, "oslo_edge_health_check_up", { check: "nats" }), 0);
  } finally {
    await service.close();
  }
});
