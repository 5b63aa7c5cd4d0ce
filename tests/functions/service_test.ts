import assert from "node:assert/strict";
import { ConfigFilesNotFoundError, ConfigFileValueError } from "../../lib/config/mod.ts";
import { createService, StartupError } from "../../functions/service.ts";
import { makeKey, signToken } from "./_jwt.ts";

Deno.test("createService() in dev mode turns auth off and says so", async () => {
  const { app, warnings } = await createService({ args: ["--dev"], env: {} });
  assert.ok(warnings.some((w) => /authentication is OFF/.test(w)));
  const res = await app.request("/v1/config/validate", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ config: "[DEFAULT]\ndebug = true\n" }),
  });
  assert.equal(res.status, 200);
});

Deno.test("createService() refuses noauth outside dev mode, naming the source", async () => {
  await assert.rejects(
    createService({ env: { OS_AUTH__STRATEGY: "noauth" } }),
    (e) =>
      e instanceof StartupError && /noauth/.test(e.message) && /OS_AUTH__STRATEGY/.test(e.message),
  );
});

Deno.test("createService() refuses jwt without a key outside dev mode", async () => {
  await assert.rejects(
    createService({ env: {} }),
    (e) => e instanceof StartupError && /jwks_url/.test(e.message),
  );
});

Deno.test("createService() stops on an invalid value, naming the option and its file and line", async () => {
  await assert.rejects(
    createService({
      args: ["--dev"],
      env: {},
      texts: [{
        name: "edge.conf",
        text: "[DEFAULT]\n\n[oslo_middleware]\nmax_request_body_size = lots\n",
      }],
    }),
    (e) =>
      e instanceof ConfigFileValueError && e.option === "oslo_middleware/max_request_body_size" &&
      e.source === "edge.conf:4",
  );
});

Deno.test("createService() stops on an invalid environment value, naming the variable", async () => {
  await assert.rejects(
    createService({ args: ["--dev"], env: { OS_AUTH__CLOCK_SKEW: "-5" } }),
    (e) =>
      e instanceof ConfigFileValueError && /auth\/clock_skew/.test(e.message) &&
      /OS_AUTH__CLOCK_SKEW/.test(e.message),
  );
});

Deno.test("createService() reports a missing --config-file", async () => {
  await assert.rejects(
    createService({ args: ["--dev", "--config-file", "/nonexistent/edge.conf"], env: {} }),
    (e) => e instanceof ConfigFilesNotFoundError && e.files[0] === "/nonexistent/edge.conf",
  );
});

Deno.test("createService() verifies tokens with a configured public key file", async () => {
  const key = await makeKey("ES256");
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/key.pem`, key.spki);
    await Deno.writeTextFile(
      `${dir}/edge.conf`,
      `[auth]\npublic_key_file = ${dir}/key.pem\nissuer = https://idp\naudience = edge\nalgorithms = ES256\n`,
    );
    const { app, warnings } = await createService({
      args: ["--config-file", `${dir}/edge.conf`],
      env: {},
    });
    assert.deepEqual(warnings, []);
    const token = await signToken(key, { sub: "u" }, { issuer: "https://idp", audience: "edge" });
    const ok = await app.request("/v1/config/validate", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ config: "" }),
    });
    assert.equal(ok.status, 200);
    const none = await app.request("/v1/config/validate", { method: "POST" });
    assert.equal(none.status, 401);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Env for jwt mode with a real key file in `dir`, plus `extra`. */
async function jwtEnv(dir: string, extra: Record<string, string> = {}) {
  const key = await makeKey("ES256");
  await Deno.writeTextFile(`${dir}/key.pem`, key.spki);
  return { OS_AUTH__PUBLIC_KEY_FILE: `${dir}/key.pem`, ...extra };
}

