import assert from "node:assert/strict";
import { createConfigApp } from "../../functions/config.ts";
import { createApp } from "../../functions/app.ts";
import { createService, serviceConfig } from "../../functions/service.ts";
import { ConfigOpts, intOpt, optGroup, strOpt } from "../../lib/config/mod.ts";

const SAMPLE_PATH = new URL("../testdata/config/oslo_sample.yaml", import.meta.url).pathname;
const PROBLEM = "application/problem+json";

const SMALL_SAMPLE = `deprecated_options:
  DEFAULT:
  - name: policy_file
    replacement_group: oslo_policy
    replacement_name: policy_file
options:
  DEFAULT:
    help: ''
    opts: []
  database:
    help: ''
    opts:
    - name: connection
      type: string value
      secret: true
      default: null
    - name: max_pool_size
      type: integer value
      default: 5
      min: 1
      max: null
    - name: pin
      type: integer value
      secret: true
      default: null
  oslo_policy:
    help: ''
    opts:
    - name: policy_file
      type: string value
      default: policy.json
    - name: enforce_scope
      type: boolean value
      default: false
`;

function app(maxBodySize = 1 << 20) {
  return createApp({
    verify: null,
    maxBodySize,
    schemas: { "oslo-edge": serviceConfig().groups() },
  });
}

function post(path: string, body: unknown, size = 1 << 20) {
  return app(size).request(`/v1/config${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

Deno.test("POST /v1/config/validate checks a config against an inline sample, as oslo-config-validator", async () => {
  const res = await post("/validate", {
    config: "[DEFAULT]\npolicy_file = p.json\n[database]\nmax_pool_size = 0\nmax_pool_sise = 2\n",
    sample: SMALL_SAMPLE,
    file: "nova.conf",
    fatal_warnings: true,
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.valid, false);
  assert.equal(body.exit_status, 1);
  assert.deepEqual(
    body.findings.map((
      f: { kind: string; line: number; hint?: string },
    ) => [f.kind, f.line, f.hint ?? ""]),
    [
      ["deprecated-option", 2, "use [oslo_policy] policy_file"],
      ["unknown-option", 5, 'did you mean "max_pool_size"?'],
      ["invalid-value", 4, ""],
    ],
  );
});

Deno.test("POST /v1/config/validate never sends back a secret value", async () => {
  const res = await post("/validate", {
    config:
      "[database]\nconnection = mysql+pymysql://nova:hunter2@db/nova\nadmin_password hunter2\n",
    sample: SMALL_SAMPLE,
  });
  const text = await res.text();
  assert.equal(res.status, 200);
  assert.match(text, /parse-error/);
  assert.doesNotMatch(text, /hunter2/);
  const typed = await post("/validate", {
    config: "[database]\npin = hunter2\n",
    sample: SMALL_SAMPLE,
    check_defaults: true,
  });
  const typedText = await typed.text();
  assert.match(typedText, /invalid-value/);
  assert.doesNotMatch(typedText, /hunter2/);
});

Deno.test("POST /v1/config/validate refuses a bad sample, two schemas, or an unknown schema name", async () => {
  const bad = await post("/validate", { config: "", sample: "just: text\n" });
  assert.equal(bad.status, 422);
  assert.equal(bad.headers.get("Content-Type"), PROBLEM);
  assert.equal((await bad.json()).type, "urn:oslo-edge:problem:config-schema");
  const both = await post("/validate", { config: "", sample: SMALL_SAMPLE, schema: "oslo-edge" });
  assert.equal(both.status, 400);
  assert.deepEqual((await both.json()).errors.map((e: { path: string }) => e.path), ["sample"]);
  const unknown = await post("/validate", { config: "", schema: "nova" });
  assert.equal(unknown.status, 400);
  assert.match((await unknown.json()).errors[0].message, /known: oslo-edge/);
});

Deno.test("POST /v1/config/validate refuses a bad exclude_options pattern with a 400 naming the field", async () => {
  const res = await post("/validate", {
    config: "[database]\nmax_pool_size = 3\n",
    sample: SMALL_SAMPLE,
    check_defaults: true,
    exclude_options: ["connection", "a(b"],
  });
  assert.equal(res.status, 400);
  assert.equal(res.headers.get("Content-Type"), PROBLEM);
  const body = await res.json();
  assert.equal(body.type, "urn:oslo-edge:problem:validation");
  assert.deepEqual(body.errors, [{
    path: "exclude_options.1",
    message: 'Cannot use exclude pattern "a(b": Unterminated group',
  }]);
});

Deno.test("POST /v1/config/validate bounds what caller patterns can cost (ReDoS)", async () => {
  const issue = async (extra: Record<string, unknown>) => {
    const res = await post("/validate", {
      config: "[database]\nmax_pool_size = 3\n",
      sample: SMALL_SAMPLE,
      check_defaults: true,
      ...extra,
    });
    assert.equal(res.status, 400);
    return (await res.json()).errors[0];
  };
  const nested = await issue({ exclude_options: ["(a+)+$"] });
  assert.equal(nested.path, "exclude_options.0");
  assert.match(nested.message, /nested quantifiers .* are not allowed/);
  assert.match((await issue({ exclude_options: [".*.*.*x"] })).message, /more than 2 times/);
  assert.match((await issue({ exclude_options: ["y".repeat(129)] })).message, /longer than 128/);
  const many = await issue({ exclude_options: Array.from({ length: 17 }, (_, i) => `p${i}`) });
  assert.equal(many.path, "exclude_options.16");
  const longName = "a".repeat(81);
  const sample = SMALL_SAMPLE.replace("    - name: pin\n", `    - name: ${longName}\n`);
  const long = await issue({ sample, exclude_options: ["a*x"] });
  assert.equal(long.path, "sample");
  assert.match(long.message, /is longer than 80 characters: exclude_options cannot run against it/);
  // The same sample without caller patterns is validated.
  const ok = await post("/validate", { config: "", sample, check_defaults: true });
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
});

Deno.test("POST /v1/config/validate keeps to the body limit, and its 413 says to name big samples", async () => {
  const sample = await Deno.readTextFile(SAMPLE_PATH);
  const res = await post("/validate", { config: "", sample }, 64 * 1024);
  assert.equal(res.status, 413);
  const problem = await res.json();
  assert.equal(problem.type, "urn:oslo-edge:problem:body-too-large");
  assert.equal(
    problem.detail,
    `Request body is larger than 65536 bytes ([oslo_middleware] max_request_body_size): to validate against a large sample (Keystone's is about 330 KB), put it in [config] sample_dir and name it with "schema" (keystone.yaml is "schema": "keystone") instead of sending it inline`,
  );
  const elsewhere = await app(16).request("/v1/policy/enforce", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ rule: "x".repeat(64) }),
  });
  assert.equal(elsewhere.status, 413);
  assert.doesNotMatch((await elsewhere.json()).detail, /sample_dir/);
  const ok = await post("/validate", { config: "[oslo_policy]\nenforce_scope = maybe\n", sample });
  assert.equal((await ok.json()).findings[0].kind, "invalid-value");
});

