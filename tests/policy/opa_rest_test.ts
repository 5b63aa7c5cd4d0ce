/**
 * The `opa:` check against OPA's REST Data API: the stand-in in
 * tests/_support (and a real `opa` too when one is on PATH).
 */
import assert from "node:assert/strict";
import {
  Enforcer,
  OpaClient,
  OpaError,
  type OpaService,
  PolicyNotAuthorized,
} from "../../lib/policy/mod.ts";
import { opaServers } from "./opa_fixtures.ts";

function opaEnforcer(url: string, policy: string, timeoutMs = 2000) {
  const warnings: string[] = [];
  const opa: OpaService = {
    engines: { rest: new OpaClient({ url, timeoutMs }) },
    defaultEngine: "rest",
  };
  const e = new Enforcer({ policy, services: { opa }, onWarning: (w) => warnings.push(w) });
  return { e, warnings };
}

const POLICY = `"admin_only": "opa:test/admin_only"
"maybe": "opa:test/maybe"
"obj": "opa:rest:test/obj"
"not_bool": "opa:test/not_bool"
"conflict": "opa:test/conflict"
"not_maybe": "not opa:test/maybe"
"mixed": "role:local or opa:test/admin_only"
`;
const admin = { roles: ["admin"], user_id: "u1" };
const member = { roles: ["member"], user_id: "u2" };

Deno.test("OpaCheck allows on true or {allow: true} and denies otherwise", async () => {
  for (const server of await opaServers()) {
    await using _ = server;
    const { e } = opaEnforcer(server.url, POLICY);
    assert.equal(await e.enforce("admin_only", {}, admin), true, server.url);
    assert.equal(await e.enforce("admin_only", {}, member), false);
    assert.equal(await e.enforce("obj", {}, admin), true);
    assert.equal(await e.enforce("obj", {}, member), false);
    assert.equal(await e.enforce("not_bool", {}, admin), false);
    assert.equal(await e.enforce("maybe", { defined: true }, member), true);
    assert.equal(await e.enforce("mixed", {}, { roles: ["local"] }), true);
  }
});

Deno.test("OpaCheck posts {input: {rule, target, credentials}} to /v1/data/<path>", async () => {
  const [server] = await opaServers();
  await using _ = server!;
  const { e } = opaEnforcer(server!.url, POLICY);
  await e.enforce("admin_only", { "target.project.id": "p1" }, admin);
  assert.deepEqual(server!.requests.at(-1), {
    path: "/v1/data/test/admin_only",
    body: {
      input: { rule: "admin_only", target: { "target.project.id": "p1" }, credentials: admin },
    },
  });
});

Deno.test("OpaCheck fails closed, logging the rule: undefined, 500, timeout, unreachable", async () => {
  for (const server of await opaServers()) {
    await using _ = server;
    const { e, warnings } = opaEnforcer(server.url, POLICY, 300);
    assert.equal(await e.enforce("maybe", {}, admin), false);
    assert.match(warnings.join("\n"), /Denied maybe: OPA has no document at data\/test\/maybe/);
    assert.equal(await e.enforce("not_maybe", {}, admin), false); // "not" of a failure is no allow
    assert.equal(await e.enforce("conflict", { conflict: true }, admin), false);
    assert.match(
      warnings.join("\n"),
      /Denied conflict: .*OPA answered 500 to \/v1\/data\/test\/conflict: internal_error/,
    );
    if (server.standin) {
      server.delayMs = 1000;
      assert.equal(await e.enforce("admin_only", {}, admin), false);
      assert.match(warnings.join("\n"), /Denied admin_only: .*did not answer .* within 300 ms/);
      server.delayMs = 0;
    }
  }
  const down = opaEnforcer("http://127.0.0.1:9", POLICY);
  assert.equal(await down.e.enforce("admin_only", {}, admin), false);
  assert.match(down.warnings.join("\n"), /Denied admin_only: .*Cannot reach OPA/);
});

const MIGRATION = `"new_or_legacy": "opa:test/admin_only or rule:legacy"
"legacy": "role:admin"
"not_opa": "not opa:test/admin_only"
"opa_and_false": "opa:test/admin_only and role:nobody"
"opa_and_true": "opa:test/admin_only and role:admin"
`;

/** An OPA service whose REST engine points at a closed port (OPA down). */
function unreachableOpa(): OpaService {
  return {
    engines: { rest: new OpaClient({ url: "http://127.0.0.1:9", timeoutMs: 2000 }) },
    defaultEngine: "rest",
  };
}

