import assert from "node:assert/strict";
import {
  MetricsError,
  MetricsRegistry,
  RPC_BUCKETS,
  rpcHooks,
  ServiceMetrics,
} from "../../lib/health/mod.ts";
import { MessagingTimeout, Target } from "../../lib/messaging/mod.ts";
import { parseSamples, sampleValue } from "./_prometheus.ts";
import { runPython } from "./_python.ts";

Deno.test("MetricsRegistry.counter() is idempotent for one shape and refuses another", async () => {
  const r = new MetricsRegistry();
  r.counter("a_total", { help: "a", labels: ["x"] }).inc({ x: "1" });
  r.counter("a_total", { help: "a", labels: ["x"] }).inc({ x: "1" }, 2);
  assert.equal(sampleValue(parseSamples(await r.render()), "a_total", { x: "1" }), 3);
  assert.throws(() => r.gauge("a_total", { help: "a", labels: ["x"] }), (e: unknown) => {
    assert.ok(e instanceof MetricsError);
    assert.equal(e.code, "ERR_METRICS");
    assert.match(e.message, /already a counter\(x\)/);
    return true;
  });
  assert.throws(() => r.counter("a_total", { help: "a", labels: ["y"] }), MetricsError);
  r.histogram("h", { help: "h", buckets: [1] }).observe({}, 1);
  assert.throws(() => r.histogram("h", { help: "h", buckets: [2] }), MetricsError, "other buckets");
  assert.throws(() => r.counter("bad-name", { help: "x" }), /Invalid metric name "bad-name"/);
});

Deno.test("MetricsRegistry.observedCounter() reads totals kept elsewhere at every render", async () => {
  const r = new MetricsRegistry();
  let n = 3;
  const stop = r.observedCounter("kept_total", { help: "k" }, () => [{ labels: {}, value: n }]);
  assert.equal(sampleValue(parseSamples(await r.render()), "kept_total"), 3);
  n = 10;
  assert.equal(sampleValue(parseSamples(await r.render()), "kept_total"), 10);
  stop();
  n = 99;
  assert.equal(sampleValue(parseSamples(await r.render()), "kept_total"), 10, "no longer read");
});

Deno.test("MetricsRegistry.collectProcessMetrics() adds process and runtime series", async () => {
  const text = await new MetricsRegistry().collectProcessMetrics().render();
  for (
    const name of [
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_eventloop_lag_seconds",
    ]
  ) {
    assert.match(text, new RegExp(`^# TYPE ${name} `, "m"), name);
  }
});

Deno.test("ServiceMetrics hooks feed their series", async () => {
  const m = new ServiceMetrics();
  const done = m.httpStart("GET");
  assert.equal(m.inFlight, 1);
  done("/healthcheck", 503);
  assert.equal(m.inFlight, 0);
  m.policyDecision("os_compute_api:servers:show", "allow");
  m.policyDecision("os_compute_api:servers:show", "allow");
  m.policyDecision("os_compute_api:servers:delete", "deny");
  m.limitCheck("ok");
  m.limitCheck("over", ["cores", "ram"]);
  m.configReload("success", new Date(1_000_000));
  m.configReload("failure");
  m.natsStatus({ type: "disconnect", server: "127.0.0.1:4222" });
  m.natsStatus({ type: "reconnect", server: "127.0.0.1:4222" });
  m.natsRtt(2.5);
  m.healthResult("nats", { available: false, reason: "NATS UNAVAILABLE" }, { durationMs: 12 });
  const s = parseSamples(await m.registry.render());
  const v = (name: string, labels: Record<string, string> = {}) => sampleValue(s, name, labels);
  assert.equal(
    v("oslo_edge_http_requests_total", { method: "GET", route: "/healthcheck", status: "503" }),
    1,
  );
  assert.equal(
    v("oslo_edge_http_request_duration_seconds_count", {
      method: "GET",
      route: "/healthcheck",
      status: "503",
    }),
    1,
  );
  assert.equal(v("oslo_edge_http_requests_in_flight"), 0);
  assert.equal(
    v("oslo_edge_policy_decisions_total", { rule: "os_compute_api:servers:show", result: "allow" }),
    2,
  );
  assert.equal(
    v("oslo_edge_policy_decisions_total", {
      rule: "os_compute_api:servers:delete",
      result: "deny",
    }),
    1,
  );
  assert.equal(v("oslo_edge_limit_checks_total", { result: "over" }), 1);
  assert.equal(v("oslo_edge_limit_rejections_total", { resource: "ram" }), 1);
  assert.equal(v("oslo_edge_config_reloads_total", { result: "failure" }), 1);
  assert.equal(v("oslo_edge_config_last_reload_timestamp_seconds", { result: "success" }), 1000);
  assert.equal(v("oslo_edge_nats_connection_events_total", { event: "reconnect" }), 1);
  assert.equal(v("oslo_edge_nats_rtt_seconds"), 0.0025);
  assert.equal(v("oslo_edge_nats_connected"), 1);
  assert.equal(v("oslo_edge_health_check_up", { check: "nats" }), 0);
  assert.equal(v("oslo_edge_health_check_duration_seconds", { check: "nats" }), 0.012);
});

