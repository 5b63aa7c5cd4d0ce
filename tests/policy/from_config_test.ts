import assert from "node:assert/strict";
import { ConfigOpts } from "../../lib/config/mod.ts";
import { enforcerFromConfig, POLICY_OPTS, PolicyFileError } from "../../lib/policy/mod.ts";

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "policy-conf-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function confFor(dir: string, ini: string): Promise<ConfigOpts> {
  await Deno.writeTextFile(`${dir}/svc.conf`, ini);
  const conf = new ConfigOpts().register(POLICY_OPTS);
  return await conf.load({ args: ["--config-file", `${dir}/svc.conf`], env: false });
}

const quiet = { onWarning: () => {} };

Deno.test("enforcerFromConfig() finds policy_file and policy_dirs next to the config file", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/my-policy.yaml`, '"a": "role:x"\n');
    await Deno.mkdir(`${dir}/extra.d`);
    await Deno.writeTextFile(`${dir}/extra.d/1.yaml`, '"b": "role:y"\n');
    const conf = await confFor(
      dir,
      "[oslo_policy]\npolicy_file = my-policy.yaml\npolicy_dirs = extra.d\nenforce_scope = true\n",
    );
    const e = await enforcerFromConfig(conf, {
      ...quiet,
      defaults: [{ name: "c", checkStr: "@", scopeTypes: ["system"] }],
    });
    assert.equal(await e.enforce("a", {}, { roles: ["x"] }), true);
    assert.equal(await e.enforce("b", {}, { roles: ["y"] }), true);
    assert.equal(await e.enforce("c", {}, { roles: [] }), false); // enforce_scope = true
    assert.deepEqual(e.status().sources, [`${dir}/my-policy.yaml`, `${dir}/extra.d/1.yaml`]);
  });
});

Deno.test("enforcerFromConfig() reads policy.json when policy_file is left at its default", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/policy.json`, '{"a": "@"}');
    const conf = await confFor(dir, "[DEFAULT]\n");
    const e = await enforcerFromConfig(conf, quiet);
    assert.equal(await e.enforce("a", {}, {}), true);
  });
});

Deno.test("enforcerFromConfig() takes policy_file from [DEFAULT] (deprecated group) and policy_default_rule", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/p.yaml`, '"fallback": "@"\n');
    const conf = await confFor(
      dir,
      "[DEFAULT]\npolicy_file = p.yaml\npolicy_default_rule = fallback\n",
    );
    const e = await enforcerFromConfig(conf, quiet);
    assert.equal(await e.enforce("anything", {}, {}), true);
  });
});

Deno.test("enforcerFromConfig() uses the fallback policy only when no file is found", async () => {
  await inTempDir(async (dir) => {
    const conf = await confFor(dir, "[oslo_policy]\npolicy_file = nope.yaml\n");
    const e = await enforcerFromConfig(conf, {
      ...quiet,
      fallbackPolicy: { name: "embedded.yaml", text: '"a": "@"\n' },
    });
    assert.equal(await e.enforce("a", {}, {}), true);
    assert.deepEqual(e.status().sources, ["embedded.yaml"]);
  });
});

Deno.test("enforcerFromConfig() rejects a bad policy file at start with its name and line", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/policy.yaml`, '"a": "@"\n  "b": [\n');
    const conf = await confFor(dir, "[oslo_policy]\n");
    await assert.rejects(enforcerFromConfig(conf, quiet), (err: unknown) => {
      assert.ok(err instanceof PolicyFileError);
      assert.match(err.message, /policy\.yaml:\d/);
      return true;
    });
  });
});
