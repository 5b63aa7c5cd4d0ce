import assert from "node:assert/strict";
import { Hono } from "hono";
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { type AppEnv, createApp } from "../../functions/app.ts";
import { createService, StartupError } from "../../functions/service.ts";
import { createVerifier } from "../../functions/shell/auth.ts";
import {
  callerCredentials,
  createAuthorize,
  registerPolicyDefaults,
  requirePolicy,
} from "../../functions/shell/authorize.ts";
import { onError } from "../../functions/shell/problem.ts";
import { DuplicatePolicyError, Enforcer } from "../../lib/policy/mod.ts";

const POLICY = `"admin": "role:admin"
"project:read": "rule:admin or project_id:%(project_id)s"
"policy:list_rules": "rule:admin"
`;

function devApp(policy = POLICY) {
  const enforcer = new Enforcer({ policy, onWarning: () => {} });
  return createApp({ verify: null, maxBodySize: 65536, schemas: {}, policy: enforcer });
}

const post = (
  app: Hono<AppEnv>,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  app.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

Deno.test("POST /v1/policy/enforce decides for the body's credentials when auth is off", async () => {
  const app = devApp();
  const allow = await post(app, "/v1/policy/enforce", {
    rule: "project:read",
    target: { project_id: "p1" },
    credentials: { roles: [], project_id: "p1" },
  });
  assert.equal(allow.status, 200);
  assert.deepEqual(await allow.json(), { rule: "project:read", allowed: true });
  const deny = await post(app, "/v1/policy/enforce", {
    rule: "project:read",
    target: { project_id: "p2" },
    credentials: { roles: [], project_id: "p1" },
  });
  assert.deepEqual(await deny.json(), { rule: "project:read", allowed: false });
});

Deno.test("POST /v1/policy/enforce:batch decides many requests in one call", async () => {
  const res = await post(devApp(), "/v1/policy/enforce:batch", {
    requests: [
      { rule: "project:read", target: { project_id: "p1" } },
      { rule: "project:read", target: { project_id: "p2" } },
      { rule: "admin" },
      { rule: "unknown" },
    ],
    credentials: { roles: [], project_id: "p1" },
  });
  assert.equal(res.status, 200);
  assert.deepEqual((await res.json()).results.map((r: { allowed: boolean }) => r.allowed), [
    true,
    false,
    false,
    false,
  ]);
});

Deno.test("POST /v1/policy/enforce refuses bad bodies with problem+json naming the field", async () => {
  const app = devApp();
  const missing = await post(app, "/v1/policy/enforce", { target: {} });
  assert.equal(missing.status, 400);
  assert.equal(missing.headers.get("content-type"), "application/problem+json");
  const p = await missing.json();
  assert.equal(p.type, "urn:oslo-edge:problem:validation");
  assert.deepEqual(p.errors.map((e: { path: string }) => e.path), ["rule"]);
  const extra = await post(app, "/v1/policy/enforce", { rule: "a", bogus: 1 });
  assert.equal(extra.status, 400);
  const notJson = await post(app, "/v1/policy/enforce", "{nope");
  assert.equal((await notJson.json()).type, "urn:oslo-edge:problem:malformed-json");
  const batchEmpty = await post(app, "/v1/policy/enforce:batch", { requests: [] });
  assert.equal(batchEmpty.status, 400);
});

Deno.test("GET /v1/policy/rules lists rules, guarded by policy:list_rules (403 problem otherwise)", async () => {
  const denied = await devApp().request("/v1/policy/rules");
  assert.equal(denied.status, 403);
  const p = await denied.json();
  assert.equal(p.type, "urn:oslo-edge:problem:policy-not-authorized");
  assert.equal(p.detail, "policy:list_rules is disallowed by policy");
  const open = await devApp(
    POLICY.replace('"policy:list_rules": "rule:admin"', '"policy:list_rules": "@"'),
  )
    .request("/v1/policy/rules");
  assert.equal(open.status, 200);
  const { rules } = await open.json();
  const byName = Object.fromEntries(rules.map((r: { name: string }) => [r.name, r]));
  assert.equal(byName["project:read"].check, "(rule:admin or project_id:%(project_id)s)");
  assert.equal(byName["project:read"].source, "file");
  assert.equal(byName["policy:enforce"].source, "default");
});

Deno.test("GET /v1/policy/rules in dev mode takes credentials from X-Oslo-Edge-Credentials", async () => {
  const app = devApp(POLICY.replace('"policy:list_rules": "rule:admin"\n', "")); // the default rule
  const get = (headers: Record<string, string> = {}) =>
    app.request("/v1/policy/rules", { headers });
  assert.equal((await get()).status, 403); // nobody's credentials
  const reader = await get({ "X-Oslo-Edge-Credentials": '{"roles": ["reader"]}' });
  assert.equal(reader.status, 200);
  assert.ok((await reader.json()).rules.some((r: { name: string }) => r.name === "project:read"));
  const member = await get({ "X-Oslo-Edge-Credentials": '{"roles": ["member"]}' });
  assert.equal(member.status, 403);
  for (const [value, detail] of [["{nope", /header: .*JSON/], ["[1]", /expected a JSON object/]]) {
    const bad = await get({ "X-Oslo-Edge-Credentials": value as string });
    assert.equal(bad.status, 400);
    const p = await bad.json();
    assert.equal(p.type, "urn:oslo-edge:problem:validation");
    assert.match(p.detail, /Cannot read the X-Oslo-Edge-Credentials header/);
    assert.match(p.detail, detail as RegExp);
    assert.equal(p.errors[0].path, "X-Oslo-Edge-Credentials");
  }
});

Deno.test("POST /v1/policy/enforce takes credentials from the verified token, never from the body", async () => {
  const { publicKey, privateKey } = await generateKeyPair("ES256");
  const verify = await createVerifier({
    publicKey: await exportSPKI(publicKey),
    algorithms: ["ES256"],
  });
  const enforcer = new Enforcer({ policy: POLICY, onWarning: () => {} });
  const app = createApp({ verify, maxBodySize: 65536, schemas: {}, policy: enforcer });
  const token = await new SignJWT({ roles: ["member"], project_id: "p1" })
    .setProtectedHeader({ alg: "ES256" }).setSubject("u1").setExpirationTime("5m").sign(privateKey);
  const auth = { Authorization: `Bearer ${token}` };
  const ok = await post(app, "/v1/policy/enforce", {
    rule: "project:read",
    target: { project_id: "p1" },
  }, auth);
  assert.deepEqual(await ok.json(), { rule: "project:read", allowed: true });
  const smuggled = await post(app, "/v1/policy/enforce", {
    rule: "admin",
    credentials: { roles: ["admin"] },
  }, auth);
  assert.equal(smuggled.status, 400);
  assert.match((await smuggled.json()).detail, /credentials from the request body/);
  const anonymous = await post(app, "/v1/policy/enforce", { rule: "admin" });
  assert.equal(anonymous.status, 401);
  // on GET, the dev credentials header is refused alike while auth is on
  const reader = await new SignJWT({ roles: ["reader"] })
    .setProtectedHeader({ alg: "ES256" }).setSubject("u1").setExpirationTime("5m").sign(privateKey);
  const rules = (headers: Record<string, string>) =>
    app.request("/v1/policy/rules", { headers: { Authorization: `Bearer ${reader}`, ...headers } });
  assert.equal((await rules({})).status, 403); // POLICY: policy:list_rules is rule:admin
  const header = await rules({ "X-Oslo-Edge-Credentials": '{"roles": ["admin"]}' });
  assert.equal(header.status, 400);
  const p = await header.json();
  assert.equal(p.type, "urn:oslo-edge:problem:validation");
  assert.match(p.detail, /Cannot take credentials from the X-Oslo-Edge-Credentials header/);
});

Deno.test("registerPolicyDefaults() is idempotent and refuses a different default under a taken name", () => {
  const enforcer = new Enforcer({ onWarning: () => {} });
  const defs = [{ name: "limit:check", checkStr: "role:member" }];
  registerPolicyDefaults(enforcer, defs);
  registerPolicyDefaults(enforcer, defs);
  assert.equal(enforcer.defaults.length, 1);
  assert.throws(
    () => registerPolicyDefaults(enforcer, [{ name: "limit:check", checkStr: "@" }]),
    DuplicatePolicyError,
  );
});

Deno.test("requirePolicy() and createAuthorize() guard another area's routes", async () => {
  const enforcer = new Enforcer({ onWarning: () => {} });
  registerPolicyDefaults(enforcer, [{
    name: "limit:claim",
    checkStr: "role:member and project_id:%(project_id)s",
  }]);
  const authorize = createAuthorize(enforcer);
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set("credentials", JSON.parse(c.req.header("x-test-creds") ?? "null"));
    await next();
  });
  app.post(
    "/claim/:project",
    requirePolicy(authorize, "limit:claim", (c) => ({ project_id: c.req.param("project") })),
    (c) => c.text("claimed"),
  );
  app.post("/unregistered", async (c) => {
    await authorize("limit:nope", {}, callerCredentials(c, undefined));
    return c.text("no");
  });
  app.onError(onError);
  const creds = JSON.stringify({ roles: ["member"], project_id: "p1" });
  assert.equal(
    (await app.request("/claim/p1", { method: "POST", headers: { "x-test-creds": creds } })).status,
    200,
  );
  const denied = await app.request("/claim/p2", {
    method: "POST",
    headers: { "x-test-creds": creds },
  });
  assert.equal(denied.status, 403);
  assert.equal((await denied.json()).detail, "limit:claim is disallowed by policy");
  const bug = await app.request("/unregistered", {
    method: "POST",
    headers: { "x-test-creds": creds },
  });
  assert.equal(bug.status, 500);
  assert.match((await bug.json()).detail, /limit:nope has not been registered/);
});

Deno.test("createService() in dev mode serves the embedded sample policy", async () => {
  const { app, warnings } = await createService({ args: ["--dev"], env: {} });
  const res = await app.request("/v1/policy/rules");
  assert.equal(res.status, 200);
  const names = (await res.json()).rules.map((r: { name: string }) => r.name);
  assert.ok(names.includes("example:read"));
  assert.ok(warnings.some((w) => /authentication is OFF/.test(w)));
});

Deno.test("createService() stops at start on a policy file that cannot be parsed, naming it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "svc-policy-" });
  try {
    await Deno.writeTextFile(`${dir}/svc.conf`, "[oslo_policy]\npolicy_file = bad.yaml\n");
    await Deno.writeTextFile(`${dir}/bad.yaml`, '"a": "@"\n  "b": [\n');
    await assert.rejects(
      createService({ args: ["--dev", "--config-file", `${dir}/svc.conf`], env: {} }),
      (err: unknown) => err instanceof StartupError && /bad\.yaml:\d/.test(err.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
