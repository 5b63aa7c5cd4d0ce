import assert from "node:assert/strict";
import { createApp } from "../../functions/app.ts";
import { createService, serviceConfig } from "../../functions/service.ts";
import { makeKey } from "./_jwt.ts";

const PROBLEM = "application/problem+json";

function devApp(maxBodySize = 114688) {
  return createApp({
    verify: null,
    maxBodySize,
    schemas: { "oslo-edge": serviceConfig().groups() },
  });
}

const json = (body: string, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...headers },
  body,
});

Deno.test("requestId() generates an id in oslo's req-<uuid> form and echoes it", async () => {
  // Health probes skip the shell (no request id, as oslo.middleware's healthcheck): use another path.
  const res = await devApp().request("/v1/nothing-here");
  assert.equal(res.status, 404);
  assert.match(res.headers.get("X-Openstack-Request-Id") ?? "", /^req-[0-9a-f-]{36}$/);
});

Deno.test("requestId() keeps a caller's valid id, replaces an invalid one", async () => {
  const given = "req-0b7c1a4e-2f7d-4c5e-9d6a-1e2f3a4b5c6d";
  const kept = await devApp().request("/v1/nothing-here", {
    headers: { "X-Openstack-Request-Id": given },
  });
  assert.equal(kept.headers.get("X-Openstack-Request-Id"), given);
  const replaced = await devApp().request("/v1/nothing-here", {
    headers: { "X-Openstack-Request-Id": "<script>" },
  });
  assert.notEqual(replaced.headers.get("X-Openstack-Request-Id"), "<script>");
  assert.match(replaced.headers.get("X-Openstack-Request-Id") ?? "", /^req-/);
});

Deno.test("createApp() answers malformed JSON with a 400 problem, never a 500", async () => {
  const res = await devApp().request("/v1/config/validate", json("{not json"));
  assert.equal(res.status, 400);
  assert.equal(res.headers.get("Content-Type"), PROBLEM);
  const body = await res.json();
  assert.equal(body.type, "urn:oslo-edge:problem:malformed-json");
  assert.equal(body.status, 400);
  assert.equal(body.instance, "/v1/config/validate");
  assert.match(body.detail, /Cannot parse the request body as JSON/);
  assert.equal(body.request_id, res.headers.get("X-Openstack-Request-Id"));
});

Deno.test("createApp() answers a non-JSON media type with 415", async () => {
  const res = await devApp().request("/v1/config/validate", {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: "{}",
  });
  assert.equal(res.status, 415);
  assert.equal(res.headers.get("Content-Type"), PROBLEM);
});

Deno.test("createApp() lists zod issues with their paths", async () => {
  const res = await devApp().request("/v1/config/validate", json('{"config": 42, "schema": []}'));
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.equal(body.type, "urn:oslo-edge:problem:validation");
  const paths = body.errors.map((e: { path: string }) => e.path).sort();
  assert.deepEqual(paths, ["config", "schema"]);
});

Deno.test("createApp() refuses a body over max_request_body_size with 413", async () => {
  const app = devApp(64);
  const big = JSON.stringify({ config: "x".repeat(100) });
  const res = await app.request("/v1/config/validate", json(big));
  assert.equal(res.status, 413);
  assert.equal(res.headers.get("Content-Type"), PROBLEM);
  assert.match((await res.json()).detail, /larger than 64 bytes/);
});

Deno.test("createApp() refuses a chunked body over the limit with 413", async () => {
  const app = devApp(64);
  const stream = new ReadableStream({
    start(c) {
      for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode("0123456789"));
      c.close();
    },
  });
  const res = await app.request("/v1/config/validate", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: stream,
  });
  assert.equal(res.status, 413);
});

Deno.test("createApp() accepts a body at the default limit of 114688 bytes", async () => {
  const config = "#".repeat(114688 - JSON.stringify({ config: "" }).length);
  const res = await devApp().request("/v1/config/validate", json(JSON.stringify({ config })));
  assert.equal(res.status, 200);
  const over = await devApp().request(
    "/v1/config/validate",
    json(JSON.stringify({ config: config + "#" })),
  );
  assert.equal(over.status, 413);
});