Deno.test("createService() refuses jwt mode without [auth] issuer, with a hint", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      createService({ env: await jwtEnv(dir, { OS_AUTH__AUDIENCE: "edge" }) }),
      (e) =>
        e instanceof StartupError &&
        /no \[auth\] issuer: set it to the iss claim/.test(e.message) &&
        /OS_AUTH__ISSUER/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("createService() warns at start when [auth] audience is empty", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const service = await createService({
      env: await jwtEnv(dir, { OS_AUTH__ISSUER: "https://idp" }),
    });
    await service.close();
    const lines = service.warnings.filter((w) => /audience/.test(w));
    assert.equal(lines.length, 1, service.warnings.join("\n"));
    assert.match(lines[0] ?? "", /^WARNING: \[auth\] audience is empty: tokens for any audience/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("createService() warns about a jwks_url over plain http to another host, not loopback", async () => {
  const env = (url: string) => ({
    OS_AUTH__JWKS_URL: url,
    OS_AUTH__ISSUER: "https://idp",
    OS_AUTH__AUDIENCE: "edge",
  });
  const remote = await createService({ env: env("http://idp.example/jwks") });
  await remote.close();
  assert.deepEqual(
    remote.warnings.filter((w) => /jwks_url/.test(w)),
    [
      'WARNING: [auth] jwks_url "http://idp.example/jwks" is plain http to another host: anyone on the path can swap the signing keys; use https',
    ],
  );
  for (
    const quiet of ["https://idp.example/jwks", "http://127.0.0.1:5000/jwks", "http://[::1]/k"]
  ) {
    const s = await createService({ env: env(quiet) });
    await s.close();
    assert.deepEqual(s.warnings, [], quiet);
  }
});

Deno.test("createService() in dev mode with strategy jwt and no key does not hint at --dev", async () => {
  await assert.rejects(
    createService({ args: ["--dev"], env: { OS_AUTH__STRATEGY: "jwt" } }),
    (e) =>
      e instanceof StartupError &&
      /set \[auth\] jwks_url or \[auth\] public_key_file$/.test(e.message) &&
      !/--dev/.test(e.message),
  );
  await assert.rejects(
    createService({ env: {} }),
    (e) => e instanceof StartupError && /\(or run with --dev\)$/.test(e.message),
  );
});

Deno.test("createService() names where it listens in the auth-off warning", async () => {
  const service = await createService({
    args: ["--dev"],
    env: {},
    listen: (dev) => (dev ? "127.0.0.1 only" : "0.0.0.0"),
  });
  await service.close();
  assert.ok(
    service.warnings.some((w) =>
      /authentication is OFF .*; listening on 127\.0\.0\.1 only$/.test(w)
    ),
    service.warnings.join("\n"),
  );
});

Deno.test("createService() warns about unknown options and groups in its config, with file, line and a suggestion, and starts", async () => {
  const service = await createService({
    args: ["--dev"],
    env: {},
    texts: [{
      name: "edge.conf",
      text: "[DEFAULT]\ndevug = true\n[oslo_middleware]\nmax-request-body-size = 1\n" +
        "[helthcheck]\npath = /hc\n[healthcheck]\nbackends = config\n[keystone_authtoken]\nx = 1\n",
    }],
  });
  try {
    const unknown = service.warnings.filter((w) => w.startsWith("edge.conf:"));
    assert.deepEqual(unknown, [
      'edge.conf:2: ignoring unknown option [DEFAULT] devug: did you mean "debug"?',
      'edge.conf:4: ignoring unknown option [oslo_middleware] max-request-body-size: write max_request_body_size (oslo.config reads option names with "_", not "-")',
      "edge.conf:5: ignoring unknown group [helthcheck]: did you mean [healthcheck]?",
      "edge.conf:9: ignoring unknown group [keystone_authtoken]",
    ]);
    const res = await service.app.request("/healthcheck");
    assert.equal(res.status, 200);
    await res.body?.cancel();
  } finally {
    await service.close();
  }
});
