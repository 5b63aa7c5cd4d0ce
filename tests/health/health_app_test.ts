import assert from "node:assert/strict";
import { createApp } from "../../functions/app.ts";
import { createService, StartupError } from "../../functions/service.ts";
import { waitFor } from "../_support/wait.ts";
import { request, startOurs, writeConfig } from "./_servers.ts";

const tcp = (hostname: string): Deno.NetAddr => ({ transport: "tcp", hostname, port: 40000 });

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "health-app-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("createHealthApp() answers every method on the path; HEAD has no body", async () => {
  const service = await createService({ args: ["--dev"], env: {} });
  try {
    const get = await service.app.request("/healthcheck");
    assert.equal(get.status, 200);
    assert.equal(get.headers.get("content-type"), "text/plain; charset=UTF-8");
    assert.equal(await get.text(), "OK\nOK", "the service's default backends: config, policy");
    const head = await service.app.request("/healthcheck", { method: "HEAD" });
    assert.equal(head.status, 204);
    assert.equal(head.headers.get("content-type"), null);
    assert.equal(await head.text(), "");
    const options = await service.app.request("/healthcheck", { method: "OPTIONS" });
    assert.equal(
      options.status,
      200,
      "oslo.middleware answers any method as GET (HAProxy httpchk OPTIONS)",
    );
  } finally {
    await service.close();
  }
});

Deno.test("createService() configures [healthcheck] from OS_HEALTHCHECK__* and follows the disable file", async () => {
  await withDir(async (dir) => {
    const service = await createService({
      args: ["--dev"],
      env: {
        OS_HEALTHCHECK__BACKENDS: "disable_by_file",
        OS_HEALTHCHECK__DISABLE_BY_FILE_PATH: `${dir}/disable`,
      },
    });
    try {
      const status = async () => (await service.app.request("/healthcheck")).status;
      assert.equal(await status(), 200);
      await Deno.writeTextFile(`${dir}/disable`, "");
      await waitFor(async () => (await status()) === 503, { what: "503 after the disable file" });
      const res = await service.app.request("/healthcheck", {
        headers: { Accept: "application/json" },
      });
      assert.deepEqual(await res.json(), { detailed: false, reasons: ["DISABLED BY FILE"] });
      await Deno.remove(`${dir}/disable`);
      await waitFor(async () => (await status()) === 200, { what: "200 after removing it" });
    } finally {
      await service.close();
    }
  });
});

Deno.test("allowed_source_ranges: the connection's address decides, not headers", async () => {
  await withDir(async (dir) => {
    const conf = await writeConfig(
      dir,
      "c.conf",
      "[healthcheck]\nallowed_source_ranges = 127.0.0.2/32, ::1\n",
    );
    await using ours = await startOurs(conf);
    const port = ours.ports[0]!;
    const allowed = await request(port, { localAddress: "127.0.0.2" });
    assert.equal(allowed.status, 200);
    const refused = await request(port, { localAddress: "127.0.0.3" });
    assert.equal(refused.status, 404, "refused requests go on to the app's 404");
    assert.match(refused.contentType ?? "", /problem\+json/);
    const spoofed = await request(port, {
      localAddress: "127.0.0.1",
      headers: {
        "X-Forwarded-For": "127.0.0.2",
        "X-Real-IP": "127.0.0.2",
        Forwarded: "for=127.0.0.2",
      },
    });
    assert.equal(spoofed.status, 404, "headers never grant access");
    for (const path of ["/livez", "/readyz"]) {
      assert.equal((await request(port, { path, localAddress: "127.0.0.3" })).status, 404, path);
      assert.equal((await request(port, { path, localAddress: "127.0.0.2" })).status, 200, path);
    }
  });
});

Deno.test("allowed_source_ranges in memory: no connection address means refused", async () => {
  await withDir(async (dir) => {
    const conf = await writeConfig(
      dir,
      "c.conf",
      "[healthcheck]\nallowed_source_ranges = 10.0.0.0/8\n",
    );
    const service = await createService({ args: ["--dev", "--config-file", conf], env: {} });
    try {
      assert.equal((await service.app.request("/healthcheck")).status, 404);
      assert.equal(
        (await service.app.request("/healthcheck", {}, { remoteAddr: tcp("10.9.8.7") })).status,
        200,
      );
      assert.equal(
        (await service.app.request("/healthcheck", {}, { remoteAddr: tcp("::ffff:10.9.8.7") }))
          .status,
        200,
        "IPv4-mapped IPv6 peers (dual-stack listeners) count as IPv4",
      );
      assert.equal(
        (await service.app.request("/healthcheck", {}, { remoteAddr: tcp("11.0.0.1") })).status,
        404,
      );
    } finally {
      await service.close();
    }
  });
});

Deno.test("ignore_proxied_requests: any X-Forwarded* header hides the endpoint, Forwarded does not", async () => {
  const service = await createService({
    args: ["--dev"],
    env: { OS_HEALTHCHECK__IGNORE_PROXIED_REQUESTS: "true" },
  });
  try {
    for (
      const h of [
        "X-Forwarded",
        "X-Forwarded-Proto",
        "X-Forwarded-Host",
        "X-Forwarded-For",
        "X-Forwarded-Prefix",
      ]
    ) {
      const res = await service.app.request("/healthcheck", { headers: { [h]: "x" } });
      assert.equal(res.status, 404, h);
    }
    assert.equal(
      (await service.app.request("/healthcheck", { headers: { "X-Forwarded-For": "" } })).status,
      200,
    );
    assert.equal(
      (await service.app.request("/healthcheck", { headers: { Forwarded: "for=1.2.3.4" } })).status,
      200,
    );
    assert.equal((await service.app.request("/healthcheck")).status, 200);
  } finally {
    await service.close();
  }
});

