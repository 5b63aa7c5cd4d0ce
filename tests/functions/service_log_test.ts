import assert from "node:assert/strict";
import { ServiceLog } from "../../functions/service_log.ts";
import { boolOpt, ConfigOpts, optGroup } from "../../lib/config/mod.ts";
import { waitFor } from "../_support/wait.ts";

Deno.test("ServiceLog.follow() switches debug lines as reloads change [DEFAULT] debug", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/svc.conf`;
    await Deno.writeTextFile(path, "[DEFAULT]\ndebug = false\n");
    const conf = await new ConfigOpts({ drivers: [], logger: { info() {}, warn() {}, error() {} } })
      .register(optGroup("DEFAULT", [boolOpt("debug", { default: false, mutable: true })]))
      .load({ args: ["--config-file", path], env: false });
    const out: string[] = [];
    const err: string[] = [];
    const log = new ServiceLog({
      debug: conf.get("DEFAULT", "debug") === true,
      sink: { out: (l) => out.push(l), err: (l) => err.push(l) },
    });
    log.follow(conf);
    log.debug("one");
    await Deno.writeTextFile(path, "[DEFAULT]\ndebug = true\n");
    await conf.reload();
    log.debug("two");
    log.warn("careful");
    await Deno.writeTextFile(path, "[DEFAULT]\ndebug = false\n");
    await conf.reload();
    log.debug("three");
    assert.deepEqual(out, [
      "oslo-edge: debug logging on",
      "oslo-edge: debug: two",
      "oslo-edge: debug logging off",
    ]);
    assert.deepEqual(err, ["oslo-edge: careful"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "serve.ts --debug logs the options at start (secret-store values masked) and each request at debug level",
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.mkdir(`${dir}/secrets`);
      // [auth] issuer is not declared secret; read from a secret store, it is secret all the same.
      await Deno.writeTextFile(`${dir}/secrets/auth.issuer`, "https://s3cr3t.example/");
      await Deno.writeTextFile(
        `${dir}/edge.conf`,
        `[DEFAULT]\nconfig_source = mounted\n[mounted]\ndriver = secrets_dir\npath = ${dir}/secrets\n`,
      );
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-net",
          "--allow-env",
          "--allow-read",
          new URL("../../functions/serve.ts", import.meta.url).pathname,
          "--dev",
          "--debug",
          "--config-file",
          `${dir}/edge.conf`,
        ],
        env: { PORT: "0", HOST: "127.0.0.1", NO_COLOR: "1" },
        stdin: "null",
        stdout: "piped",
        stderr: "null",
      }).spawn();
      let text = "";
      const decoder = new TextDecoder();
      const done = child.stdout.pipeTo(
        new WritableStream({ write: (c) => void (text += decoder.decode(c, { stream: true })) }),
      );
      try {
        await waitFor(() => /listening on http:\/\/localhost:\d+\//.test(text), {
          timeout: 60_000,
          what: "serve.ts to listen",
        });
        assert.ok(text.includes(`oslo-edge: debug: ${"auth.issuer".padEnd(30)} = ****`), text);
        assert.ok(text.includes(`oslo-edge: debug: ${"debug".padEnd(30)} = True`), text);
        assert.doesNotMatch(text, /s3cr3t/);
        const port = /localhost:(\d+)\//.exec(text)?.[1];
        const res = await fetch(`http://127.0.0.1:${port}/healthcheck`);
        await res.body?.cancel();
        await waitFor(() => /oslo-edge: debug: GET \/healthcheck 200 \d+\.\d ms/.test(text), {
          timeout: 10_000,
          what: "the request's debug line",
        });
      } finally {
        child.kill("SIGTERM");
        await child.status;
        await done.catch(() => {});
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