Deno.test("ServiceMetrics RPC series have oslo.metrics' names, labels and buckets", async () => {
  const m = new ServiceMetrics();
  const clientLabels = {
    call_type: "call",
    exchange: "openstack",
    topic: "compute",
    namespace: "",
    version: "1.0",
    server: "",
    fanout: "False",
    process: "",
    method: "ping",
    timeout: "30",
  };
  const serverLabels = {
    exchange: "openstack",
    topic: "compute",
    server: "host1",
    endpoint: "Manager",
    namespace: "",
    version: "1.0",
    method: "ping",
    process: "",
  };
  m.rpcClientCall(clientLabels).end("MessagingTimeout");
  m.rpcServerCall(serverLabels).end();
  const ours = parseSamples(await m.registry.render()).filter((s) =>
    s.name.startsWith("oslo_messaging_rpc_")
  );
  // oslo.metrics itself, with the same labels, through Python's prometheus_client.
  const theirs = await runPython<{ name: string; labels: Record<string, string> }[]>(
    `import prometheus_client
from oslo_metrics.metrics import oslo_messaging as om
c, s = data["client"], data["server"]
om.rpc_client_invocation_start_total.labels(**c).inc()
om.rpc_client_invocation_end_total.labels(**c).inc()
om.rpc_client_processing_seconds.labels(**c).observe(0.001)
om.rpc_client_exception_total.labels(**c, exception="MessagingTimeout").inc()
om.rpc_server_invocation_start_total.labels(**s).inc()
om.rpc_server_invocation_end_total.labels(**s).inc()
om.rpc_server_processing_seconds.labels(**s).observe(0.001)
result = []
for metric in prometheus_client.REGISTRY.collect():
    for sample in metric.samples:
        if sample.name.startswith("oslo_messaging_rpc_") and not sample.name.endswith("_created"):
            result.append({"name": sample.name, "labels": sample.labels})`,
    { client: clientLabels, server: serverLabels },
  );
  const key = (x: { name: string; labels: Record<string, string> }) => {
    const labels = { ...x.labels };
    if (labels.le !== undefined) labels.le = String(Number(labels.le)); // "1.0" vs "1"
    return `${x.name}${JSON.stringify(Object.entries(labels).sort())}`;
  };
  assert.deepEqual(ours.map(key).sort(), theirs.map(key).sort());
  assert.equal(RPC_BUCKETS.length, 17);
});

