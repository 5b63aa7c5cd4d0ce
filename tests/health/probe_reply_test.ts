/**
 * What every probe reply carries besides its body: the listener's port (not
 * the Host header's) for `disable_by_files_ports`, under `deno serve` too,
 * and `X-Openstack-Request-Id`.
 */
import assert from "node:assert/strict";
import { createService } from "../../functions/service.ts";
import { waitFor } from "../_support/wait.ts";
import { freePorts, request } from "./_servers.ts";

const MAIN = new URL("../../functions/main.ts", import.meta.url).pathname;
const ID = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

Deno.test("deno serve functions/main.ts: a forged Host port cannot pick another port's disable file", async () => {
  const dir = await Deno.makeTempDir();
  const [port, other] = freePorts(2) as [number, number];
  await Deno.writeTextFile(`${dir}/other_off`, "");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "serve",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      MAIN,
      "--dev",
    ],
    env: {
      NO_COLOR: "1",
      OS_HEALTHCHECK__BACKENDS: "disable_by_files_ports",
      OS_HEALTHCHECK__DISABLE_BY_FILE_PATHS: `${port}:${dir}/mine_off,${other}:${dir}/other_off`,
    },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let out = "";
    await waitFor(async () => {
      const { value } = await lines.read();
      out += value ?? "";
      return out.includes(`listening on http://localhost:${port}/`);
    }, { timeout: 30_000, what: "deno serve to listen" });
    const probe = async (host: string) =>
      (await request(port, { headers: { Host: host, Accept: "application/json" } })).status;
    assert.equal(await probe(`127.0.0.1:${port}`), 200);
    assert.equal(await probe(`127.0.0.1:${other}`), 200, "the Host header's port is ignored");
    await Deno.writeTextFile(`${dir}/mine_off`, "");
    await waitFor(async () => await probe(`127.0.0.1:${other}`) === 503, {
      what: "the listener's own disable file to apply",
    });
    const head = await request(port, { method: "HEAD" });
    assert.equal(head.status, 503);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await lines.cancel().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("healthFastPath() without a listener port applies no port's file, whatever the URL", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/off`, "");
    const service = await createService({
      args: ["--dev"],
      env: {
        OS_HEALTHCHECK__BACKENDS: "disable_by_files_ports",
        OS_HEALTHCHECK__DISABLE_BY_FILE_PATHS: `8080:${dir}/off`,
      },
    });
    try {
      const url = "http://127.0.0.1:8080/healthcheck";
      assert.equal((await service.app.request(url)).status, 200, "the URL's port is not used");
      assert.equal((await service.app.request(url, {}, { serverPort: 8080 })).status, 503);
    } finally {
      await service.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("healthFastPath() echoes a valid X-Openstack-Request-Id and generates one otherwise", async () => {
  const service = await createService({ args: ["--dev"], env: {} });
  try {
    const app = service.app;
    const given = `req-${crypto.randomUUID()}`;
    for (
      const [path, method] of [
        ["/healthcheck", "GET"],
        ["/healthcheck", "HEAD"],
        ["/livez", "GET"],
        ["/readyz", "GET"],
      ] as const
    ) {
      const what = `${method} ${path}`;
      const fresh = await app.request(path, { method });
      assert.match(fresh.headers.get("X-Openstack-Request-Id") ?? "", ID, what);
      const again = await app.request(path, { method });
      assert.notEqual(
        again.headers.get("X-Openstack-Request-Id"),
        fresh.headers.get("X-Openstack-Request-Id"),
        `${what}: a new id each time`,
      );
      const echoed = await app.request(path, {
        method,
        headers: { "X-Openstack-Request-Id": given },
      });
      assert.equal(echoed.headers.get("X-Openstack-Request-Id"), given, what);
      const bad = await app.request(path, {
        method,
        headers: { "X-Openstack-Request-Id": "req-<script>" },
      });
      assert.match(bad.headers.get("X-Openstack-Request-Id") ?? "", ID, `${what}: replaced`);
      for (const r of [fresh, again, echoed, bad]) await r.body?.cancel();
    }
  } finally {
    await service.close();
  }
});
