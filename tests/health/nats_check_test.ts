import assert from "node:assert/strict";
import { connectTransport } from "../../lib/messaging/mod.ts";
import { type HealthcheckResult, natsCheck, resultFor } from "../../lib/health/mod.ts";
import { createService } from "../../functions/service.ts";
import { natsTest, startNatsServer } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";

const probe = async (p: ReturnType<typeof natsCheck>): Promise<HealthcheckResult> =>
  resultFor(await p.probe(AbortSignal.timeout(10_000)), 0);

natsTest("natsCheck() reports the round trip, the server killed, and the reconnect", async () => {
  await using server = await startNatsServer();
  const rtts: number[] = [];
  const statuses: string[] = [];
  const plugin = natsCheck({
    connect: () => connectTransport(server.url, { reconnectTimeWait: 100 }),
    onRtt: (ms) => rtts.push(ms),
    onStatus: (s) => statuses.push(s.type),
  });
  try {
    const up = await probe(plugin);
    assert.equal(up.available, true);
    assert.equal(up.reason, "OK");
    assert.match(
      up.details!,
      new RegExp(
        `^Connected to 127\\.0\\.0\\.1:${server.port}, round trip \\d+\\.\\d\\d ms, 0 reconnects$`,
      ),
    );
    assert.equal(rtts.length, 1);
    assert.ok(rtts[0]! >= 0);

    await server.stop({ kill: true });
    await waitFor(() => statuses.includes("disconnect"), { what: "disconnect event" });
    const down = await probe(plugin);
    assert.equal(down.available, false);
    assert.equal(down.reason, "NATS DISCONNECTED");
    assert.match(down.details!, /^Disconnected since \d{4}-.*; reconnecting$/);

    await server.start();
    await waitFor(async () => (await probe(plugin)).available, {
      what: "NATS back",
      timeout: 20_000,
    });
    const back = await probe(plugin);
    assert.match(back.details!, /1 reconnect$/);
    assert.ok(statuses.includes("reconnect"));
  } finally {
    await plugin.close?.();
  }
});

natsTest("natsCheck() watches a shared connection without closing it", async () => {
  await using server = await startNatsServer();
  await using transport = await connectTransport(server.url);
  const plugin = natsCheck({ transport });
  assert.equal((await probe(plugin)).reason, "OK");
  await plugin.close?.();
  assert.equal(transport.closed, false);
  await transport.close();
  const closed = await probe(natsCheck({ transport }));
  assert.deepEqual(closed, {
    available: false,
    reason: "NATS UNAVAILABLE",
    details: "The NATS connection is closed",
  });
});

Deno.test("natsCheck() with no server: unavailable, password kept out of the message", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const plugin = natsCheck({
    connect: () => connectTransport(`nats://edge:s3cr3t@127.0.0.1:${port}`, { timeout: 1000 }),
  });
  const r = await probe(plugin);
  await plugin.close?.();
  assert.equal(r.available, false);
  assert.equal(r.reason, "NATS UNAVAILABLE");
  assert.match(r.details!, new RegExp(`127\\.0\\.0\\.1:${port}`));
  assert.doesNotMatch(r.details!, /s3cr3t/);
});

natsTest("the service's /healthcheck follows NATS going away and coming back", async () => {
  await using server = await startNatsServer();
  const service = await createService({
    args: ["--dev"],
    env: {
      OS_HEALTHCHECK__BACKENDS: "nats",
      OS_HEALTHCHECK__NATS_URL: server.url,
      OS_HEALTHCHECK__CHECK_INTERVAL: "0.2",
      OS_HEALTHCHECK__CHECK_TIMEOUT: "1",
    },
  });
  try {
    const reasons = async () => {
      const res = await service.app.request("/healthcheck", {
        headers: { Accept: "application/json" },
      });
      return [res.status, (await res.json()).reasons] as const;
    };
    assert.deepEqual(await reasons(), [200, ["OK"]]);
    await server.stop({ kill: true });
    await waitFor(async () => (await reasons())[0] === 503, {
      what: "503 with NATS down",
      timeout: 20_000,
    });
    const [, down] = await reasons();
    assert.ok(["NATS DISCONNECTED", "NATS UNAVAILABLE"].includes(down[0]), down[0]);
    await server.start();
    await waitFor(async () => (await reasons())[0] === 200, {
      what: "200 with NATS back",
      timeout: 20_000,
    });
  } finally {
    await service.close();
  }
});
