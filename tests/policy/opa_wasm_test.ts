/**
 * Embedded OPA: `@open-policy-agent/opa-wasm` running a minimal module written
 * in WAT (tests/testdata/policy/opa_abi_minimal.wat, compiled with wabt) that
 * implements the OPA Wasm ABI entry points the SDK calls.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ConfigOpts } from "../../lib/config/mod.ts";
import {
  Enforcer,
  enforcerFromConfig,
  loadOpaWasm,
  type OpaService,
  POLICY_OPTS,
  PolicyFileError,
  untar,
} from "../../lib/policy/mod.ts";
import { compileWat } from "../_support/wat.ts";

const WAT = fileURLToPath(new URL("../testdata/policy/opa_abi_minimal.wat", import.meta.url));

async function withModule(fn: (dir: string, wasm: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "opa-wasm-" });
  try {
    await fn(dir, await compileWat(WAT, dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const POLICY = `"admin_only": "opa:wasm:test/admin_only"
"obj": "opa:test/allow_object"
"undefined": "opa:wasm:test/undefined"
"abort": "opa:wasm:test/abort"
"unknown": "opa:wasm:no/such/entrypoint"
"rest_only": "opa:rest:test/admin_only"
`;

Deno.test("opa:wasm: checks decide in-process with the SDK and the WAT module", async () => {
  await withModule(async (_, wasm) => {
    const engine = await loadOpaWasm(wasm);
    assert.deepEqual(engine.entrypoints, [
      "test/admin_only",
      "test/undefined",
      "test/allow_object",
      "test/data",
      "test/abort",
    ]);
    const warnings: string[] = [];
    const opa: OpaService = { engines: { wasm: engine }, defaultEngine: "wasm" };
    const e = new Enforcer({
      policy: POLICY,
      services: { opa },
      onWarning: (w) => warnings.push(w),
    });
    assert.equal(await e.enforce("admin_only", {}, { roles: ["admin"] }), true);
    assert.equal(await e.enforce("admin_only", {}, { roles: ["member"] }), false);
    assert.equal(await e.enforce("obj", {}, {}), true); // default engine: wasm
    assert.equal(await e.enforce("undefined", {}, { roles: ["admin"] }), false);
    assert.equal(await e.enforce("abort", {}, { roles: ["admin"] }), false);
    assert.equal(await e.enforce("unknown", {}, { roles: ["admin"] }), false);
    assert.equal(await e.enforce("rest_only", {}, { roles: ["admin"] }), false);
    const text = warnings.join("\n");
    assert.match(text, /Denied undefined: OPA has no document at data\/test\/undefined/);
    assert.match(
      text,
      /Denied abort: .*OPA Wasm policy failed on test\/abort: policy aborted on purpose/,
    );
    assert.match(text, /Denied unknown: OPA has no document at data\/no\/such\/entrypoint/);
    assert.match(text, /Denied rest_only: .*no OPA rest engine is configured/);
  });
});

Deno.test("loadOpaWasm() reads an opa build bundle: policy.wasm and its data.json files", async () => {
  await withModule(async (dir, wasm) => {
    await Deno.mkdir(`${dir}/bundle/sub`, { recursive: true });
    await Deno.copyFile(wasm, `${dir}/bundle/policy.wasm`);
    await Deno.writeTextFile(`${dir}/bundle/data.json`, JSON.stringify({ top: 1 }));
    await Deno.writeTextFile(`${dir}/bundle/sub/data.json`, JSON.stringify({ deep: [true] }));
    await Deno.writeTextFile(`${dir}/bundle/.manifest`, JSON.stringify({ revision: "r1" }));
    const tar = await new Deno.Command("tar", {
      args: ["-czf", `${dir}/bundle.tar.gz`, "-C", `${dir}/bundle`, "."],
    }).output();
    assert.ok(tar.success);
    const engine = await loadOpaWasm(`${dir}/bundle.tar.gz`);
    assert.deepEqual(engine.evaluate("test/data", {}), { top: 1, sub: { deep: [true] } });
    const plain = await new Deno.Command("tar", {
      args: ["-cf", "-", "-C", `${dir}/bundle`, "."],
      stdout: "piped",
    }).output();
    assert.deepEqual([...untar(plain.stdout).keys()].sort(), [
      ".manifest",
      "data.json",
      "policy.wasm",
      "sub/data.json",
    ]);
  });
});

Deno.test("loadOpaWasm() refuses a file that is neither a module nor a bundle, naming it", async () => {
  await withModule(async (dir) => {
    await Deno.writeTextFile(`${dir}/junk.wasm`, "not wasm");
    await assert.rejects(loadOpaWasm(`${dir}/junk.wasm`), (err: unknown) => {
      assert.ok(err instanceof PolicyFileError);
      assert.match(err.message, /junk\.wasm: not a Wasm module/);
      return true;
    });
  });
});

Deno.test("OPA mode with the wasm engine decides rules in-process from [oslo_policy]", async () => {
  await withModule(async (dir, wasm) => {
    const conf = new ConfigOpts().register(POLICY_OPTS);
    await conf.load({
      env: false,
      texts: [{
        name: "svc.conf",
        text:
          `[oslo_policy]\nopa_mode = true\nopa_engine = wasm\nopa_wasm_file = ${wasm}\npolicy_file = ${dir}/none.yaml\n`,
      }],
    });
    // OPA mode decides the rules the service registers (an unknown one is not sent to OPA)
    const defaults = ["test:admin_only", "test:allow_object", "test:undefined", "test:abort"]
      .map((name) => ({ name, checkStr: "!" }));
    const e = await enforcerFromConfig(conf, { defaults, onWarning: () => {} });
    assert.equal(e.status().mode, "opa");
    assert.equal(await e.enforce("test:admin_only", {}, { roles: ["admin"] }), true);
    assert.equal(await e.enforce("test:admin_only", {}, { roles: ["reader"] }), false);
    assert.equal(await e.enforce("test:allow_object", {}, {}), true);
    assert.equal(await e.enforce("test:undefined", {}, {}), false);
    assert.deepEqual(
      await e.enforceMany([
        { rule: "test:admin_only", creds: { roles: ["admin"] } },
        { rule: "test:abort", creds: {} },
      ]),
      [true, false],
    );
  });
});

Deno.test("[oslo_policy] opa_mode without its engine stops start-up with the option to set", async () => {
  const conf = new ConfigOpts().register(POLICY_OPTS);
  await conf.load({
    env: false,
    texts: [{ name: "svc.conf", text: "[oslo_policy]\nopa_mode = true\nopa_engine = wasm\n" }],
  });
  await assert.rejects(enforcerFromConfig(conf, { onWarning: () => {} }), /opa_wasm_file/);
});