Deno.test("POST /v1/config/migrate returns the rewritten text, its diff, the changes and the warnings", async () => {
  const config = "[DEFAULT]\n# which file\npolicy_file = p.json\nrabbit_password = hunter2\n";
  const res = await post("/migrate", { config, sample: SMALL_SAMPLE, file: "nova.conf" });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(
    body.text,
    "[DEFAULT]\n# which file\nrabbit_password = hunter2\n\n[oslo_policy]\npolicy_file = p.json\n",
  );
  assert.equal(body.changed, true);
  assert.match(body.diff, /^--- nova\.conf\n\+\+\+ nova\.conf \(migrated\)\n/);
  assert.equal(body.changes[0].action, "moved");
  assert.equal(body.warnings[0].kind, "merge");
  assert.doesNotMatch(JSON.stringify(body.warnings), /hunter2/);
});

Deno.test("POST /v1/config/migrate answers an unparsable config with a 422 naming the line", async () => {
  const res = await post("/migrate", { config: "[DEFAULT]\nbroken\n", sample: SMALL_SAMPLE });
  assert.equal(res.status, 422);
  const body = await res.json();
  assert.equal(body.type, "urn:oslo-edge:problem:config-parse");
  assert.equal(body.line, 2);
});

Deno.test("GET /v1/config/status reports loads and reloads without values", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a.conf`, "[DEFAULT]\nmut = 1\nsecret = s3cret\n");
    const conf = await new ConfigOpts({ logger: { info() {}, warn() {}, error() {} } })
      .register(
        optGroup("DEFAULT", [
          intOpt("mut", { mutable: true }),
          strOpt("secret", { secret: true, mutable: true }),
        ]),
      )
      .load({ args: ["--config-file", `${dir}/a.conf`], env: false });
    const router = createConfigApp({ schemas: {}, status: () => conf.reloadStatus() });
    let body = await (await router.request("/status")).json();
    assert.equal(body.loaded, true);
    assert.equal(body.reloads, 0);
    await Deno.writeTextFile(`${dir}/a.conf`, "[DEFAULT]\nmut = 2\nsecret = n3w\n");
    await conf.reload();
    body = await (await router.request("/status")).json();
    assert.equal(body.reloads, 1);
    assert.deepEqual(body.last_reload.changed, ["DEFAULT.mut", "DEFAULT.secret"]);
    assert.doesNotMatch(JSON.stringify(body), /s3cret|n3w/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("createService() serves the samples of [config] sample_dir as named schemas", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.copyFile(SAMPLE_PATH, `${dir}/oslo.yaml`);
    const { app } = await createService({
      args: ["--dev"],
      env: {},
      texts: [{ name: "edge.conf", text: `[config]\nsample_dir = ${dir}\n` }],
    });
    const res = await app.request("/v1/config/validate", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ config: "[DEFAULT]\ndevug = true\n", schema: "oslo" }),
    });
    const body = await res.json();
    assert.equal(body.findings[0].log, "ERROR:root:DEFAULT/devug is not part of the sample config");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