Deno.test("createService() refuses health options that cannot work, naming the option", async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [
      { OS_HEALTHCHECK__ALLOWED_SOURCE_RANGES: "10.0.0.1/8" },
      /allowed_source_ranges.*has host bits set/,
    ],
    [
      { OS_HEALTHCHECK__BACKENDS: "disable_by_flie" },
      /Unknown backend "disable_by_flie".*known are disable_by_file/,
    ],
    [{ OS_HEALTHCHECK__BACKENDS: "keystone" }, /without \[healthcheck\] keystone_url/],
    [
      { OS_HEALTHCHECK__BACKENDS: "disable_by_file,enable_by_files" },
      /should not be configured at once/,
    ],
    [{
      OS_HEALTHCHECK__BACKENDS: "disable_by_files_ports",
      OS_HEALTHCHECK__DISABLE_BY_FILE_PATHS: "/x",
    }, /expected port:path/],
  ];
  for (const [env, message] of cases) {
    await assert.rejects(createService({ args: ["--dev"], env }), (e: unknown) => {
      assert.ok(e instanceof StartupError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test("livez and readyz answer as Kubernetes probes expect", async () => {
  await withDir(async (dir) => {
    const service = await createService({
      args: ["--dev"],
      env: {
        OS_HEALTHCHECK__BACKENDS: "disable_by_file,config",
        OS_HEALTHCHECK__DISABLE_BY_FILE_PATH: `${dir}/off`,
      },
    });
    try {
      const get = async (path: string) => {
        const r = await service.app.request(path);
        return [r.status, await r.text()] as const;
      };
      assert.deepEqual(await get("/livez"), [200, "ok"]);
      assert.deepEqual(await get("/readyz"), [200, "ok"]);
      assert.deepEqual(await get("/readyz?verbose"), [
        200,
        "[+]disable_by_file ok\n[+]config ok\nreadyz check passed\n",
      ]);
      await Deno.writeTextFile(`${dir}/off`, "");
      await waitFor(async () => (await get("/readyz"))[0] === 503, { what: "not ready" });
      assert.deepEqual(await get("/readyz"), [
        503,
        "[-]disable_by_file failed: DISABLED BY FILE\n[+]config ok\nreadyz check failed\n",
      ]);
      assert.deepEqual(await get("/livez"), [200, "ok"], "liveness never follows dependencies");
      assert.equal((await service.app.request("/livez", { method: "HEAD" })).status, 200);
    } finally {
      await service.close();
    }
  });
});

Deno.test("createApp() keeps the health paths public when authentication is on", async () => {
  const app = createApp({
    verify: () => Promise.reject(new Error("no tokens in this test")),
    maxBodySize: 1000,
    schemas: {},
  });
  for (const path of ["/healthcheck", "/livez", "/readyz"]) {
    assert.equal((await app.request(path)).status, 200, path);
  }
  assert.equal((await app.request("/v1/config/validate", { method: "POST" })).status, 401);
});

Deno.test("healthFastPath() and the Hono routes give the same replies", async () => {
  await withDir(async (dir) => {
    const conf = await writeConfig(
      dir,
      "c.conf",
      [
        "[healthcheck]",
        "detailed = false",
        "backends = disable_by_file",
        `disable_by_file_path = ${dir}/off`,
        "",
      ].join("\n"),
    );
    const service = await createService({ args: ["--dev", "--config-file", conf], env: {} });
    try {
      const { createHealthApp } = await import("../../functions/health.ts");
      const { buildHealth } = await import("../../functions/health_service.ts");
      const built = await buildHealth(service.conf, { loadedAt: new Date() });
      const router = createHealthApp(built.deps);
      try {
        for (const off of [false, true]) {
          if (off) await Deno.writeTextFile(`${dir}/off`, "");
          await waitFor(async () =>
            (await router.request("/healthcheck")).status === (off ? 503 : 200)
          );
          await waitFor(async () =>
            (await service.app.request("/healthcheck")).status === (off ? 503 : 200)
          );
          const cases: [string, RequestInit][] = [
            ["/healthcheck", {}],
            ["/healthcheck", { method: "HEAD" }],
            ["/healthcheck", { method: "POST" }],
            ["/healthcheck", { headers: { Accept: "application/json" } }],
            ["/healthcheck", { headers: { Accept: "text/html" } }],
            ["/livez", {}],
            ["/readyz?verbose", {}],
            ["/readyz", { method: "HEAD" }],
          ];
          for (const [path, init] of cases) {
            const a = await service.app.request(path, init);
            const b = await router.request(path, init);
            const what = `${init.method ?? "GET"} ${path} ${JSON.stringify(init.headers ?? {})}`;
            assert.equal(a.status, b.status, what);
            assert.equal(a.headers.get("content-type"), b.headers.get("content-type"), what);
            const [ta, tb] = [await a.text(), await b.text()];
            if (a.headers.get("content-type")?.startsWith("text/html")) {
              // Times differ between two renderings: compare the title and the checks' results.
              const gist = (html: string) => [
                /<title>(.*?)<\/title>/.exec(html)?.[1],
                ...[...html.matchAll(/data-check="([^"]+)"[\s\S]*?class="reason">([^<]*)/g)]
                  .map((m) => `${m[1]}=${m[2]}`),
              ];
              assert.deepEqual(gist(ta), gist(tb), what);
            } else assert.equal(ta, tb, what);
          }
        }
      } finally {
        await built.close();
      }
    } finally {
      await service.close();
    }
  });
});
