import assert from "node:assert/strict";
import { createService } from "../../functions/service.ts";
import { waitFor } from "../_support/wait.ts";
import { makeKey } from "./_jwt.ts";

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

/** serve.ts as `deno task start` runs it, with only `env` (and what Deno needs) in its environment. */
function serveCommand(args: string[], env: Record<string, string>): Deno.Command {
  const keep = ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"];
  const base = Object.fromEntries(keep.flatMap((k) => {
    const v = Deno.env.get(k);
    return v === undefined ? [] : [[k, v]];
  }));
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      `${root}functions/serve.ts`,
      ...args,
    ],
    env: { ...base, PORT: "0", NO_COLOR: "1", ...env },
    clearEnv: true,
    cwd: root,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

async function runServe(args: string[], env: Record<string, string>) {
  const out = await serveCommand(args, env).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/** The `oslo-edge:` lines of a failed start, and proof there is no stack trace. */
function assertOneErrorLine(code: number, stderr: string): string {
  assert.equal(code, 1, stderr);
  assert.doesNotMatch(stderr, /Uncaught|\bat .*\.ts:\d+|error: /, stderr);
  const lines = stderr.trim().split("\n").filter((l) => l.startsWith("oslo-edge:"));
  assert.equal(lines.length, 1, stderr);
  return lines[0] as string;
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

Deno.test("serve.ts stops on a PORT that is not a port with one line naming PORT", async () => {
  for (const bad of ["abc", "-1", "65536", "80.5"]) {
    const { code, stderr } = await runServe(["--dev"], { PORT: bad });
    const line = assertOneErrorLine(code, stderr);
    assert.equal(
      line,
      `oslo-edge: Invalid value for PORT from the environment: "${bad}": expected a port number, an integer from 0 to 65535`,
    );
  }
});

Deno.test("serve.ts stops on a port in use with one line and a hint", async () => {
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = taken.addr.port;
  const { code, stderr } = await runServe(["--dev"], { PORT: String(port), HOST: "127.0.0.1" });
  assert.equal(
    assertOneErrorLine(code, stderr),
    `oslo-edge: Cannot listen on 127.0.0.1:${port}: the address is already in use: stop what listens there or set PORT to a free port`,
  );
});

Deno.test("serve.ts stops on a HOST this machine does not have with one line", async () => {
  const { code, stderr } = await runServe(["--dev"], { HOST: "192.0.2.254" });
  assert.match(
    assertOneErrorLine(code, stderr),
    /^oslo-edge: Cannot listen on 192\.0\.2\.254:0: no interface of this host has that address: set HOST/,
  );
});

Deno.test("serve.ts stops in jwt mode without [auth] issuer with one line naming it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const key = await makeKey("ES256");
    await Deno.writeTextFile(`${dir}/key.pem`, key.spki);
    const { code, stderr } = await runServe([], { OS_AUTH__PUBLIC_KEY_FILE: `${dir}/key.pem` });
    assert.match(
      assertOneErrorLine(code, stderr),
      /^oslo-edge: Cannot start with \[auth\] strategy = jwt and no \[auth\] issuer: set it/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A non-loopback IPv4 address of this host, if it has one. */
function outsideAddress(): string | undefined {
  return Deno.networkInterfaces().find((i) => i.family === "IPv4" && !i.address.startsWith("127."))
    ?.address;
}

async function canConnect(hostname: string, port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname, port })).close();
    return true;
  } catch {
    return false;
  }
}

/** Starts serve.ts --dev, waits for its listening line, and hands over its port and stderr. */
async function withDevServer(
  env: Record<string, string>,
  fn: (port: number, stdout: string, stderr: () => string) => Promise<void>,
) {
  const child = serveCommand(["--dev"], env).spawn();
  let err = "";
  const errDone = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (t) => void (err += t) }),
  );
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let out = "";
    const port = await waitFor(async () => {
      const { value, done } = await reader.read();
      if (done) throw new Error(`serve.ts exited: ${err}`);
      out += value;
      return /listening on http:\/\/localhost:(\d+)\//.exec(out)?.[1];
    }, { timeout: 30_000, what: "serve.ts to listen" });
    await fn(Number(port), out, () => err);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await reader.cancel().catch(() => {});
    await errDone.catch(() => {});
  }
}

Deno.test("serve.ts in dev mode listens on 127.0.0.1 only and says so", async () => {
  await withDevServer({}, async (port, stdout, stderr) => {
    assert.match(stdout, /\(bound to 127\.0\.0\.1\)/);
    assert.match(
      stderr(),
      /WARNING: authentication is OFF \(dev mode\).*; listening on 127\.0\.0\.1 only \(set HOST to change\)\n/,
    );
    const res = await fetch(`http://127.0.0.1:${port}/healthcheck`);
    assert.equal(await res.text(), "OK\nOK");
    const outside = outsideAddress();
    if (outside) {
      assert.equal(await canConnect(outside, port), false, `reachable on ${outside}`);
    }
  });
});

Deno.test("serve.ts in dev mode follows HOST and says where it listens", async () => {
  await withDevServer({ HOST: "0.0.0.0" }, async (port, stdout, stderr) => {
    assert.match(stdout, /\(bound to 0\.0\.0\.0\)/);
    assert.match(stderr(), /authentication is OFF .*; listening on 0\.0\.0\.0 \(from HOST\)\n/);
    const outside = outsideAddress();
    if (outside) assert.equal(await canConnect(outside, port), true, `not reachable on ${outside}`);
    assert.equal(await canConnect("127.0.0.1", port), true);
  });
});
