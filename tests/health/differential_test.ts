/**
 * Differential tests: the same config file and the same requests against
 * oslo.middleware 5.0.0's healthcheck (Debian's, under wsgiref) and against
 * this service, over loopback HTTP. Status codes, content types and bodies
 * must agree; in detailed mode the runtime keys differ by design (Python's gc
 * and thread stacks vs Deno's memory and event loop), so there `detailed` and
 * `reasons` are compared; HTML is compared by the checks it lists.
 */
import assert from "node:assert/strict";
import {
  freePorts,
  type RawReply,
  request,
  startOracle,
  startOurs,
  writeConfig,
} from "./_servers.ts";

const ACCEPTS: (string | undefined)[] = [
  undefined,
  "application/json",
  "text/html",
  "text/plain",
  "*/*",
  "image/png",
  "application/*",
  "application/json;q=0.9, text/plain;q=0.5",
  "text/*;q=0.5, application/json;q=0.4",
  "text/plain;q=0, */*",
  "application/json, text/plain",
  "application/json;charset=utf-8",
  "TEXT/HTML",
  "garbage;;;",
  "",
];

function unescapeHtml(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"')
    .replaceAll("&amp;", "&");
}

/** Checks listed in an HTML reply: count, then [reason, details?] per row. */
function htmlChecks(body: string, oracle: boolean): { count: number; rows: string[][] } {
  const count = Number(/Result of (\d+) checks:/i.exec(body)?.[1] ?? NaN);
  if (oracle) {
    const from = body.search(/Result of \d+ checks:/);
    const table = body.slice(from, body.indexOf("</TABLE>", from));
    const rows = [...table.matchAll(/<TR>\n([\s\S]*?)<\/TR>/g)]
      .map((m) => [...m[1]!.matchAll(/<TD>([\s\S]*?)<\/TD>/g)].map((c) => unescapeHtml(c[1]!)))
      .filter((cells) => cells.length > 0)
      .map((cells) => cells.length === 3 ? cells.slice(1) : cells);
    return { count, rows };
  }
  const rows = [...body.matchAll(/<tr class="(?:ok|warn|fail)"[\s\S]*?<\/tr>/g)].map((m) => {
    const reason = /<span class="reason">([\s\S]*?)<\/span>/.exec(m[0])?.[1] ?? "";
    const details = /<td class="details">([\s\S]*?)<\/td>/.exec(m[0])?.[1];
    return details === undefined
      ? [unescapeHtml(reason)]
      : [unescapeHtml(reason), unescapeHtml(details)];
  });
  return { count, rows };
}

function assertSameReply(ours: RawReply, theirs: RawReply, what: string): void {
  assert.equal(ours.status, theirs.status, `${what}: status`);
  assert.equal(ours.contentType, theirs.contentType, `${what}: content type`);
  const type = theirs.contentType ?? "";
  if (type.startsWith("application/json")) {
    const o = JSON.parse(ours.body), t = JSON.parse(theirs.body);
    if (t.detailed) {
      assert.deepEqual({ detailed: o.detailed, reasons: o.reasons }, {
        detailed: t.detailed,
        reasons: t.reasons,
      }, `${what}: detailed JSON`);
      for (const key of ["now", "platform"]) {
        assert.ok(key in o, `${what}: detailed JSON has ${key}`);
      }
      assert.match(
        o.now,
        /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$/,
        `${what}: now as Python prints it`,
      );
    } else {
      assert.equal(ours.body, theirs.body, `${what}: JSON body byte for byte`);
    }
  } else if (type.startsWith("text/html")) {
    assert.deepEqual(
      htmlChecks(ours.body, false),
      htmlChecks(theirs.body, true),
      `${what}: HTML checks`,
    );
  } else {
    assert.equal(ours.body, theirs.body, `${what}: body`);
  }
}

