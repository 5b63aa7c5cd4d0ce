/**
 * OPA mode: every rule decided by OPA at the path derived from its name, with
 * the TTL decision cache, shared in-flight decisions and batching.
 */
import assert from "node:assert/strict";
import { ConfigOpts } from "../../lib/config/mod.ts";
import { createApp } from "../../functions/app.ts";
import {
  Enforcer,
  enforcerFromConfig,
  OpaClient,
  OpaDecider,
  type OpaDeciderOptions,
  POLICY_OPTS,
  PolicyNotRegistered,
  rulePath,
} from "../../lib/policy/mod.ts";
import { opaServers } from "./opa_fixtures.ts";

const reader = { roles: ["reader"], user_id: "u1" };
const admin = { roles: ["admin"], user_id: "u2" };

/** What a service registers in code: OPA mode decides these (and what a policy file names). */
const DEFAULTS = [
  "identity:get_user",
  "identity:delete_user",
  "oslo:limit:check",
  "test:admin_only",
  "no:such_rule",
].map((name) => ({ name, checkStr: "!" }));

function opaMode(
  url: string,
  extra: Partial<OpaDeciderOptions> = {},
  enforcer: { policy?: string; defaultRule?: string } = {},
) {
  const warnings: string[] = [];
  const decider = new OpaDecider({
    engine: new OpaClient({ url, timeoutMs: 2000 }),
    cacheTtl: 60,
    cacheSize: 100,
    batchSize: 64,
    onWarning: (w) => warnings.push(w),
    ...extra,
  });
  const e = new Enforcer({
    decider,
    defaults: DEFAULTS,
    ...enforcer,
    onWarning: (w) => warnings.push(w),
  });
  return { e, decider, warnings };
}

Deno.test("rulePath() derives OPA data paths from rule names", () => {
  assert.equal(rulePath("identity:get_user"), "identity/get_user");
  assert.equal(
    rulePath("os_compute_api:os-admin-actions:reset_state", "oslo"),
    "oslo/os_compute_api/os_admin_actions/reset_state",
  );
});

Deno.test("OPA mode decides every registered rule with OPA, with no policy file", async () => {
  for (const server of await opaServers()) {
    await using _ = server;
    const { e, warnings } = opaMode(server.url);
    assert.equal(await e.enforce("identity:get_user", {}, reader), true, server.url);
    assert.equal(await e.enforce("identity:delete_user", {}, reader), false);
    assert.equal(await e.enforce("identity:delete_user", {}, admin), true);
    assert.equal(await e.enforce("no:such_rule", {}, admin), false);
    assert.match(
      warnings.join("\n"),
      /Denied no:such_rule: OPA mode: no document at data\/no\/such_rule/,
    );
    assert.equal(e.status().mode, "opa");
  }
});

Deno.test("OPA mode caches decisions by rule and input, for the TTL, within the size bound", async () => {
  const [server] = await opaServers();
  await using _ = server!;
  let now = 1_000_000;
  const { e, decider } = opaMode(server!.url, { cacheTtl: 10, cacheSize: 2, now: () => now });
  const sent = () => server!.requests.length;
  await e.enforce("identity:get_user", {}, reader);
  await e.enforce("identity:get_user", {}, { user_id: "u1", roles: ["reader"] }); // same input, other key order
  assert.equal(sent(), 1);
  await e.enforce("identity:get_user", { "target.user.id": "x" }, reader); // other input
  assert.equal(sent(), 2);
  now += 11_000; // past the TTL
  await e.enforce("identity:get_user", {}, reader);
  assert.equal(sent(), 3);
  await e.enforce("identity:delete_user", {}, reader); // evicts the least recently used
  await e.enforce("identity:get_user", { "target.user.id": "x" }, reader);
  assert.equal(sent(), 5);
  assert.equal(decider.stats.cached, 2);
  assert.equal(decider.stats.hits, 1);
});

Deno.test("OPA mode's batches check scope types on system_scope tokens as enforce() does", async () => {
  const sent: unknown[] = [];
  const decider = {
    decide: () => Promise.resolve(true),
    decideMany: (rs: readonly { creds: unknown }[]) => {
      sent.push(...rs.map((r) => r.creds));
      return Promise.resolve(rs.map(() => true));
    },
  };
  const e = new Enforcer({
    defaults: [{ name: "sys:thing", checkStr: "role:admin", scopeTypes: ["system"] }],
    enforceScope: true,
    decider,
    onWarning: () => {},
  });
  const system = { roles: ["admin"], system_scope: "all" };
  const project = { roles: ["admin"], project_id: "p1" };
  assert.equal(await e.enforce("sys:thing", {}, system), true);
  assert.deepEqual(
    await e.enforceMany([{ rule: "sys:thing", creds: system }, {
      rule: "sys:thing",
      creds: project,
    }]),
    [true, false],
  );
  assert.deepEqual(sent, [{ ...system, system: "all" }]);
});

