import assert from "node:assert/strict";
import { ConfigOpts, intOpt, optGroup, reloadOnSignal } from "../../lib/config/mod.ts";
import { waitFor } from "../_support/wait.ts";

const root = new URL("../../", import.meta.url).pathname;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Collects a child's output stream as it comes. */
function collect(stream: ReadableStream<Uint8Array>): { text: () => string; done: Promise<void> } {
  let text = "";
  const decoder = new TextDecoder();
  const done = stream.pipeTo(
    new WritableStream({
      write: (chunk) => void (text += decoder.decode(chunk, { stream: true })),
    }),
  );
  return { text: () => text, done };
}

Deno.test({
  name:
    "reloadOnSignal() reloads serve.ts on SIGHUP: mutable applied (debug lines on, then off), immutable ignored, no request failed",
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const conf = `${dir}/edge.conf`;
    await Deno.writeTextFile(
      conf,
      "[DEFAULT]\ndebug = false\ndevug = true\n[oslo_middleware]\nmax_request_body_size = 4096\n",
    );
    const port = freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        `${root}functions/serve.ts`,
        "--dev",
        "--config-file",
        conf,
      ],
      env: { PORT: String(port), HOST: "127.0.0.1", NO_COLOR: "1" },
      cwd: root,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const out = collect(child.stdout);
    const err = collect(child.stderr);
    let hammering = true;
    const results = { ok: 0, failed: [] as string[] };
    try {
      await waitFor(() => out.text().includes("listening on"), {
        timeout: 60_000,
        what: "serve.ts to listen",
      });
      const validate = (config: string) =>
        fetch(`${base}/v1/config/validate`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ config }),
        });
      const hammer = async () => {
        while (hammering) {
          try {
            const res = await (results.ok % 2
              ? fetch(`${base}/healthcheck`)
              : validate("[DEFAULT]\ndebug = true\n"));
            await res.body?.cancel();
            if (res.status === 200) {
              results.ok++;
            } else results.failed.push(`HTTP ${res.status}`);
          } catch (e) {
            results.failed.push((e as Error).message);
          }
        }
      };
      const workers = Array.from({ length: 4 }, hammer);
      await waitFor(() => results.ok > 50, { timeout: 30_000, what: "requests to flow" });
      // The typo is reported at start, and serving goes on; debug is off: no debug lines.
      assert.match(
        err.text(),
        new RegExp(
          `${conf}:3: ignoring unknown option \\[DEFAULT\\] devug: did you mean "debug"\\?`,
        ),
      );
      assert.doesNotMatch(out.text(), /oslo-edge: debug:/);

      await Deno.writeTextFile(
        conf,
        "[DEFAULT]\ndebug = true\n[oslo_middleware]\nmax_request_body_size = 100\n",
      );
      child.kill("SIGHUP");
      await waitFor(() => out.text().includes("oslo-edge: debug logging on"), {
        timeout: 30_000,
        what: "the debug hook",
      });
      assert.match(out.text(), /Option DEFAULT\.debug changed from \[False\] to \[True\]/);
      // Debug is live: each request now gets its debug line.
      await waitFor(() => /oslo-edge: debug: POST \/v1\/config\/validate 200 /.test(out.text()), {
        timeout: 10_000,
        what: "a debug request line",
      });
      assert.match(out.text(), /oslo-edge: debug: GET \/healthcheck 200 /);
      await waitFor(
        () =>
          err.text().includes(
            "Ignoring change to immutable option oslo_middleware.max_request_body_size",
          ),
        { timeout: 10_000, what: "the immutable warning" },
      );
      const status = await (await fetch(`${base}/v1/config/status`)).json();
      assert.equal(status.reloads, 1);
      assert.deepEqual(status.last_reload.changed, ["DEFAULT.debug"]);
      assert.deepEqual(status.last_reload.ignored, ["oslo_middleware.max_request_body_size"]);
      // The body limit kept its old value: 1 KB still fits.
      const big = await validate(`[DEFAULT]\n${"# padding\n".repeat(100)}`);
      assert.equal(big.status, 200);
      await big.body?.cancel();

      // A broken file: the reload fails, the old values stay, serving goes on.
      await Deno.writeTextFile(conf, "[DEFAULT]\nthis line is broken\n");
      const before = results.ok;
      child.kill("SIGHUP");
      await waitFor(() => err.text().includes("Caught Error while reloading configure files"), {
        timeout: 30_000,
        what: "the failed reload",
      });
      await waitFor(() => results.ok > before + 50, {
        timeout: 30_000,
        what: "requests after the failed reload",
      });
      const after = await (await fetch(`${base}/v1/config/status`)).json();
      assert.equal(after.failed_reloads, 1);
      assert.equal(after.last_reload.ok, false);

      // Debug off again: the debug lines stop.
      await Deno.writeTextFile(conf, "[DEFAULT]\ndebug = false\n");
      child.kill("SIGHUP");
      await waitFor(() => out.text().includes("oslo-edge: debug logging off"), {
        timeout: 30_000,
        what: "debug off",
      });
      const quiet = out.text().length;
      const sofar = results.ok;
      await waitFor(() => results.ok > sofar + 50, { timeout: 30_000, what: "requests" });
      assert.doesNotMatch(out.text().slice(quiet), /oslo-edge: debug:/);

      hammering = false;
      await Promise.all(workers);
      assert.deepEqual(results.failed, []);
      assert.ok(results.ok > 100, `ok ${results.ok}`);
    } finally {
      hammering = false;
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
      await child.status;
      await Promise.allSettled([out.done, err.done]);
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("reloadOnSignal() survives a throwing onEvent and listener: one line each, the next SIGHUP still reloads", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/svc.conf`;
    await Deno.writeTextFile(path, "[DEFAULT]\nmut = 1\n");
    const lines: string[] = [];
    const logger = { info: () => {}, warn: () => {}, error: (m: string) => void lines.push(m) };
    const conf = await new ConfigOpts({ logger, drivers: [] })
      .register(optGroup("DEFAULT", [intOpt("mut", { mutable: true })]))
      .load({ args: ["--config-file", path], env: false });
    conf.onReload(() => {
      throw new Error("listener bug");
    });
    let events = 0;
    using _ = reloadOnSignal(conf, {
      onEvent: () => {
        events++;
        throw new RangeError("onEvent bug");
      },
    });
    await Deno.writeTextFile(path, "[DEFAULT]\nmut = 2\n");
    Deno.kill(Deno.pid, "SIGHUP");
    await waitFor(() => lines.length >= 2, { timeout: 10_000, what: "the logged failures" });
    assert.deepEqual(lines, [
      "A config reload listener failed: Error: listener bug",
      "A SIGHUP reload failed: RangeError: onEvent bug",
    ]);
    assert.equal(conf.get("DEFAULT", "mut"), 2);
    await Deno.writeTextFile(path, "[DEFAULT]\nmut = 3\n");
    Deno.kill(Deno.pid, "SIGHUP");
    await waitFor(() => events === 2, { timeout: 10_000, what: "the second reload" });
    assert.equal(conf.get("DEFAULT", "mut"), 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
