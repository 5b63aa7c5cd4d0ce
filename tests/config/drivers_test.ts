import assert from "node:assert/strict";
import {
  ConfigFileValueError,
  type ConfigLogger,
  ConfigOpts,
  intOpt,
  optGroup,
  RequiredOptError,
  strOpt,
} from "../../lib/config/mod.ts";
import { barbicanAvailable, startBarbican } from "../_support/barbican.ts";
import { makeTestPki, type TestPki } from "../_support/tls.ts";

/** Neither the redacted values, the logged options, the warnings nor the log lines hold `secret`. */
function assertNothingShows(conf: ConfigOpts, log: { lines: string[] }, secret: RegExp): void {
  const shown = JSON.stringify([
    conf.redactedValues(),
    conf.logOptValues(),
    conf.warnings,
    log.lines,
  ]);
  assert.doesNotMatch(shown, secret);
}

/** A logger that keeps every line, so tests can check what was said. */
function recorder(): ConfigLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    error: (m) => lines.push(m),
  };
}

const API = optGroup("api", [strOpt("motd", { mutable: true })]);

const DB = optGroup("database", [
  strOpt("connection", { secret: true }),
  intOpt("max_pool_size", { default: 5 }),
]);

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function withPki<T>(fn: (pki: TestPki, dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "oslo-edge-tls-" });
  try {
    return await fn(await makeTestPki(dir), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("remote_file reads an INI over HTTPS verified with ca_path; a 404 skips the source", async () => {
  await withPki(async (pki) => {
    const server = Deno.serve(
      {
        hostname: "127.0.0.1",
        port: 0,
        cert: await Deno.readTextFile(pki.serverCert),
        key: await Deno.readTextFile(pki.serverKey),
        onListen: () => {},
      },
      (req) =>
        new URL(req.url).pathname === "/shared.conf"
          ? new Response("[database]\nmax_pool_size = 42\n")
          : new Response("gone", { status: 404 }),
    );
    try {
      const base = `https://127.0.0.1:${server.addr.port}`;
      const conf = (path: string) =>
        new ConfigOpts({ logger: recorder() }).register(DB).load({
          env: false,
          texts: [{
            name: "svc.conf",
            text:
              `[DEFAULT]\nconfig_source = shared\n[shared]\ndriver = remote_file\nuri = ${base}${path}\nca_path = ${pki.ca}\n`,
          }],
        });
      const ok = await conf("/shared.conf");
      assert.equal(ok.get("database", "max_pool_size"), 42);
      assert.deepEqual(ok.location("database", "max_pool_size"), {
        kind: "driver",
        detail: `${base}/shared.conf`,
        line: 2,
      });
      const missing = await conf("/nope.conf");
      assert.equal(missing.get("database", "max_pool_size"), 5);
      assert.match(
        missing.warnings.join("\n"),
        /Could not load configuration from \[shared\] using the remote_file driver: Cannot fetch .*\/nope\.conf: HTTP 404/,
      );
    } finally {
      await server.shutdown();
    }
  });
});

Deno.test("remote_file refuses a server its CA does not vouch for", async () => {
  await withPki(async (pki) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      cert: await Deno.readTextFile(pki.serverCert),
      key: await Deno.readTextFile(pki.serverKey),
      onListen: () => {},
    }, () => new Response("[database]\nmax_pool_size = 42\n"));
    try {
      const conf = await new ConfigOpts({ logger: recorder() }).register(DB).load({
        env: false,
        texts: [{
          name: "svc.conf",
          text:
            `[DEFAULT]\nconfig_source = shared\n[shared]\ndriver = remote_file\nuri = https://127.0.0.1:${server.addr.port}/x\n`,
        }],
      });
      assert.equal(conf.get("database", "max_pool_size"), 5);
      assert.match(conf.warnings.join("\n"), /Cannot fetch/);
    } finally {
      await server.shutdown();
    }
  });
});

