import assert from "node:assert/strict";
import { authBody, KeystoneClient, KeystoneError } from "../../lib/limit/mod.ts";

const base = { authUrl: "http://ks:5000" };

Deno.test("authBody() builds keystoneauth's password auth with its scopes and domain defaults", () => {
  assert.deepEqual(
    authBody({
      ...base,
      username: "nova",
      password: "p",
      defaultDomainId: "default",
      projectName: "service",
    }),
    {
      identity: {
        methods: ["password"],
        password: { user: { name: "nova", domain: { id: "default" }, password: "p" } },
      },
      scope: { project: { name: "service", domain: { id: "default" } } },
    },
  );
  assert.deepEqual(authBody({ ...base, userId: "u1", password: "p", systemScope: "all" }).scope, {
    system: { all: true },
  });
  assert.deepEqual(authBody({ ...base, userId: "u1", password: "p", domainName: "edge" }).scope, {
    domain: { name: "edge" },
  });
  assert.equal(authBody({ ...base, userId: "u1", password: "p" }).scope, undefined);
});

Deno.test("authBody() builds application-credential auth, unscoped", () => {
  assert.deepEqual(
    authBody({ ...base, applicationCredentialId: "ac", applicationCredentialSecret: "s" }),
    {
      identity: {
        methods: ["application_credential"],
        application_credential: { id: "ac", secret: "s" },
      },
    },
  );
  assert.deepEqual(
    authBody({
      ...base,
      authType: "v3applicationcredential",
      applicationCredentialName: "limits",
      applicationCredentialSecret: "s",
      username: "nova",
      userDomainName: "Default",
    }).identity,
    {
      methods: ["application_credential"],
      application_credential: {
        name: "limits",
        secret: "s",
        user: { name: "nova", domain: { name: "Default" } },
      },
    },
  );
});

Deno.test("authBody() names the options missing for the chosen auth type", () => {
  assert.throws(
    () => authBody({ ...base, username: "nova" }),
    /set \[oslo_limit\] username \(or user_id\) and password/,
  );
  assert.throws(
    () => authBody({ ...base, username: "nova", password: "p" }),
    /user_domain_id or user_domain_name/,
  );
  assert.throws(
    () => authBody({ ...base, authType: "v3applicationcredential", applicationCredentialId: "x" }),
    /application_credential_secret/,
  );
  assert.throws(
    () => authBody({ ...base, applicationCredentialName: "n", applicationCredentialSecret: "s" }),
    /application_credential_name with user_id or username/,
  );
});

Deno.test("KeystoneClient() adds /v3 to the URL and reports an unreachable Keystone with status 0", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const c = new KeystoneClient({
    authUrl: `http://127.0.0.1:${port}/`,
    userId: "u",
    password: "secret-pw",
  });
  assert.equal(c.url, `http://127.0.0.1:${port}/v3`);
  await assert.rejects(c.get("/limits/model"), (e: unknown) => {
    assert.ok(e instanceof KeystoneError);
    assert.equal(e.status, 0);
    assert.match(e.message, /Cannot reach Keystone at http:\/\/127\.0\.0\.1:\d+\/v3/);
    assert.ok(!e.message.includes("secret-pw"));
    return true;
  });
});
