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
  assert.equal(await res.text(), "", "oslo.middleware with no backends: 200, empty body");
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

/** Parses one RFC 7235 challenge (`scheme auth-param, ...`); fails on anything else. */
function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const token = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
  const head = new RegExp(`^(${token})(?: +(.*))?$`).exec(header);
  assert.ok(head, `not a challenge: ${header}`);
  const param = new RegExp(
    `^(${token})[ \\t]*=[ \\t]*(?:(${token})|"((?:[\\t \\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t \\x21-\\x7e])*)")`,
  );
  const params: Record<string, string> = {};
  let rest = head[2] ?? "";
  while (rest !== "") {
    const p = param.exec(rest);
    assert.ok(p, `cannot parse an auth-param at: ${rest}`);
    params[(p[1] as string).toLowerCase()] = p[2] ?? (p[3] as string).replace(/\\(.)/g, "$1");
    rest = rest.slice(p[0].length);
    const sep = /^[ \t]*,[ \t]*/.exec(rest);
    if (!sep) break;
    rest = rest.slice(sep[0].length);
  }
  assert.equal(rest, "", `trailing text in the challenge: ${header}`);
  return { scheme: head[1] as string, params };
}

/** Signs `claims` as given: no `iat`/`exp` of the helper's own. */
const rawToken = (claims: Record<string, unknown>) =>
  signToken(key, { iss: ISSUER, aud: AUDIENCE, ...claims }, { noExp: true, noIat: true });
const future = () => Math.floor(Date.now() / 1000) + 300;

Deno.test("authenticate() says a non-numeric nbf is invalid, not that the token is not yet valid", async () => {
  const token = await rawToken({ exp: future(), nbf: "x" });
  const res = await (await authApp(key)).request("/v1/whoami", bearer(token));
  const detail = (await res.clone().json()).detail;
  assert.doesNotMatch(detail, /not yet valid/);
  await assertInvalid(res, /not-before time \(nbf\) is not a number of seconds/);
});

Deno.test("authenticate() says a non-numeric exp is invalid, not that the token has none", async () => {
  const token = await rawToken({ exp: "x" });
  const res = await (await authApp(key)).request("/v1/whoami", bearer(token));
  const detail = (await res.clone().json()).detail;
  assert.doesNotMatch(detail, /no expiry/);
  await assertInvalid(res, /expiry \(exp\) is not a number of seconds/);
});

Deno.test("authenticate() tells a missing issuer from a wrong one", async () => {
  const token = await signToken(key, { sub: "u" }, { audience: AUDIENCE });
  await assertInvalid(
    await (await authApp(key)).request("/v1/whoami", bearer(token)),
    /has no issuer \(iss\)/,
  );
});

Deno.test("authenticate() sends a WWW-Authenticate challenge that parses, whatever the claim", async () => {
  const app = await authApp(key);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ exp: future(), iat: "x" }, /^the token's issue time \(iat\) is not a number of seconds$/],
    [{ exp: future(), nbf: "x" }, /^the token's not-before time \(nbf\) is not a number/],
    [{ exp: "x" }, /^the token's expiry \(exp\) is not a number/],
    [{ exp: future() - 600 }, /^the token has expired$/],
    [{ exp: future(), aud: "other" }, /^the token has the wrong audience$/],
  ];
  for (const [claims, description] of cases) {
    const res = await app.request("/v1/whoami", bearer(await rawToken(claims)));
    await res.body?.cancel();
    assert.equal(res.status, 401);
    const header = res.headers.get("WWW-Authenticate") ?? "";
    const { scheme, params } = parseChallenge(header);
    assert.equal(scheme, "Bearer");
    assert.equal(params.realm, "oslo-edge");
    assert.equal(params.error, "invalid_token");
    assert.match(params.error_description ?? "", description, header);
    // RFC 6750 §3: error_description is printable ASCII without '"' and '\'.
    assert.match(params.error_description ?? "", /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/, header);
  }
});

// The same refusals through a real function route, not only the probe route.
const ENFORCE = "/v1/policy/enforce";
const enforceBody = (token: string) => ({
  method: "POST",
  headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
  body: JSON.stringify({ rule: "example:read" }),
});

Deno.test("authenticate() refuses an expired token on POST /v1/policy/enforce", async () => {
  const token = await signToken(key, { sub: "u" }, { ...good, expiresIn: -60 });
  await assertInvalid(await (await authApp(key)).request(ENFORCE, enforceBody(token)), /expired/);
});

Deno.test("authenticate() refuses a token for another audience on POST /v1/policy/enforce", async () => {
  const token = await signToken(key, { sub: "u" }, { ...good, audience: "someone-else" });
  await assertInvalid(
    await (await authApp(key)).request(ENFORCE, enforceBody(token)),
    /wrong audience/,
  );
});

Deno.test("authenticate() refuses alg: none on POST /v1/policy/enforce", async () => {
  const token = unsecuredToken({ sub: "admin", roles: ["admin"], iss: ISSUER, aud: AUDIENCE });
  await assertInvalid(
    await (await authApp(key)).request(ENFORCE, enforceBody(token)),
    /algorithm|malformed/,
  );
});

Deno.test("authenticate() lets a valid token through to POST /v1/policy/enforce", async () => {
  const token = await signToken(key, { sub: "u", roles: ["reader"] }, good);
  const res = await (await authApp(key)).request(ENFORCE, enforceBody(token));
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { rule: "example:read", allowed: false });
});
