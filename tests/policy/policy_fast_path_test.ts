/**
 * The policy fast path (functions/policy_fast_path.ts) against the full Hono
 * app: the same status, headers and body for every kind of request, the same
 * metrics; and which requests it answers itself.
 */
import assert from "node:assert/strict";
import { createApp } from "../../functions/app.ts";
import { policyFastPath } from "../../functions/policy_fast_path.ts";
import { POLICY_RULE_DEFAULTS } from "../../functions/policy.ts";
import { registerPolicyDefaults } from "../../functions/shell/authorize.ts";
import { createVerifier } from "../../functions/shell/auth.ts";
import { tokenCache } from "../../functions/shell/token_cache.ts";
import {
  createHealthcheck,
  createSourceFilter,
  defaultHealthcheckValues,
  MetricsRegistry,
  ServiceMetrics,
} from "../../lib/health/mod.ts";
import { Enforcer } from "../../lib/policy/mod.ts";
import { makeKey, signToken, type TestKey } from "../functions/_jwt.ts";

const POLICY = `"admin": "role:admin"
"project:read": "rule:admin or project_id:%(project_id)s"
`;
const ID = "req-0b0e3c1a-1111-4222-8333-944445555666";
const MAX = 2048;

async function pair(options: { key?: TestKey; policy?: string } = {}) {
  const verify = options.key
    ? await createVerifier({ publicKey: options.key.spki, algorithms: ["ES256"] })
    : null;
  const build = async (fast: boolean) => {
    const metrics = new ServiceMetrics(new MetricsRegistry());
    const health = {
      health: createHealthcheck(defaultHealthcheckValues()),
      metrics: { service: metrics, path: "/metrics", filter: createSourceFilter() },
    };
    const policy = new Enforcer({
      policy: options.policy ?? POLICY,
      onWarning: () => {},
      onDecision: (rule, allowed) => metrics.policyDecision(rule, allowed ? "allow" : "deny"),
    });
    const app = createApp({
      verify,
      maxBodySize: MAX,
      schemas: {},
      policy,
      health,
      policyFastPath: fast,
    });
    await policy.load(); // as the service does before it serves (createService's finish())
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (req, info) => app.fetch(req, { remoteAddr: info.remoteAddr }),
    );
    const url = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
    return { app, metrics, url, server };
  };
  const fast = await build(true), slow = await build(false);
  return {
    fast,
    slow,
    async [Symbol.asyncDispose]() {
      await fast.server.shutdown();
      await slow.server.shutdown();
    },
  };
}

interface Req {
  name: string;
  path?: string;
  /** The body; `chunked` sends it as a stream (no Content-Length). */
  body?: string;
  chunked?: boolean;
  headers?: Record<string, string>;
}

