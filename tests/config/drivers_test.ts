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
    const shown = JSON.stringify([
      conf.redactedValues(),
      conf.logOptValues(),
      conf.warnings,
      log.lines,
    ]);
    assert.doesNotMatch(shown, /s3cr3t/);
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
  name: "castellan reads secrets from a real Barbican by the ids its mapping file names",
  ignore: !(await barbicanAvailable()),
  sanitizeResources: false,
  fn: async () => {
    await using bb = await startBarbican();
    const id = await bb.storeSecret("nova-db", "mysql://nova:b4rb1c4n@db/nova");
    const pool = await bb.storeSecret("pool", "13");
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(
        `${dir}/castellan.conf`,
        `[key_manager]\nbackend = barbican\nauth_type = noauth\nproject_id = ${bb.projectId}\n[barbican]\nbarbican_endpoint = ${bb.url}\n`,
      );
      await Deno.writeTextFile(
        `${dir}/mapping.conf`,
        `[database]\nconnection = ${id}\nmax_pool_size = ${bb.url}/v1/secrets/${pool}\n[other]\nmissing = 00000000-0000-0000-0000-000000000000\n`,
      );
      const log = recorder();
      const conf = await new ConfigOpts({ logger: log }).register(DB).load({
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
      const shown = JSON.stringify([
        conf.redactedValues(),
        conf.logOptValues(),
        conf.warnings,
        log.lines,
      ]);
      assert.doesNotMatch(shown, /b4rb1c4n/);

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