Deno.test("ServiceMetrics.httpRecord() folds unknown methods into other", async () => {
  const m = new ServiceMetrics();
  m.httpRecord("GET", "/x", 200, 0.001);
  m.httpRecord("BREW", "/x", 200, 0.001);
  m.httpRecord("PROPFIND", "/x", 200, 0.002);
  const s = parseSamples(await m.registry.render());
  assert.equal(
    sampleValue(s, "oslo_edge_http_requests_total", {
      method: "other",
      route: "/x",
      status: "200",
    }),
    2,
  );
  assert.equal(
    sampleValue(s, "oslo_edge_http_request_duration_seconds_bucket", {
      method: "other",
      route: "/x",
      status: "200",
      le: "0.0025",
    }),
    2,
  );
  assert.equal(
    sampleValue(s, "oslo_edge_http_request_duration_seconds_bucket", {
      method: "GET",
      route: "/x",
      status: "200",
      le: "0.0005",
    }),
    0,
  );
});

Deno.test("MetricsRegistry instruments: bound series, label checks, histogram buckets", async () => {
  const r = new MetricsRegistry();
  const c = r.counter("c_total", { help: "c", labels: ["a"] });
  const bound = c.bind({ a: "x" });
  bound.inc();
  bound.inc(2);
  c.inc({ a: "x" });
  assert.throws(() => c.inc({ b: "y" } as never), /Metric "c_total" has no label "b"/);
  assert.throws(() => bound.inc(-1), /cannot go down/);
  const h = r.histogram("h_seconds", { help: "h", buckets: [1, 0.1] });
  for (const v of [0.05, 0.1, 0.5, 2]) h.observe({}, v);
  assert.throws(
    () => r.histogram("bad", { help: "b", labels: ["le"], buckets: [1] }),
    /label "le"/,
  );
  const s = parseSamples(await r.render());
  assert.equal(sampleValue(s, "c_total", { a: "x" }), 4);
  assert.equal(
    sampleValue(s, "h_seconds_bucket", { le: "0.1" }),
    2,
    "le is inclusive, buckets sorted",
  );
  assert.equal(sampleValue(s, "h_seconds_bucket", { le: "1" }), 3);
  assert.equal(sampleValue(s, "h_seconds_bucket", { le: "+Inf" }), 4);
  assert.equal(sampleValue(s, "h_seconds_sum"), 2.65);
  assert.equal(sampleValue(s, "h_seconds_count"), 4);
});

Deno.test("rpcHooks() writes oslo.metrics' labels, names exceptions and caps method names", async () => {
  const m = new ServiceMetrics();
  const hooks = rpcHooks(m, { process: "edge", maxMethods: 2 });
  const target = new Target({ topic: "edge_control", server: "control", namespace: "ns" });
  const call = (method: string) => ({
    callType: "call" as const,
    target,
    exchange: "openstack",
    method,
    namespace: "ns",
    version: undefined,
    timeout: 5000,
  });
  hooks.onClientCall(call("register_agent"))?.(new MessagingTimeout("no reply"));
  hooks.onClientCall(call("ping"))?.();
  hooks.onClientCall(call("invented_1"))?.();
  hooks.onClientCall(call("invented_2"))?.();
  const s = parseSamples(await m.registry.render());
  const labels = {
    call_type: "call",
    exchange: "openstack",
    topic: "edge_control",
    namespace: "ns",
    version: "None",
    server: "control",
    fanout: "None",
    process: "edge",
    method: "register_agent",
    timeout: "5",
  };
  assert.equal(sampleValue(s, "oslo_messaging_rpc_client_invocation_end_total", labels), 1);
  assert.equal(
    sampleValue(s, "oslo_messaging_rpc_client_exception_total", {
      ...labels,
      exception: "MessagingTimeout",
    }),
    1,
  );
  const methods = new Set(
    s.filter((x) => x.name === "oslo_messaging_rpc_client_invocation_start_total")
      .map((x) => x.labels.method),
  );
  assert.deepEqual([...methods].sort(), ["other", "ping", "register_agent"]);
  assert.equal(
    sampleValue(s, "oslo_messaging_rpc_client_invocation_start_total", {
      ...labels,
      method: "other",
    }),
    2,
  );
});
