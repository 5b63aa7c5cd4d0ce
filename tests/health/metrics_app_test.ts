import assert from "node:assert/strict";
import { createService } from "../../functions/service.ts";
import { connectTransport } from "../../lib/messaging/mod.ts";
import { ServiceMetrics } from "../../lib/health/mod.ts";
import { natsTest, startNatsServer } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";
import { parseSamples, sampleValue } from "./_prometheus.ts";

const tcp = (hostname: string): Deno.NetAddr => ({ transport: "tcp", hostname, port: 40000 });

Deno.test("GET /metrics counts requests by route pattern and status", async () => {
  const service = await createService({ args: ["--dev"], env: {} });
  try {
    const app = service.app;
    await app.request("/healthcheck");
    await app.request("/healthcheck", { method: "HEAD" });
    await app.request("/no/such/path");
    await app.request("/v1/config/validate", { method: "GET" }); // 405
    await app.request("/v1/config/validate", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ config: "[DEFAULT]\ndebug = maybe\n" }),
    });
    const res = await app.request("/metrics");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    const s = parseSamples(await res.text());
    const count = (labels: Record<string, string>) =>
      sampleValue(s, "oslo_edge_http_requests_total", labels);
    assert.equal(count({ method: "GET", route: "/healthcheck", status: "200" }), 1);
    assert.equal(count({ method: "HEAD", route: "/healthcheck", status: "204" }), 1);
    assert.equal(
      count({ method: "GET", route: "unmatched", status: "404" }),
      1,
      "raw paths never become labels",
    );
    assert.equal(count({ method: "GET", route: "unmatched", status: "405" }), 1);
    assert.equal(count({ method: "POST", route: "/v1/config/validate", status: "200" }), 1);
    assert.equal(
      sampleValue(s, "oslo_edge_http_request_duration_seconds_count", {
        method: "GET",
        route: "/healthcheck",
        status: "200",
      }),
      1,
    );
    assert.equal(
      sampleValue(s, "oslo_edge_http_requests_in_flight"),
      1,
      "the scrape itself is in flight",
    );
    assert.ok(s.some((x) => x.name === "process_resident_memory_bytes"));
  } finally {
    await service.close();
  }
});

Deno.test("[metrics] options: path, source ranges, disabled", async () => {
  const service = await createService({
    args: ["--dev"],
    env: { OS_METRICS__PATH: "/internal/metrics", OS_METRICS__ALLOWED_SOURCE_RANGES: "10.0.0.0/8" },
  });
  try {
    assert.equal(
      (await service.app.request("/internal/metrics", {}, { remoteAddr: tcp("10.1.1.1") })).status,
      200,
    );
    assert.equal(
      (await service.app.request("/internal/metrics", {}, { remoteAddr: tcp("192.168.0.1") }))
        .status,
      404,
    );
    assert.equal(
      (await service.app.request("/metrics", {}, { remoteAddr: tcp("10.1.1.1") })).status,
      404,
    );
  } finally {
    await service.close();
  }
  const off = await createService({ args: ["--dev"], env: { OS_METRICS__ENABLED: "false" } });
  try {
    assert.equal((await off.app.request("/metrics")).status, 404);
    assert.equal((await off.app.request("/healthcheck")).status, 200);
  } finally {
    await off.close();
  }
  await assert.rejects(
    createService({ args: ["--dev"], env: { OS_METRICS__ALLOWED_SOURCE_RANGES: "nope" } }),
    /metrics\/allowed_source_ranges/,
  );
});

Deno.test("the health backends feed oslo_edge_health_check_up", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/off`, "");
    const service = await createService({
      args: ["--dev"],
      env: {
        OS_HEALTHCHECK__BACKENDS: "disable_by_file,config",
        OS_HEALTHCHECK__DISABLE_BY_FILE_PATH: `${dir}/off`,
      },
    });
    try {
      const s = parseSamples(await (await service.app.request("/metrics")).text());
      assert.equal(sampleValue(s, "oslo_edge_health_check_up", { check: "disable_by_file" }), 0);
      assert.equal(sampleValue(s, "oslo_edge_health_check_up", { check: "config" }), 1);
    } finally {
      await service.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("disable_by_files_ports feeds one oslo_edge_health_check_up series per port", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/public_off`, "");
    const service = await createService({
      args: ["--dev"],
      env: {
        OS_HEALTHCHECK__BACKENDS: "disable_by_files_ports,config",
        OS_HEALTHCHECK__DISABLE_BY_FILE_PATHS: `5000:${dir}/public_off,35357:${dir}/admin_off`,
      },
    });
    try {
      const s = parseSamples(await (await service.app.request("/metrics")).text());
      const up = (port: string) =>
        sampleValue(s, "oslo_edge_health_check_up", { check: "disable_by_files_ports", port });
      assert.equal(up("5000"), 0);
      assert.equal(up("35357"), 1);
      assert.equal(sampleValue(s, "oslo_edge_health_check_up", { check: "config" }), 1);
      assert.ok(
        sampleValue(s, "oslo_edge_health_check_duration_seconds", {
          check: "disable_by_files_ports",
        })! >= 0,
      );
    } finally {
      await service.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

natsTest("ServiceMetrics.watchTransport() exposes NATS traffic and reconnects", async () => {
  await using server = await startNatsServer();
  await using transport = await connectTransport(server.url, { reconnectTimeWait: 100 });
  const metrics = new ServiceMetrics();
  const stop = metrics.watchTransport(transport);
  const got: string[] = [];
  const sub = transport.subscribe(
    "m.test",
    (msg) => void got.push(new TextDecoder().decode(msg.data)),
  );
  for (let i = 0; i < 5; i++) transport.publish("m.test", "hello");
  await transport.flush();
  await waitFor(() => got.length === 5, { what: "5 messages" });
  let s = parseSamples(await metrics.registry.render());
  assert.equal(sampleValue(s, "oslo_edge_nats_messages_total", { direction: "out" }), 5);
  assert.equal(sampleValue(s, "oslo_edge_nats_messages_total", { direction: "in" }), 5);
  assert.ok(sampleValue(s, "oslo_edge_nats_bytes_total", { direction: "out" })! >= 25);
  assert.equal(sampleValue(s, "oslo_edge_nats_reconnects_total"), 0);
  assert.equal(sampleValue(s, "oslo_edge_nats_connected"), 1);

  await server.restart({ kill: true });
  await waitFor(async () => {
    s = parseSamples(await metrics.registry.render());
    return sampleValue(s, "oslo_edge_nats_reconnects_total") === 1;
  }, { what: "reconnect counted", timeout: 20_000 });
  assert.equal(sampleValue(s, "oslo_edge_nats_connection_events_total", { event: "reconnect" }), 1);
  assert.equal(
    sampleValue(s, "oslo_edge_nats_connection_events_total", { event: "disconnect" }),
    1,
  );
  assert.equal(sampleValue(s, "oslo_edge_nats_connected"), 1);
  sub.unsubscribe();
  stop();
});