async function compare(
  configText: string,
  options: { ports?: number; files?: Record<string, boolean>; path?: string } = {},
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "health-diff-" });
  try {
    for (const [name, present] of Object.entries(options.files ?? {})) {
      if (present) await Deno.writeTextFile(`${dir}/${name}`, "");
    }
    const n = options.ports ?? 1;
    const oursPorts = freePorts(n), theirPorts = freePorts(n);
    // Each side gets its own config naming its own ports (disable_by_file_paths is port:path).
    const text = (ports: number[]) =>
      configText.replaceAll("$DIR", dir).replace(/\$PORT(\d)/g, (_, i) => String(ports[Number(i)]));
    const oracleConf = await writeConfig(dir, "oracle.conf", text(theirPorts));
    const oursConf = await writeConfig(dir, "ours.conf", text(oursPorts));
    await using oracle = await startOracle(oracleConf, theirPorts);
    await using ours = await startOurs(oursConf, oursPorts);
    for (let i = 0; i < n; i++) {
      for (const method of ["GET", "HEAD", "POST"]) {
        for (const accept of method === "GET" ? ACCEPTS : [undefined, "application/json"]) {
          const headers: Record<string, string> = accept === undefined ? {} : { Accept: accept };
          const path = options.path ?? "/healthcheck";
          const what = `${method} ${path} port#${i} Accept=${JSON.stringify(accept)}`;
          const [o, t] = await Promise.all([
            request(ours.ports[i]!, { method, path, headers }),
            request(oracle.ports[i]!, { method, path, headers }),
          ]);
          assertSameReply(o, t, what);
        }
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("healthcheck agrees with oslo.middleware: no backends", async () => {
  // oslo-edge's service defaults to backends = config,policy: set none, as oslo's default.
  await compare("[healthcheck]\nbackends =\n");
});

Deno.test("healthcheck agrees with oslo.middleware: disable_by_file absent, present, unset", async () => {
  const conf = "[healthcheck]\nbackends = disable_by_file\ndisable_by_file_path = $DIR/off\n";
  await compare(conf);
  await compare(conf, { files: { off: true } });
  await compare("[healthcheck]\nbackends = disable_by_file\n");
});

Deno.test("healthcheck agrees with oslo.middleware: detailed, disabled and not", async () => {
  const conf =
    "[healthcheck]\ndetailed = true\nbackends = disable_by_file\ndisable_by_file_path = $DIR/off\n";
  await compare(conf);
  await compare(conf, { files: { off: true } });
});

Deno.test("healthcheck agrees with oslo.middleware: disable_by_files_ports per port", async () => {
  const conf = [
    "[healthcheck]",
    "backends = disable_by_files_ports",
    "disable_by_file_paths = $PORT0:$DIR/port0, $PORT1:$DIR/port1",
    "",
  ].join("\n");
  // port 0 disabled, port 1 enabled, port 2 has no file configured
  await compare(conf, { ports: 3, files: { port0: true } });
});

Deno.test("healthcheck agrees with oslo.middleware: two backends, detailed, odd characters", async () => {
  const conf = [
    "[healthcheck]",
    "detailed = yes",
    "backends = disable_by_files_ports, disable_by_file",
    "disable_by_file_paths = $PORT0:$DIR/p0",
    "disable_by_file_path = $DIR/dïs <&> 'q'",
    "",
  ].join("\n");
  await compare(conf, { files: { "dïs <&> 'q'": true } });
  await compare(conf.replace("detailed = yes", "detailed = no"), { files: { p0: true } });
});

Deno.test("healthcheck agrees with oslo.middleware: path option and other paths", async () => {
  const conf =
    "[healthcheck]\npath = /status\nbackends = disable_by_file\ndisable_by_file_path = $DIR/x\n";
  await compare(conf, { path: "/status", files: { x: true } });
  // Other paths reach the wrapped app on both sides: compare the status only.
  const dir = await Deno.makeTempDir({ prefix: "health-diff-" });
  try {
    const file = await writeConfig(dir, "c.conf", conf.replace("$DIR", dir));
    await using oracle = await startOracle(file);
    await using ours = await startOurs(file);
    for (const path of ["/healthcheck", "/status/x", "/"]) {
      const [o, t] = await Promise.all([
        request(ours.ports[0]!, { path }),
        request(oracle.ports[0]!, { path }),
      ]);
      assert.equal(o.status, t.status, path);
      assert.equal(o.status, 404, path);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("source restrictions: allowed requests agree with oslo.middleware, refused ones reach the app", async () => {
  // oslo.middleware 5.0.0 predates allowed_source_ranges / ignore_proxied_requests (it ignores
  // the unknown options), so it answers every request as an allowed one; later releases pass a
  // refused request to the wrapped application, whose reply is what any other path gets.
  const dir = await Deno.makeTempDir({ prefix: "health-diff-" });
  try {
    const file = await writeConfig(
      dir,
      "c.conf",
      [
        "[healthcheck]",
        "backends = disable_by_file",
        `disable_by_file_path = ${dir}/off`,
        "allowed_source_ranges = 127.0.0.2/32, 127.0.1.0/24",
        "ignore_proxied_requests = true",
        "",
      ].join("\n"),
    );
    await using oracle = await startOracle(file);
    await using ours = await startOurs(file);
    for (const localAddress of ["127.0.0.2", "127.0.1.9"]) {
      for (const accept of ["text/plain", "application/json", "text/html"]) {
        const opts = { localAddress, headers: { Accept: accept } };
        const [o, t] = await Promise.all([
          request(ours.ports[0]!, opts),
          request(oracle.ports[0]!, opts),
        ]);
        assertSameReply(o, t, `allowed ${localAddress} ${accept}`);
      }
    }
    const refused: { localAddress: string; headers?: Record<string, string> }[] = [
      { localAddress: "127.0.0.1" },
      { localAddress: "127.0.0.3" },
      { localAddress: "127.0.0.2", headers: { "X-Forwarded-For": "10.0.0.1" } },
      { localAddress: "127.0.0.2", headers: { "X-Forwarded-Proto": "https" } },
    ];
    for (const r of refused) {
      const o = await request(ours.ports[0]!, r);
      const t = await request(oracle.ports[0]!, { ...r, path: "/elsewhere" });
      assert.equal(o.status, t.status, `refused ${JSON.stringify(r)}`);
      assert.equal(o.status, 404);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