Deno.test("OPA mode sends the decisions needed at once in one request, in batches", async () => {
  const [server] = await opaServers();
  await using _ = server!;
  const { e } = opaMode(server!.url, { batchSize: 2 });
  const many = await e.enforceMany([
    { rule: "identity:get_user", creds: reader },
    { rule: "identity:delete_user", creds: reader },
    { rule: "identity:delete_user", creds: admin },
    { rule: "oslo:limit:check", creds: { roles: ["member"] } },
    { rule: "no:such_rule", creds: admin },
    { rule: "unregistered:rule", creds: admin }, // neither registered nor in a file: not sent
  ]);
  assert.deepEqual(many, [true, false, true, true, false, false]);
  const queries = server!.requests.filter((r) => r.path === "/v1/query");
  assert.equal(queries.length, 2); // batches of 2, 2 and a single one sent to the Data API
  assert.equal(server!.requests.filter((r) => r.path.startsWith("/v1/data")).length, 1);
  // concurrent enforce() calls in one tick share requests too, and identical ones share a decision
  server!.requests.length = 0;
  const { e: e2 } = opaMode(server!.url);
  const got = await Promise.all([
    e2.enforce("identity:get_user", {}, admin),
    e2.enforce("identity:get_user", {}, admin),
    e2.enforce("identity:delete_user", {}, admin),
  ]);
  assert.deepEqual(got, [true, true, true]);
  assert.equal(server!.requests.length, 1);
  const q = server!.requests[0]!.body as { query: string };
  assert.equal(q.query.split("\n").length, 2);
});

Deno.test("OPA mode sends only known rules to OPA: an unknown one is the default rule, or denied", async () => {
  const [server] = await opaServers();
  await using _ = server!;
  // no default rule: denied without asking OPA
  const { e } = opaMode(server!.url);
  server!.requests.length = 0;
  assert.equal(await e.enforce("identity:list_users", {}, admin), false);
  assert.equal(server!.requests.length, 0);
  await assert.rejects(e.authorize("identity:list_users", {}, admin), PolicyNotRegistered);
  // a rule only in the policy file is known: OPA decides it at its own path
  const { e: file } = opaMode(server!.url, {}, { policy: '"test:obj": "!"\n' });
  assert.equal(await file.enforce("test:obj", {}, admin), true);
  // with a default rule known locally, OPA decides the default rule's document instead
  const { e: fallback } = opaMode(server!.url, {}, {
    policy: '"identity:get_user": "!"\n',
    defaultRule: "identity:get_user",
  });
  server!.requests.length = 0;
  assert.equal(await fallback.enforce("identity:list_users", {}, reader), true);
  assert.equal(await fallback.enforce("identity:list_users", {}, { roles: [] }), false);
  assert.deepEqual(server!.requests.map((r) => r.path), [
    "/v1/data/identity/get_user",
    "/v1/data/identity/get_user",
  ]);
  await assert.rejects(fallback.authorize("identity:list_users", {}, reader), PolicyNotRegistered);
});

Deno.test("OPA mode fails closed when OPA is down and does not cache failures", async () => {
  const [server] = await opaServers();
  await using _ = server!;
  const { e, warnings } = opaMode(server!.url.replace(/:\d+$/, ":9"));
  assert.equal(await e.enforce("identity:get_user", {}, reader), false);
  assert.match(warnings.join("\n"), /Denied identity:get_user: OPA mode: Cannot reach OPA/);
  const { e: ok } = opaMode(server!.url);
  assert.equal(await ok.enforce("identity:get_user", {}, reader), true);
});

Deno.test("[oslo_policy] opa_mode builds an OPA-mode enforcer, and enforce:batch costs one OPA request", async () => {
  const [server] = await opaServers();
  await using _ = server!;
  const conf = new ConfigOpts().register(POLICY_OPTS);
  await conf.load({
    env: false,
    texts: [{
      name: "svc.conf",
      text: `[oslo_policy]\nopa_mode = true\nopa_url = ${
        server!.url
      }\nopa_path_prefix = /\npolicy_file = /nonexistent.yaml\n`,
    }],
  });
  const enforcer = await enforcerFromConfig(conf, { defaults: DEFAULTS, onWarning: () => {} });
  assert.equal(enforcer.status().mode, "opa");
  const app = createApp({ verify: null, maxBodySize: 65536, schemas: {}, policy: enforcer });
  server!.requests.length = 0;
  const res = await app.request("/v1/policy/enforce:batch", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      requests: [{ rule: "identity:get_user" }, { rule: "identity:delete_user" }, {
        rule: "test:admin_only",
      }],
      credentials: reader,
    }),
  });
  assert.deepEqual((await res.json()).results.map((r: { allowed: boolean }) => r.allowed), [
    true,
    false,
    false,
  ]);
  // policy:enforce is decided by OPA too (no such document: the stand-in has none) → the endpoint is denied?
  assert.equal(res.status, 200);
  assert.equal(server!.requests.filter((r) => r.path === "/v1/query").length, 1);
});