/** One real HTTP request on loopback, as a client sends it (Content-Length set). */
async function reply(url: string, r: Req) {
  const body = r.body === undefined
    ? {}
    : r.chunked
    ? { body: new Blob([r.body]).stream(), duplex: "half" as const }
    : { body: r.body };
  const res = await fetch(`${url}${r.path ?? "/v1/policy/enforce"}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Openstack-Request-Id": ID, ...r.headers },
    ...body,
  });
  return {
    status: res.status,
    headers: [...res.headers].filter(([k]) => k !== "date"),
    body: await res.text(),
  };
}

const json = (v: unknown) => JSON.stringify(v);
const member = { roles: ["member"], project_id: "p1" };

/** Counters of the metrics text (durations vary between the two apps). */
async function counters(m: ServiceMetrics): Promise<string[]> {
  const text = await m.registry.render();
  return text.split("\n").filter((l) =>
    /^oslo_edge_(http_requests_total|policy_decisions_total|http_request_duration_seconds_count)\{/
      .test(l)
  ).sort();
}

async function compare(apps: Awaited<ReturnType<typeof pair>>, cases: Req[]) {
  const seen = new Set<number>();
  for (const c of cases) {
    const want = await reply(apps.slow.url, c);
    const got = await reply(apps.fast.url, c);
    assert.deepEqual(got, want, c.name);
    seen.add(want.status);
  }
  assert.deepEqual(await counters(apps.fast.metrics), await counters(apps.slow.metrics));
  return seen;
}

const DEV_CASES: Req[] = [
  {
    name: "allowed",
    body: json({ rule: "project:read", target: { project_id: "p1" }, credentials: member }),
  },
  {
    name: "denied",
    body: json({ rule: "project:read", target: { project_id: "p2" }, credentials: member }),
  },
  { name: "no target, no credentials", body: json({ rule: "admin" }) },
  {
    name: "batch",
    path: "/v1/policy/enforce:batch",
    body: json({
      requests: [{ rule: "project:read", target: { project_id: "p1" } }, { rule: "admin" }],
      credentials: member,
    }),
  },
  { name: "malformed JSON", body: "{nope" },
  { name: "not an object", body: "[1]" },
  { name: "oversize", body: json({ rule: "admin", target: { pad: "x".repeat(MAX) } }) },
  {
    name: "wrong content type",
    body: json({ rule: "admin" }),
    headers: { "Content-Type": "text/plain" },
  },
  {
    name: "JSON suffix type",
    body: json({ rule: "admin" }),
    headers: { "Content-Type": "application/merge-patch+json; charset=utf-8" },
  },
  { name: "missing rule", body: json({ target: {} }) },
  { name: "empty rule", body: json({ rule: "" }) },
  { name: "unknown key", body: json({ rule: "admin", bogus: 1 }) },
  { name: "__proto__ key", body: '{"rule": "admin", "__proto__": {}}' },
  { name: "target not an object", body: json({ rule: "admin", target: [] }) },
  { name: "credentials not an object", body: json({ rule: "admin", credentials: "x" }) },
  { name: "empty batch", path: "/v1/policy/enforce:batch", body: json({ requests: [] }) },
  {
    name: "batch item with extra key",
    path: "/v1/policy/enforce:batch",
    body: json({ requests: [{ rule: "a", x: 1 }] }),
  },
  {
    name: "batch too large",
    path: "/v1/policy/enforce:batch",
    body: json({ requests: Array.from({ length: 1001 }, () => ({ rule: "a" })) }),
    headers: {},
  },
  { name: "chunked body", body: json({ rule: "admin" }), chunked: true },
  { name: "chunked oversize", body: json({ rule: "x".repeat(MAX) }), chunked: true },
  { name: "query string", path: "/v1/policy/enforce?x=1", body: json({ rule: "admin" }) },
  { name: "trailing slash", path: "/v1/policy/enforce/", body: json({ rule: "admin" }) },
]; // deno-fmt-ignore

Deno.test("policyFastPath() answers as the app does in dev mode: status, headers, body, metrics", async () => {
  await using apps = await pair();
  const seen = await compare(apps, DEV_CASES);
  for (const status of [200, 400, 404, 413, 415]) assert.ok(seen.has(status), `saw ${status}`);
});

Deno.test("policyFastPath() answers as the app does with auth on: tokens, body credentials, denials", async () => {
  const key = await makeKey();
  const other = await makeKey();
  const token = await signToken(key, { sub: "u1", roles: ["member"], project_id: "p1" });
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  const body = json({ rule: "project:read", target: { project_id: "p1" } });
  const cases: Req[] = [
    { name: "allowed", body, headers: auth(token) },
    { name: "allowed again (remembered token)", body, headers: auth(token) },
    { name: "missing token", body },
    { name: "not a bearer token", body, headers: { Authorization: "Basic dTpw" } },
    { name: "bad signature", body, headers: auth(await signToken(other, { sub: "u1" })) },
    {
      name: "expired",
      body,
      headers: auth(await signToken(key, { sub: "u1" }, { expiresIn: -60 })),
    },
    { name: "no exp", body, headers: auth(await signToken(key, { sub: "u1" }, { noExp: true })) },
    {
      name: "body credentials with auth on",
      body: json({ rule: "admin", credentials: { roles: ["admin"] } }),
      headers: auth(token),
    },
    { name: "validation error", body: json({ rules: "x" }), headers: auth(token) },
    { name: "malformed JSON", body: "{", headers: auth(token) },
  ];
  await using apps = await pair({ key });
  const seen = await compare(apps, cases);
  for (const status of [200, 400, 401]) assert.ok(seen.has(status), `saw ${status}`);
  // policy:enforce restricted: the fast path lets the app decide it, 403 when denied
  await using restricted = await pair({ key, policy: `${POLICY}"policy:enforce": "role:admin"\n` });
  const denied = await compare(restricted, [{
    name: "policy:enforce denied",
    body,
    headers: auth(token),
  }]);
  assert.deepEqual([...denied], [403]);
});

Deno.test("policyFastPath() echoes a valid request id and makes one otherwise, as the app", async () => {
  await using apps = await pair();
  for (const given of [undefined, "nope", "req-not-a-uuid"]) {
    const res = await fetch(`${apps.fast.url}/v1/policy/enforce`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        ...(given ? { "X-Openstack-Request-Id": given } : {}),
      },
      body: json({ rule: "admin" }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("X-Openstack-Request-Id")!, /^req-[0-9a-f-]{36}$/);
    await res.body?.cancel();
  }
  const res = await fetch(`${apps.fast.url}/v1/policy/enforce`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Openstack-Request-Id": ID.toUpperCase() },
    body: json({ rule: "admin" }),
  });
  assert.equal(res.headers.get("X-Openstack-Request-Id"), ID.toUpperCase());
  await res.body?.cancel();
}); // deno-fmt-ignore

Deno.test("policyFastPath() answers plain requests itself and hands the rest on, body intact", async () => {
  const handed: { url: string; body: string; timer: boolean }[] = [];
  const enforcer = new Enforcer({ policy: POLICY, onWarning: () => {} });
  registerPolicyDefaults(enforcer, POLICY_RULE_DEFAULTS);
  const metrics = new ServiceMetrics(new MetricsRegistry());
  const fast = policyFastPath({
    enforcer: await enforcer.load(),
    tokens: null,
    maxBodySize: MAX,
    maxBatch: 10,
    metrics,
    app: async (req, env) => {
      handed.push({
        url: req.url,
        body: await req.text(),
        timer: typeof (env as { httpTimer?: unknown }).httpTimer === "function",
      });
      return new Response("app");
    },
  });
  const post = (path: string, body: string, type = "application/json") =>
    fast(new Request(`http://x${path}`, {
      method: "POST",
      headers: { "Content-Type": type, "Content-Length": String(new TextEncoder().encode(body).length) },
      body,
    }));
  assert.equal(fast(new Request("http://x/v1/policy/enforce")), undefined); // GET: not taken
  assert.equal(fast(new Request("http://x/v1/policy/rules", { method: "POST", body: "{}" })), undefined);
  const ok = await post("/v1/policy/enforce", json({ rule: "admin", credentials: { roles: ["admin"] } }));
  assert.deepEqual(await ok!.json(), { rule: "admin", allowed: true });
  assert.equal(handed.length, 0);
  assert.equal(await (await post("/v1/policy/enforce", "{nope"))!.text(), "app");
  assert.equal(await (await post("/v1/policy/enforce", "{}", "text/plain"))!.text(), "app");
  assert.deepEqual(handed, [
    { url: "http://x/v1/policy/enforce", body: "{nope", timer: true },
    { url: "http://x/v1/policy/enforce", body: "{}", timer: true },
  ]);
  assert.match(
    await metrics.registry.render(),
    /oslo_edge_http_requests_total\{method="POST",route="\/v1\/policy\/enforce",status="200"\} 1/,
  );
}); // deno-fmt-ignore