Deno.test("createApp() answers an unknown route with a 404 problem", async () => {
  const res = await devApp().request("/v1/nothing-here");
  assert.equal(res.status, 404);
  assert.equal(res.headers.get("Content-Type"), PROBLEM);
  assert.equal((await res.json()).type, "urn:oslo-edge:problem:not-found");
});

Deno.test("createApp() answers a wrong method with a 405 problem and Allow", async () => {
  const res = await devApp().request("/v1/config/validate", { method: "GET" });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("Allow"), "POST");
  assert.equal(res.headers.get("Content-Type"), PROBLEM);
  const del = await devApp().request("/livez", { method: "DELETE" });
  assert.equal(del.status, 405);
  assert.equal(del.headers.get("Allow"), "GET, HEAD");
});

Deno.test("createApp() serves HEAD /healthcheck without a body", async () => {
  const res = await devApp().request("/healthcheck", { method: "HEAD" });
  assert.equal(res.status, 204, "oslo.middleware: HEAD answers 204 when healthy");
  assert.equal(await res.text(), "");
});

Deno.test("createApp() validates config text against the service's own options", async () => {
  const res = await devApp().request(
    "/v1/config/validate",
    json(
      JSON.stringify({
        config: "[DEFAULT]\ndevug = True\n[oslo_middleware]\nmax_request_body_size = -1\n",
      }),
    ),
  );
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.valid, false);
  assert.deepEqual(
    body.findings.map((f: { kind: string; line: number }) => [f.kind, f.line]),
    [["unknown-option", 2], ["invalid-value", 4]],
  );
});

/** Every POST route of a service's app (the ones mounted in code, so a new route is covered). */
function postRoutes(app: { routes: { method: string; path: string }[] }): string[] {
  const paths = app.routes.filter((r) => r.method === "POST").map((r) => r.path);
  return [...new Set(paths)].map((p) => p.replace(/\/:[A-Za-z]+/g, "/x"));
}

Deno.test("createApp() answers malformed JSON on every POST route: 400 with auth off, 401 with it on", async () => {
  const key = await makeKey("ES256");
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/key.pem`, key.spki);
  // Both in dev mode, so both serve the same routes (the embedded limits included).
  const off = await createService({ args: ["--dev"], env: {} });
  const on = await createService({
    args: ["--dev"],
    env: {
      OS_AUTH__STRATEGY: "jwt",
      OS_AUTH__PUBLIC_KEY_FILE: `${dir}/key.pem`,
      OS_AUTH__ISSUER: "https://idp",
      OS_AUTH__AUDIENCE: "edge",
    },
  });
  try {
    const routes = postRoutes(off.app);
    assert.deepEqual(postRoutes(on.app), routes);
    for (
      const known of [
        "/v1/config/validate",
        "/v1/config/migrate",
        "/v1/policy/enforce",
        "/v1/policy/enforce:batch",
        "/v1/limits/check",
        "/v1/limits/claims",
        "/v1/limits/claims/x/commit",
        "/v1/limits/claims/x/release",
        "/v1/limits/usage",
      ]
    ) assert.ok(routes.includes(known), `${known} not among ${routes.join(", ")}`);
    for (const path of routes) {
      const res = await off.app.request(path, json("{not json"));
      assert.equal(res.status, 400, path);
      assert.equal(res.headers.get("Content-Type"), PROBLEM, path);
      const body = await res.json();
      assert.equal(body.type, "urn:oslo-edge:problem:malformed-json", path);
      assert.equal(body.instance, path);
      const refused = await on.app.request(path, json("{not json"));
      assert.equal(refused.status, 401, path);
      assert.equal(refused.headers.get("Content-Type"), PROBLEM, path);
      assert.equal((await refused.json()).type, "urn:oslo-edge:problem:unauthenticated", path);
    }
  } finally {
    await off.close();
    await on.close();
    await Deno.remove(dir, { recursive: true });
  }
});
