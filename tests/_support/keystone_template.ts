/**
 * Keystone's state dir for tests: keystone.conf, fernet key repositories and a
 * template database (db_sync, WAL, bootstrap) built once per Keystone version.
 * Used by {@linkcode ./keystone.ts}.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";

const PYTHON = "/usr/bin/python3";
/** What to run when Keystone or uwsgi is missing. */
export const INSTALL_HINT =
  "Keystone is not installed: run `deno task setup` (or apt-get install -y --no-install-recommends python3-keystone uwsgi-core uwsgi-plugin-python3)";
/** The endpoints' URL in the template; each server rewrites it to its own. */
export const PLACEHOLDER_URL = "http://127.0.0.1:1/v3/";

async function run(cmd: string, args: string[], what: string): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(cmd, { args, stdin: "null", stdout: "piped", stderr: "piped" })
      .output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new Error(INSTALL_HINT);
    throw e;
  }
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${what} failed (exit ${out.code}):\n${text.slice(-2000)}`);
  return text;
}

async function keystoneVersion(): Promise<string> {
  const text = await run(
    PYTHON,
    ["-c", "import pbr.version as v; print(v.VersionInfo('keystone').version_string())"],
    "reading Keystone's version",
  ).catch(() => {
    throw new Error(INSTALL_HINT);
  });
  return text.trim();
}

function fernetKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
}

export async function keyRepository(path: string): Promise<void> {
  await Deno.mkdir(path, { recursive: true, mode: 0o700 });
  for (const name of ["0", "1"]) {
    await Deno.writeTextFile(`${path}/${name}`, fernetKey(), { mode: 0o600 });
  }
}

export function keystoneConf(dir: string, model: string, extra = ""): string {
  return `[DEFAULT]
log_file = ${dir}/keystone.log
[database]
connection = sqlite:///${dir}/keystone.db
[token]
provider = fernet
[fernet_tokens]
key_repository = ${dir}/fernet-keys
[fernet_receipts]
key_repository = ${dir}/receipt-keys
[credential]
key_repository = ${dir}/credential-keys
[unified_limit]
enforcement_model = ${model}
[cache]
enabled = false
${extra}
`;
}

export interface Template {
  db: string;
  password: string;
}

/** Builds (once) and returns the template: db_sync + WAL + bootstrap, once per Keystone version, shared by every server. */
export async function template(): Promise<Template> {
  const version = await keystoneVersion();
  const tmp = Deno.env.get("TMPDIR") ?? "/tmp";
  const home = `${tmp}/oslo-edge-keystone-template-${version}`;
  const meta = `${home}/admin.json`;
  try {
    const { password } = JSON.parse(await Deno.readTextFile(meta));
    return { db: `${home}/keystone.db`, password };
  } catch { /* build it */ }
  const build = await Deno.makeTempDir({ prefix: "oslo-edge-keystone-build-" });
  try {
    const conf = `${build}/keystone.conf`;
    await Deno.writeTextFile(conf, keystoneConf(build, "flat"));
    await Promise.all(
      ["fernet-keys", "receipt-keys", "credential-keys"].map((d) => keyRepository(`${build}/${d}`)),
    );
    await run("keystone-manage", ["--config-file", conf, "db_sync"], "keystone-manage db_sync");
    const db = new DatabaseSync(`${build}/keystone.db`);
    db.exec("PRAGMA journal_mode=WAL");
    db.close();
    const password = crypto.randomUUID();
    await run("keystone-manage", [
      "--config-file",
      conf,
      "bootstrap",
      "--bootstrap-password",
      password,
      "--bootstrap-region-id",
      "RegionOne",
      "--bootstrap-public-url",
      PLACEHOLDER_URL,
      "--bootstrap-internal-url",
      PLACEHOLDER_URL,
      "--bootstrap-admin-url",
      PLACEHOLDER_URL,
    ], "keystone-manage bootstrap");
    const check = new DatabaseSync(`${build}/keystone.db`);
    check.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    check.close();
    await Deno.writeTextFile(`${build}/admin.json`, JSON.stringify({ password }));
    await Deno.rename(build, home).catch(async () => {
      // Another process built it first: use theirs.
      await Deno.remove(build, { recursive: true });
    });
    const { password: kept } = JSON.parse(await Deno.readTextFile(meta));
    return { db: `${home}/keystone.db`, password: kept };
  } catch (e) {
    await Deno.remove(build, { recursive: true }).catch(() => {});
    throw e;
  }
}