Deno.test("OpaCheck failures are unknown (Kleene): opa:x or role:admin allows an admin while OPA is down", async () => {
  const warnings: string[] = [];
  const opa = unreachableOpa();
  const e = new Enforcer({
    policy: MIGRATION,
    defaults: [{ name: "new_or_legacy", checkStr: "!" }, { name: "not_opa", checkStr: "!" }],
    services: { opa },
    onWarning: (w) => warnings.push(w),
    failureLogInterval: 0,
  });
  // one rule at a time to OPA: the legacy rule still decides while OPA is down
  assert.equal(await e.enforce("new_or_legacy", {}, admin), true);
  assert.equal(await e.authorize("new_or_legacy", {}, admin), true);
  assert.equal(await e.enforce("new_or_legacy", {}, member), false);
  await assert.rejects(e.authorize("new_or_legacy", {}, member), PolicyNotAuthorized);
  // not unknown is unknown: denied, never an allow
  assert.equal(await e.enforce("not_opa", {}, member), false);
  await assert.rejects(e.authorize("not_opa", {}, member), PolicyNotAuthorized);
  // and: a false branch decides; otherwise unknown denies
  assert.equal(await e.enforce("opa_and_false", {}, admin), false);
  assert.equal(await e.enforce("opa_and_true", {}, admin), false);
  // every failure is logged with its rule, the ones that did not decide too
  const log = warnings.join("\n");
  assert.match(
    log,
    /^new_or_legacy: "opa:test\/admin_only" failed: .*Cannot reach OPA.* \(decided without it\)$/m,
  );
  assert.match(log, /^Denied new_or_legacy: "opa:test\/admin_only" failed: .*Cannot reach OPA/m);
  assert.match(log, /^Denied not_opa: "opa:test\/admin_only" failed/m);
  assert.match(log, /^opa_and_false: "opa:test\/admin_only" failed: .*\(decided without it\)$/m);
  assert.match(log, /^Denied opa_and_true: "opa:test\/admin_only" failed/m);
  assert.equal(warnings.length, 8);
});

Deno.test("OpaCheck failures are logged every time, at most one line per rule per interval plus the count", async () => {
  const warnings: string[] = [];
  const opa = unreachableOpa();
  const e = new Enforcer({
    policy: MIGRATION,
    services: { opa },
    onWarning: (w) => warnings.push(w),
    failureLogInterval: 300,
  });
  for (let i = 0; i < 20; i++) assert.equal(await e.enforce("not_opa", {}, member), false);
  assert.equal(await e.enforce("opa_and_true", {}, admin), false); // another rule: its own line
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /^Denied not_opa: .*Cannot reach OPA[^(]*$/);
  assert.match(warnings[1]!, /^Denied opa_and_true: /);
  await new Promise((r) => setTimeout(r, 350));
  assert.equal(await e.enforce("not_opa", {}, member), false);
  assert.equal(warnings.length, 3);
  assert.match(
    warnings[2]!,
    /^Denied not_opa: .*Cannot reach OPA.* \(and 19 more failures of not_opa not logged since its last line\)$/,
  );
});

Deno.test("OpaCheck fails closed on a body that is not OPA's", async () => {
  const [server] = await opaServers({
    "/v1/data/test/admin_only": () => new Response("<html>proxy error</html>", { status: 200 }),
    "/v1/data/test/obj": () =>
      new Response(JSON.stringify({ code: "invalid_parameter", message: "bad" }), { status: 400 }),
  });
  await using _ = server!;
  const { e, warnings } = opaEnforcer(server!.url, POLICY);
  assert.equal(await e.enforce("admin_only", {}, admin), false);
  assert.equal(await e.enforce("obj", {}, admin), false);
  assert.match(warnings.join("\n"), /not a JSON object/);
  assert.match(warnings.join("\n"), /OPA answered 400 .*invalid_parameter: bad/);
});

Deno.test("OpaCheck with no OPA configured denies with a hint", async () => {
  const warnings: string[] = [];
  const e = new Enforcer({ policy: POLICY, onWarning: (w) => warnings.push(w) });
  assert.equal(await e.enforce("admin_only", {}, admin), false);
  assert.match(warnings.join("\n"), /no OPA rest engine is configured \(\[oslo_policy\] opa_url\)/);
  assert.equal(String(await e.ruleCheck("obj")), "opa:rest:test/obj");
});

Deno.test("the OPA stand-in answers errors in OPA's documented shapes", async () => {
  const [server] = await opaServers();
  await using _ = server!;
  const bad = await fetch(`${server!.url}/v1/data/test/admin_only`, {
    method: "POST",
    body: "{nope",
  });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).code, "invalid_parameter");
  const missing = await fetch(`${server!.url}/v2/nothing`);
  assert.equal(missing.status, 404);
  assert.equal(await missing.text(), "404 page not found\n");
  const undef = await fetch(`${server!.url}/v1/data/no/such/doc`, {
    method: "POST",
    body: '{"input": {}}',
  });
  assert.deepEqual([undef.status, await undef.json()], [200, {}]);
  const pkg = await fetch(`${server!.url}/v1/data/identity`, {
    method: "POST",
    body: JSON.stringify({ input: { credentials: { roles: ["admin"] } } }),
  });
  assert.deepEqual(await pkg.json(), { result: { get_user: true, delete_user: true } });
});

Deno.test("OpaClient.evaluateMany() decides several documents in one /v1/query round trip", async () => {
  for (const server of await opaServers()) {
    await using _ = server;
    const client = new OpaClient({ url: server.url, timeoutMs: 2000 });
    const got = await client.evaluateMany([
      { path: "test/admin_only", input: { credentials: { roles: ["admin"] } } },
      { path: "test/admin_only", input: { credentials: { roles: [] } } },
      { path: "test/maybe", input: {} },
      { path: "oslo/limit/check", input: { credentials: { roles: ["member"] } } },
    ]);
    assert.deepEqual(got, [true, false, undefined, { allow: true }]);
    if (server.standin) {
      assert.equal(server.requests.filter((r) => r.path === "/v1/query").length, 1);
    }
    await assert.rejects(
      client.evaluateMany([{ path: "test/conflict", input: { target: { conflict: true } } }]),
      (err: unknown) => err instanceof OpaError && err.status === 500,
    );
  }
});
