import assert from "node:assert/strict";
import { createApp } from "../../functions/app.ts";
import { serviceConfig } from "../../functions/service.ts";
import { createVerifier, type Credentials, mapClaims } from "../../functions/shell/auth.ts";
import { makeKey, signToken, type TestKey, unsecuredToken } from "./_jwt.ts";

const ISSUER = "https://keystone.example/v3";
const AUDIENCE = "oslo-edge";

async function authApp(key: TestKey, claimMap: Record<string, string> = {}) {
  const verify = await createVerifier({
    publicKey: key.spki,
    issuer: ISSUER,
    audience: [AUDIENCE],
    algorithms: ["ES256", "RS256"],
    claimMap,
  });
  const app = createApp({
    verify,
    maxBodySize: 114688,
    schemas: { "oslo-edge": serviceConfig().groups() },
  });
  // A probe route that shows the mapped credentials.
  app.get("/v1/whoami", (c) => c.json(c.get("credentials")));
  return app;
}

const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

async function assertInvalid(res: Response, fragment: RegExp) {
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("Content-Type"), "application/problem+json");
  const challenge = res.headers.get("WWW-Authenticate") ?? "";
  assert.match(challenge, /^Bearer /);
  assert.match(challenge, /error="invalid_token"/);
  const body = await res.json();
  assert.equal(body.type, "urn:oslo-edge:problem:invalid-token");
  assert.match(body.detail, fragment);
}

const key = await makeKey("ES256");
const good = { issuer: ISSUER, audience: AUDIENCE };

Deno.test("authenticate() maps a valid token's claims to oslo credentials", async () => {
  const app = await authApp(key);
  const token = await signToken(key, {
    sub: "u1",
    project_id: "p1",
    roles: ["member", "reader"],
    system_scope: "all",
  }, good);
  const res = await app.request("/v1/whoami", bearer(token));
  assert.equal(res.status, 200);
  const creds = await res.json() as Credentials;
  assert.equal(creds.user_id, "u1");
  assert.equal(creds.project_id, "p1");
  assert.deepEqual(creds.roles, ["member", "reader"]);
  assert.equal(creds.system_scope, "all");
  assert.equal(creds.domain_id, null);
});

Deno.test("authenticate() follows a configured claim map with dotted paths", async () => {
  const app = await authApp(key, { roles: "realm_access.roles", project_id: "tenant" });
  const token = await signToken(key, {
    sub: "u2",
    tenant: "t9",
    realm_access: { roles: ["admin"] },
  }, good);
  const creds = await (await app.request("/v1/whoami", bearer(token))).json() as Credentials;
  assert.deepEqual(creds.roles, ["admin"]);
  assert.equal(creds.project_id, "t9");
});

Deno.test("authenticate() refuses a request without a token with a Bearer challenge", async () => {
  const res = await (await authApp(key)).request("/v1/whoami");
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("WWW-Authenticate"), 'Bearer realm="oslo-edge"');
  assert.equal((await res.json()).type, "urn:oslo-edge:problem:unauthenticated");
});

Deno.test("authenticate() refuses an expired token", async () => {
  const token = await signToken(key, { sub: "u" }, { ...good, expiresIn: -60 });
  await assertInvalid(await (await authApp(key)).request("/v1/whoami", bearer(token)), /expired/);
});

Deno.test("authenticate() refuses a token that is not yet valid", async () => {
  const token = await signToken(key, { sub: "u" }, { ...good, notBefore: 120 });
  await assertInvalid(
    await (await authApp(key)).request("/v1/whoami", bearer(token)),
    /not yet valid/,
  );
});

Deno.test("authenticate() refuses a token for another audience", async () => {
  const token = await signToken(key, { sub: "u" }, { ...good, audience: "someone-else" });
  await assertInvalid(await (await authApp(key)).request("/v1/whoami", bearer(token)), /audience/);
});

Deno.test("authenticate() refuses a token from another issuer", async () => {
  const token = await signToken(key, { sub: "u" }, { ...good, issuer: "https://evil.example" });
  await assertInvalid(await (await authApp(key)).request("/v1/whoami", bearer(token)), /issuer/);
});

Deno.test("authenticate() refuses a token signed by another key", async () => {
  const other = await makeKey("ES256");
  const token = await signToken(other, { sub: "u" }, good);
  await assertInvalid(await (await authApp(key)).request("/v1/whoami", bearer(token)), /signature/);
});

Deno.test("authenticate() refuses alg: none", async () => {
  const token = unsecuredToken({ sub: "admin", roles: ["admin"], iss: ISSUER, aud: AUDIENCE });
  await assertInvalid(
    await (await authApp(key)).request("/v1/whoami", bearer(token)),
    /algorithm|malformed/,
  );
});

Deno.test("authenticate() refuses a token without exp", async () => {
  const token = await signToken(key, { sub: "u" }, { ...good, noExp: true });
  await assertInvalid(await (await authApp(key)).request("/v1/whoami", bearer(token)), /expiry/);
});

Deno.test("authenticate() refuses a non-bearer Authorization header", async () => {
  const res = await (await authApp(key)).request("/v1/whoami", {
    headers: { Authorization: "Basic dTpw" },
  });
  await assertInvalid(res, /not a bearer token/);
});

Deno.test("authenticate() leaves /healthcheck open when auth is on", async () => {
  const res = await (await authApp(key)).request("/healthcheck");
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "OK");
});

Deno.test("authenticate() answers malformed JSON with 401 before reading the body", async () => {
  const res = await (await authApp(key)).request("/v1/config/validate", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{oops",
  });
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("Content-Type"), "application/problem+json");
});

Deno.test("createVerifier() fetches keys from a JWKS URL over real HTTP", async () => {
  const rsa = await makeKey("RS256");
  let fetched = 0;
  await using server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, () => {
    fetched++;
    return Response.json({ keys: [rsa.jwk] });
  });
  const verify = await createVerifier({
    jwksUrl: `http://127.0.0.1:${server.addr.port}/jwks`,
    algorithms: ["RS256"],
  });
  const creds = await verify(await signToken(rsa, { sub: "u3", roles: "reader,member" }));
  assert.equal(creds.user_id, "u3");
  assert.deepEqual(creds.roles, ["reader", "member"]);
  await verify(await signToken(rsa, { sub: "u4" }));
  assert.equal(fetched, 1, "the key set is cached between tokens");
  const stranger = await makeKey("RS256");
  await assert.rejects(verify(await signToken(stranger, { sub: "x" })), /no known key/);
});

Deno.test("createVerifier() refuses a configuration that allows only none", async () => {
  await assert.rejects(createVerifier({ publicKey: key.spki, algorithms: ["none"] }), TypeError);
});

Deno.test("mapClaims() keeps oslo's defaults for missing claims", () => {
  const creds = mapClaims({ sub: "u" });
  assert.equal(creds.user_id, "u");
  assert.deepEqual(creds.roles, []);
  assert.equal(creds.is_admin_project, true);
  assert.equal(creds.project_id, null);
});
