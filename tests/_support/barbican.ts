/**
 * A real Barbican (Debian's python3-barbican served by uwsgi) for tests, on a
 * free loopback port in its own temp dir, with sqlite and no Keystone (the
 * project comes from `X-Project-Id`, roles from `X-Roles`), stopped by PID
 * when disposed. Installs nothing: tests/_support/setup.sh does.
 *
 * ```ts ignore
 * await using bb = await startBarbican();
 * const ref = await bb.storeSecret("db-password", "s3cret");
 * ```
 *
 * Set-up follows ../../shared/notes/barbican.md: `HOME=DIR` so oslo.config
 * finds `DIR/.barbican/barbican.conf`; a paste file mounting the API at `/v1`
 * behind `UnauthenticatedContextMiddleware`; one uwsgi process, one thread.
 *
 * @module
 */

/** Install hint when the packages are missing. */
export const BARBICAN_HINT =
  "Barbican is not installed: apt-get install -y --no-install-recommends python3-barbican uwsgi-core uwsgi-plugin-python3 (or run tests/_support/setup.sh)";

/** Whether Barbican can run here. */
export async function barbicanAvailable(): Promise<boolean> {
  try {
    const py = await new Deno.Command("/usr/bin/python3", {
      args: ["-c", "import barbican.api.app"],
      stdout: "null",
      stderr: "null",
    }).output();
    const uw = await new Deno.Command("uwsgi", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .output();
    return py.success && uw.success;
  } catch {
    return false;
  }
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

const PASTE = `[composite:main]
use = egg:Paste#urlmap
/: barbican_version
/v1: barbican_api

[pipeline:barbican_api]
pipeline = unauthenticated-context apiapp

[app:barbican_version]
paste.app_factory = barbican.api.app:create_version_app

[app:apiapp]
paste.app_factory = barbican.api.app:create_main_app

[filter:unauthenticated-context]
paste.filter_factory = barbican.api.middleware.context:UnauthenticatedContextMiddleware.factory
`;

/** One running Barbican. */
export class BarbicanServer implements AsyncDisposable {
  readonly dir: string;
  readonly port: number;
  /** The project secrets are stored in. */
  readonly projectId = "edge-project";
  #child: Deno.ChildProcess | undefined;

  constructor(dir: string, port: number, child: Deno.ChildProcess) {
    this.dir = dir;
    this.port = port;
    this.#child = child;
  }

  /** `http://127.0.0.1:PORT`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** PID of the uwsgi master, or undefined once stopped. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Stores a text secret in {@linkcode projectId}; resolves to its UUID. */
  async storeSecret(name: string, payload: string): Promise<string> {
    const res = await fetch(`${this.url}/v1/secrets`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Project-Id": this.projectId,
        "X-Roles": "creator",
      },
      body: JSON.stringify({ name, payload, payload_content_type: "text/plain" }),
    });
    const body = await res.json() as { secret_ref?: string };
    if (res.status !== 201 || !body.secret_ref) {
      throw new Error(`Barbican refused to store a secret: ${res.status}`);
    }
    return body.secret_ref.slice(body.secret_ref.lastIndexOf("/") + 1);
  }

  /** Barbican's and uwsgi's logs. */
  async logs(): Promise<string> {
    const a = await Deno.readTextFile(`${this.dir}/uwsgi.log`).catch(() => "");
    const b = await Deno.readTextFile(`${this.dir}/barbican.log`).catch(() => "");
    return `${a}\n${b}`;
  }

  /** Stops uwsgi (SIGTERM, SIGKILL after 5 s) and waits for it. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 5_000);
    await child.status;
    clearTimeout(timer);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}

/** Starts a Barbican on a free loopback port and waits until `GET /v1/secrets` answers. */
export async function startBarbican(): Promise<BarbicanServer> {
  const dir = await Deno.makeTempDir({ prefix: "oslo-edge-barbican-" });
  const port = freePort();
  const kek = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
  await Deno.mkdir(`${dir}/.barbican`);
  await Deno.writeTextFile(
    `${dir}/.barbican/barbican.conf`,
    `[DEFAULT]
sql_connection = sqlite:///${dir}/barbican.db
db_auto_create = true
host_href = http://127.0.0.1:${port}
log_file = ${dir}/barbican.log
[secretstore]
enabled_secretstore_plugins = store_crypto
[crypto]
enabled_crypto_plugins = simple_crypto
[simple_crypto_plugin]
kek = ${kek}
[queue]
enable = false
`,
  );
  await Deno.writeTextFile(`${dir}/paste.ini`, PASTE);
  await Deno.writeTextFile(
    `${dir}/app.wsgi`,
    `from paste import deploy\napplication = deploy.loadapp('config:${dir}/paste.ini')\n`,
  );
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("uwsgi", {
      args: [
        "--plugin",
        "python3",
        "--http-socket",
        `127.0.0.1:${port}`,
        "--wsgi-file",
        `${dir}/app.wsgi`,
        "--master",
        "--processes",
        "1",
        "--threads",
        "1",
        "--die-on-term",
        "--logto",
        `${dir}/uwsgi.log`,
      ],
      env: { HOME: dir },
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch (e) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    if (e instanceof Deno.errors.NotFound) throw new Error(BARBICAN_HINT);
    throw e;
  }
  const server = new BarbicanServer(dir, port, child);
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(`${server.url}/v1/secrets`, {
        headers: { "X-Project-Id": server.projectId },
      });
      await res.body?.cancel();
      if (res.status === 200) return server;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  const logs = await server.logs();
  await server[Symbol.asyncDispose]();
  throw new Error(
    `Barbican did not answer ${exited ? "(uwsgi exited)" : "within 60 s"}:\n${
      logs.trimEnd().split("\n").slice(-30).join("\n")
    }`,
  );
}