Deno.test("remote_file presents its client certificate to a server that requires one", async () => {
  await withPki(async (pki, dir) => {
    await Deno.mkdir(`${dir}/www`);
    await Deno.writeTextFile(`${dir}/www/shared.conf`, "[database]\nmax_pool_size = 7\n");
    const port = freePort();
    const server = new Deno.Command("openssl", {
      args: [
        "s_server",
        "-quiet",
        "-accept",
        `127.0.0.1:${port}`,
        "-cert",
        pki.serverCert,
        "-key",
        pki.serverKey,
        "-CAfile",
        pki.ca,
        "-Verify",
        "1",
        "-verify_return_error",
        "-WWW",
      ],
      cwd: `${dir}/www`,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      for (let i = 0; i < 100; i++) {
        try {
          (await Deno.connect({ hostname: "127.0.0.1", port })).close();
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      const load = (certLines: string) =>
        new ConfigOpts({ logger: recorder() }).register(DB).load({
          env: false,
          texts: [{
            name: "svc.conf",
            text:
              `[DEFAULT]\nconfig_source = shared\n[shared]\ndriver = remote_file\nuri = https://127.0.0.1:${port}/shared.conf\nca_path = ${pki.ca}\n${certLines}`,
          }],
        });
      const separate = await load(
        `client_cert = ${pki.clientCert}\nclient_key = ${pki.clientKey}\n`,
      );
      assert.equal(separate.get("database", "max_pool_size"), 7);
      const combined = await load(`client_cert = ${pki.clientCombined}\n`);
      assert.equal(combined.get("database", "max_pool_size"), 7);
      const without = await load("");
      assert.equal(without.get("database", "max_pool_size"), 5);
      assert.match(without.warnings.join("\n"), /Cannot fetch/);
    } finally {
      server.kill("SIGTERM");
      await server.status;
    }
  });
});

Deno.test("remote_file without a uri fails the load: the option is required", async () => {
  await assert.rejects(
    () =>
      new ConfigOpts({ logger: recorder() }).register(DB).load({
        env: false,
        texts: [{
          name: "svc.conf",
          text: "[DEFAULT]\nconfig_source = shared\n[shared]\ndriver = remote_file\n",
        }],
      }),
    (e) => e instanceof RequiredOptError && e.option === "shared/uri",
  );
});

Deno.test("a config source naming an unknown driver fails the load, as every invalid value does", async () => {
  // oslo.config logs it and starts without the source (its values are lazy); ours are eager.
  const log = recorder();
  await assert.rejects(
    () =>
      new ConfigOpts({ logger: log }).register(DB).load({
        env: false,
        texts: [{ name: "svc.conf", text: "[DEFAULT]\nconfig_source = x\n[x]\ndriver = vault\n" }],
      }),
    (e) => e instanceof ConfigFileValueError && e.option === "x/driver" && e.line === 4,
  );
  assert.match(
    log.lines.join("\n"),
    /Could not load configuration from \[x\]: .*but found 'vault'/,
  );
});

Deno.test("secrets_dir reads one file per secret, as Kubernetes mounts them, and never shows a value", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Kubernetes: files are symlinks into a ..data directory.
    await Deno.mkdir(`${dir}/..2024_01_01`);
    await Deno.writeTextFile(
      `${dir}/..2024_01_01/database.connection`,
      "mysql://nova:s3cr3t@db/nova\n",
    );
    await Deno.writeTextFile(`${dir}/..2024_01_01/OS_DATABASE__MAX_POOL_SIZE`, "9");
    await Deno.symlink(`${dir}/..2024_01_01`, `${dir}/..data`);
    await Deno.symlink("..data/database.connection", `${dir}/database.connection`);
    await Deno.symlink("..data/OS_DATABASE__MAX_POOL_SIZE", `${dir}/OS_DATABASE__MAX_POOL_SIZE`);
    const log = recorder();
    const conf = await new ConfigOpts({ logger: log }).register(DB).load({
      env: false,
      texts: [{
        name: "svc.conf",
        text:
          `[DEFAULT]\nconfig_source = mounted\n[mounted]\ndriver = secrets_dir\npath = ${dir}\n`,
      }],
    });
    assert.equal(conf.get("database", "connection"), "mysql://nova:s3cr3t@db/nova");
    assert.equal(conf.get("database", "max_pool_size"), 9);
    assert.deepEqual(conf.location("database", "connection"), {
      kind: "driver",
      detail: `${dir}/database.connection`,
    });
    assertNothingShows(conf, log, /s3cr3t/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("secrets_dir values stay secret when the option is not declared secret, and so do values that substitute them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/DEFAULT.motd`, "s3cr3t-motd\n");
    await Deno.writeTextFile(`${dir}/DEFAULT.retries`, "s3cr3t-not-a-number");
    const opts = optGroup("DEFAULT", [
      strOpt("motd"),
      strOpt("banner", { default: "hello $motd" }),
      intOpt("retries", { default: 3 }),
      strOpt("plain", { default: "shown" }),
    ]);
    const text = `[DEFAULT]\nconfig_source = m\n[m]\ndriver = secrets_dir\npath = ${dir}\n`;
    const log = recorder();
    await assert.rejects(
      () =>
        new ConfigOpts({ logger: log }).register(opts).load({
          env: false,
          texts: [{ name: "svc.conf", text }],
        }),
      (e) => {
        assert.ok(e instanceof ConfigFileValueError);
        assert.equal(e.option, "DEFAULT/retries");
        assert.match(e.message, /the value \(not shown: secret\) is not a valid integer value/);
        assert.doesNotMatch(e.message, /s3cr3t/);
        assert.equal(e.cause, undefined);
        return true;
      },
    );
    await Deno.remove(`${dir}/DEFAULT.retries`);
    const conf = await new ConfigOpts({ logger: log }).register(opts).load({
      env: false,
      texts: [{ name: "svc.conf", text }],
    });
    assert.equal(conf.get("DEFAULT", "motd"), "s3cr3t-motd");
    assert.equal(conf.get("DEFAULT", "banner"), "hello s3cr3t-motd");
    assert.deepEqual(
      ["motd", "banner", "retries", "plain"].map((n) => conf.isSecret("DEFAULT", n)),
      [true, true, false, false],
    );
    assert.equal(conf.redactedValues().DEFAULT?.motd, "****");
    assert.equal(conf.redactedValues().DEFAULT?.banner, "****");
    assert.equal(conf.redactedValues().DEFAULT?.plain, "shown");
    assert.ok(conf.logOptValues().includes(`${"motd".padEnd(30)} = ****`));
    assert.ok(conf.logOptValues().includes(`${"banner".padEnd(30)} = ****`));
    assertNothingShows(conf, log, /s3cr3t/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("secrets_dir follows a mapping file and keeps an invalid secret out of the error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/pool`, "not-a-number-s3cr3t");
    await Deno.writeTextFile(`${dir}/map.conf`, "[database]\nmax_pool_size = pool\n");
    const secretPool = optGroup("database", [
      intOpt("max_pool_size", { default: 5, secret: true }),
    ]);
    await assert.rejects(
      () =>
        new ConfigOpts({ logger: recorder() }).register(secretPool).load({
          env: false,
          texts: [{
            name: "svc.conf",
            text:
              `[DEFAULT]\nconfig_source = m\n[m]\ndriver = secrets_dir\npath = ${dir}\nmapping_file = ${dir}/map.conf\n`,
          }],
        }),
      (e) => {
        assert.ok(e instanceof ConfigFileValueError);
        assert.match(e.message, new RegExp(`config source ${dir}/pool`));
        assert.doesNotMatch(e.message, /s3cr3t/);
        return true;
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the environment driver answers after the files, as a listed source", async () => {
  const conf = await new ConfigOpts({ logger: recorder() }).register(DB).load({
    env: { OS_DATABASE__MAX_POOL_SIZE: "11" },
    texts: [{
      name: "svc.conf",
      text: "[DEFAULT]\nconfig_source = env\n[env]\ndriver = environment\n",
    }],
  });
  assert.equal(conf.get("database", "max_pool_size"), 11);
});

Deno.test({
  name:
    "castellan reads secrets from a real Barbican by the ids its mapping file names, again on reload",
  ignore: !(await barbicanAvailable()),
  sanitizeResources: false,
  fn: async () => {
    await using bb = await startBarbican();
    const id = await bb.storeSecret("nova-db", "mysql://nova:b4rb1c4n@db/nova");
    const pool = await bb.storeSecret("pool", "13");
    const motd = await bb.storeSecret("motd", "b4rb1c4n-motd-1");
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(
        `${dir}/castellan.conf`,
        `[key_manager]\nbackend = barbican\nauth_type = noauth\nproject_id = ${bb.projectId}\n[barbican]\nbarbican_endpoint = ${bb.url}\n`,
      );
      await Deno.writeTextFile(
        `${dir}/mapping.conf`,
        `[database]\nconnection = ${id}\nmax_pool_size = ${bb.url}/v1/secrets/${pool}\n[api]\nmotd = ${motd}\n[other]\nmissing = 00000000-0000-0000-0000-000000000000\n`,
      );
      const log = recorder();
      const conf = await new ConfigOpts({ logger: log }).register(DB).register(API).load({
        env: false,
        texts: [{
          name: "svc.conf",
          text:
            `[DEFAULT]\nconfig_source = secrets\n[secrets]\ndriver = castellan\nconfig_file = ${dir}/castellan.conf\nmapping_file = ${dir}/mapping.conf\n`,
        }],
      });
      assert.equal(conf.get("database", "connection"), "mysql://nova:b4rb1c4n@db/nova");
      assert.equal(conf.get("database", "max_pool_size"), 13);
      assert.deepEqual(conf.location("database", "connection"), {
        kind: "driver",
        detail: `${bb.url}/v1/secrets/${id}`,
      });
      assert.match(
        log.lines.join("\n"),
        /Cannot read the secret for \[other\] missing from .*: HTTP 404/,
      );
      assertNothingShows(conf, log, /b4rb1c4n/);
      // Not declared secret, but read from Barbican: masked all the same.
      assert.ok(conf.logOptValues().includes(`${"database.max_pool_size".padEnd(30)} = ****`));

      // Rotation: new secrets, the mapping file points at them; a reload reads them.
      const motd2 = await bb.storeSecret("motd", "b4rb1c4n-motd-2");
      const pool2 = await bb.storeSecret("pool", "14");
      await Deno.writeTextFile(
        `${dir}/mapping.conf`,
        `[database]\nconnection = ${id}\nmax_pool_size = ${pool2}\n[api]\nmotd = ${motd2}\n`,
      );
      log.lines.length = 0;
      const event = await conf.reload();
      assert.equal(event.ok, true);
      assert.equal(conf.get("api", "motd"), "b4rb1c4n-motd-2");
      assert.equal(conf.get("database", "max_pool_size"), 13);
      assert.deepEqual(log.lines, [
        "Option api.motd changed from [****] to [****]",
        "Ignoring change to immutable option database.max_pool_size",
      ]);

      // Barbican cannot be reached: the source cannot be re-opened, its previous values stay.
      const castellanConf = await Deno.readTextFile(`${dir}/castellan.conf`);
      await Deno.writeTextFile(
        `${dir}/castellan.conf`,
        castellanConf.replace(bb.url, `http://127.0.0.1:${freePort()}`),
      );
      const down = await conf.reload();
      assert.equal(down.ok, true);
      assert.equal(conf.get("api", "motd"), "b4rb1c4n-motd-2");
      assert.match(
        down.messages.join("\n"),
        /Could not load configuration from \[secrets\] using the castellan driver: Cannot read the secret for \[database\] connection from .*: TypeError; its previous values stay/,
      );
      assert.doesNotMatch(JSON.stringify([down.messages, conf.logOptValues()]), /b4rb1c4n/);

      // Another project may not read them: reported, and the file value (none) stays.
      await Deno.writeTextFile(
        `${dir}/castellan.conf`,
        `[key_manager]\nauth_type = noauth\nproject_id = intruder\n[barbican]\nbarbican_endpoint = ${bb.url}\n`,
      );
      const denied = recorder();
      const other = await new ConfigOpts({ logger: denied }).register(DB).load({
        env: false,
        texts: [{
          name: "svc.conf",
          text:
            `[DEFAULT]\nconfig_source = secrets\n[secrets]\ndriver = castellan\nconfig_file = ${dir}/castellan.conf\nmapping_file = ${dir}/mapping.conf\n`,
        }],
      });
      assert.equal(other.get("database", "connection"), undefined);
      assert.match(denied.lines.join("\n"), /\[database\] connection .*HTTP 403/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** A loopback HTTP server that counts requests and answers each with `status`. */
function countingServer(status: number) {
  const seen: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => {
      seen.push(new URL(req.url).pathname);
      return new Response("s3cr3t", { status });
    },
  );
  return {
    seen,
    url: `http://127.0.0.1:${server.addr.port}`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

async function castellanLoad(dir: string, castellan: string, mapping: string) {
  await Deno.writeTextFile(`${dir}/castellan.conf`, castellan);
  await Deno.writeTextFile(`${dir}/mapping.conf`, mapping);
  const log = recorder();
  const conf = await new ConfigOpts({ logger: log }).register(DB).load({
    env: false,
    texts: [{
      name: "svc.conf",
      text:
        `[DEFAULT]\nconfig_source = secrets\n[secrets]\ndriver = castellan\nconfig_file = ${dir}/castellan.conf\nmapping_file = ${dir}/mapping.conf\n`,
    }],
  });
  return { conf, log };
}

Deno.test("castellan refuses a plain http Barbican endpoint that is not loopback", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { conf, log } = await castellanLoad(
      dir,
      "[key_manager]\ntoken = t0ken\n[barbican]\nbarbican_endpoint = http://barbican.example:9311\n",
      "[database]\nconnection = 00000000-0000-0000-0000-000000000000\n",
    );
    assert.equal(conf.get("database", "connection"), undefined);
    assert.deepEqual(log.lines, [
      `Could not load configuration from [secrets] using the castellan driver: Cannot use [barbican] barbican_endpoint "http://barbican.example:9311/" of ${dir}/castellan.conf: plain http would send the token and the secrets in the clear; use https (http only on loopback)`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("castellan refuses a mapping-file secret ref on another origin, naming the line, and sends nothing", async () => {
  await using endpoint = countingServer(200);
  await using elsewhere = countingServer(200);
  const dir = await Deno.makeTempDir();
  try {
    const other = elsewhere.url.replace("127.0.0.1", "localhost");
    const { conf, log } = await castellanLoad(
      dir,
      `[key_manager]\ntoken = t0ken\n[barbican]\nbarbican_endpoint = ${endpoint.url}\n`,
      `[database]\nconnection = 00000000-0000-0000-0000-000000000000\n\nmax_pool_size = ${other}/v1/secrets/abc\n`,
    );
    assert.equal(conf.get("database", "connection"), undefined);
    assert.deepEqual(log.lines, [
      `Could not load configuration from [secrets] using the castellan driver: Cannot use [secrets] mapping_file "${dir}/mapping.conf" line 4: the secret ref of [database] max_pool_size is not on the Barbican endpoint ${endpoint.url}, so the token would go elsewhere`,
    ]);
    assert.deepEqual(endpoint.seen, [], "nothing is fetched when a ref is refused");
    assert.deepEqual(elsewhere.seen, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("castellan fails the source when Barbican answers 5xx, without showing a payload", async () => {
  await using endpoint = countingServer(503);
  const dir = await Deno.makeTempDir();
  try {
    const { conf, log } = await castellanLoad(
      dir,
      `[key_manager]\ntoken = t0ken\n[barbican]\nbarbican_endpoint = ${endpoint.url}\n`,
      "[database]\nconnection = 00000000-0000-0000-0000-000000000000\n",
    );
    assert.equal(conf.get("database", "connection"), undefined);
    assert.deepEqual(endpoint.seen, ["/v1/secrets/00000000-0000-0000-0000-000000000000/payload"]);
    assert.match(
      log.lines.join("\n"),
      /using the castellan driver: Cannot read the secret for \[database\] connection from .*: HTTP 503$/,
    );
    assert.doesNotMatch(log.lines.join("\n"), /s3cr3t|t0ken/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
