import assert from "node:assert/strict";
import { createService } from "../../functions/service.ts";

Deno.test("createService() app serves over real HTTP on a free port", async () => {
  const { app } = await createService({ args: ["--dev"], env: {} });
  await using server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    app.fetch,
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  const health = await fetch(`${base}/healthcheck`);
  assert.equal(health.status, 200);
  assert.equal(await health.text(), "OK\nOK", "config and policy loaded (the default backends)");
  assert.match(
    health.headers.get("X-Openstack-Request-Id") ?? "",
    /^req-[0-9a-f-]{36}$/,
    "probes skip the shell but still carry a request id",
  );
  const bad = await fetch(`${base}/v1/config/validate`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{",
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get("Content-Type"), "application/problem+json");
  await bad.body?.cancel();
});

const root = new URL("../../", import.meta.url).pathname;

async function runServe(args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      `${root}functions/serve.ts`,
      ...args,
    ],
    env: { ...env, PORT: "0", NO_COLOR: "1" },
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("serve.ts stops start-up on a bad option with one line and no stack trace", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/edge.conf`,
      "[oslo_middleware]\nmax_request_body_size = huge\n",
    );
    const { code, stderr } = await runServe(["--dev", "--config-file", `${dir}/edge.conf`], {});
    assert.equal(code, 1);
    const lines = stderr.trim().split("\n");
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0] ?? "", /oslo_middleware\/max_request_body_size/);
    assert.match(lines[0] ?? "", new RegExp(`${dir}/edge.conf:2`));
    assert.doesNotMatch(stderr, /\bat .*\.ts:\d+/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("serve.ts names an unknown command-line option", async () => {
  const { code, stderr } = await runServe(["--dve"], {});
  assert.equal(code, 1);
  assert.match(stderr, /Cannot parse --dve: unrecognized argument \(did you mean --dev\?\)/);
});