Deno.test("tokenCache() remembers verified tokens until exp, at most maxAgeMs, never failures", async () => {
  let now = 1_000_000_000_000;
  let calls = 0;
  const exp = (s: number) => `x.${btoa(JSON.stringify({ exp: s })).replace(/=+$/, "")}.sig`;
  const cache = tokenCache((token) => {
    calls++;
    if (token.startsWith("bad")) return Promise.reject(new Error("Cannot accept the bearer token"));
    return Promise.resolve({ roles: ["member"] } as never);
  }, { maxAgeMs: 60_000, maxEntries: 2, now: () => now });
  const t1 = exp(now / 1000 + 30);
  const creds = await cache.verify(t1);
  assert.equal(await cache.verify(t1), creds);
  assert.equal(cache.lookup(t1), creds);
  assert.equal(calls, 1);
  assert.ok(Object.isFrozen(creds) && Object.isFrozen(creds.roles));
  now += 30_000; // exp reached
  assert.equal(cache.lookup(t1), undefined);
  const t2 = exp(now / 1000 + 3600);
  await cache.verify(t2);
  now += 60_000; // maxAgeMs reached before exp
  assert.equal(cache.lookup(t2), undefined);
  await assert.rejects(cache.verify("bad.x.y"), /Cannot accept/);
  await assert.rejects(cache.verify("bad.x.y"), /Cannot accept/);
  assert.equal(calls, 4);
  const [a, b, c] = [1, 2, 3].map((i) => exp(now / 1000 + 100 + i));
  for (const t of [a!, b!, c!]) await cache.verify(t);
  assert.equal(cache.lookup(a!), undefined); // beyond maxEntries, the oldest goes
  assert.ok(cache.lookup(c!));
});
