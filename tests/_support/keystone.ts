/**
 * A real Keystone (Debian's python3-keystone served by uwsgi) for tests, on a
 * free loopback port in its own temp dir, stopped by PID when disposed.
 *
 * ```ts ignore
 * await using ks = await startKeystone({ enforcementModel: "strict_two_level" });
 * const model = await ks.api("GET", "/limits/model");
 * ```
 *
 * Set-up follows ../../shared/notes/keystone.md: sqlite in WAL mode, fernet
 * tokens, `[cache] enabled = false`, bootstrap admin in region `RegionOne`,
 * one uwsgi process with one thread and `Connection: close`. `db_sync` and
 * `bootstrap` run once per machine into a template database (kept under the
 * temp dir, keyed by Keystone's version) that each server copies; the
 * endpoints' URLs are then pointed at the server's own port.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import {
  INSTALL_HINT,
  keyRepository,
  keystoneConf,
  PLACEHOLDER_URL,
  template,
} from "./keystone_template.ts";

/** Options of {@linkcode startKeystone}. */
export interface KeystoneOptions {
  /** `[unified_limit] enforcement_model` (default `flat`). */
  enforcementModel?: "flat" | "strict_two_level";
  /** Extra keystone.conf text appended to the generated file. */
  extraConfig?: string;
}

/** What a client needs to authenticate as the bootstrap admin. */
export interface KeystoneAdmin {
  /** `http://127.0.0.1:PORT/v3`. */
  authUrl: string;
  username: string;
  password: string;
  userDomainId: string;
  projectName: string;
  projectDomainId: string;
  /** Region created by bootstrap. */
  regionId: string;
}

/** An error reply from Keystone's API. */
export class KeystoneApiError extends Error {
  readonly status: number;
  constructor(method: string, path: string, status: number, message: string) {
    super(`Keystone ${method} ${path} answered ${status}: ${message}`);
    this.name = "KeystoneApiError";
    this.status = status;
  }
}

/** One running Keystone. */
export class KeystoneServer implements AsyncDisposable {
  readonly dir: string;
  readonly port: number;
  readonly admin: KeystoneAdmin;
  #child: Deno.ChildProcess | undefined;
  #token: Promise<string> | undefined;
  #finalLog: string | undefined;

  constructor(dir: string, port: number, admin: KeystoneAdmin, child: Deno.ChildProcess) {
    this.dir = dir;
    this.port = port;
    this.admin = admin;
    this.#child = child;
  }

  /** `http://127.0.0.1:PORT` (add `/v3`). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** PID of the uwsgi master, or undefined once stopped. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** A system-scoped admin token, fetched once per server (password auth costs ~0.4 s). */
  adminToken(): Promise<string> {
    this.#token ??= this.#issueToken().catch((e) => {
      this.#token = undefined;
      throw e;
    });
    return this.#token;
  }

  async #issueToken(): Promise<string> {
    const res = await fetch(`${this.url}/v3/auth/tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ["password"],
            password: {
              user: {
                name: this.admin.username,
                domain: { id: this.admin.userDomainId },
                password: this.admin.password,
              },
            },
          },
          scope: { system: { all: true } },
        },
      }),
    });
    const text = await res.text();
    const token = res.headers.get("X-Subject-Token");
    if (res.status !== 201 || !token) {
      throw new KeystoneApiError("POST", "/v3/auth/tokens", res.status, text.slice(0, 300));
    }
    return token;
  }

  /**
   * Calls Keystone's v3 API as the admin (`path` without `/v3`); resolves to the
   * parsed JSON body (null for 204), throws {@linkcode KeystoneApiError} otherwise.
   */
  async api<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const res = await fetch(`${this.url}/v3${path}`, {
      method,
      headers: {
        "X-Auth-Token": await this.adminToken(),
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 500);
      try {
        message = JSON.parse(text).error?.message ?? message;
      } catch { /* not JSON */ }
      throw new KeystoneApiError(method, `/v3${path}`, res.status, message);
    }
    return (text ? JSON.parse(text) : null) as T;
  }

  /** The last `lines` lines of Keystone's and uwsgi's logs (kept after disposal). */
  async logTail(lines = 40): Promise<string> {
    const text = this.#finalLog ?? await readLogs(this.dir);
    return text.trimEnd().split("\n").slice(-lines).join("\n");
  }

  /** Stops uwsgi (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    const workers = await childPids(child.pid);
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }, 5_000);
    await child.status;
    clearTimeout(timer);
    for (const pid of workers) {
      // Only a worker that outlived its master (and is still uwsgi, not a reused PID).
      const cmd = await Deno.readTextFile(`/proc/${pid}/cmdline`).catch(() => "");
      if (!cmd.startsWith("uwsgi")) continue;
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* gone */ }
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
    this.#finalLog = await readLogs(this.dir);
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}

async function readLogs(dir: string): Promise<string> {
  const ks = await Deno.readTextFile(`${dir}/keystone.log`).catch(() => "");
  const uw = await Deno.readTextFile(`${dir}/uwsgi.log`).catch(() => "");
  return `${uw}\n${ks}`;
}

/** PIDs whose parent is `pid` (uwsgi's workers), read from /proc. */
async function childPids(pid: number): Promise<number[]> {
  const out: number[] = [];
  try {
    for await (const e of Deno.readDir("/proc")) {
      if (!/^\d+$/.test(e.name)) continue;
      const stat = await Deno.readTextFile(`/proc/${e.name}/stat`).catch(() => "");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(e.name));
    }
  } catch { /* no /proc: nothing more to stop */ }
  return out;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitUntilUp(url: string, child: Deno.ChildProcess, dir: string): Promise<void> {
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(`${url}/v3`);
      await res.body?.cancel();
      if (res.status === 200) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `Keystone did not answer GET ${url}/v3 ${exited ? "(uwsgi exited)" : "within 60 s"}:\n${
      (await readLogs(dir)).trimEnd().split("\n").slice(-30).join("\n")
    }`,
  );
}

/** Starts a Keystone on a free loopback port and waits until `GET /v3` answers. */
export async function startKeystone(options: KeystoneOptions = {}): Promise<KeystoneServer> {
  const tpl = await template();
  const dir = await Deno.makeTempDir({ prefix: "oslo-edge-keystone-" });
  let child: Deno.ChildProcess | undefined;
  try {
    await Deno.copyFile(tpl.db, `${dir}/keystone.db`);
    await Promise.all(
      ["fernet-keys", "receipt-keys", "credential-keys"].map((d) => keyRepository(`${dir}/${d}`)),
    );
    const conf = `${dir}/keystone.conf`;
    await Deno.writeTextFile(
      conf,
      keystoneConf(dir, options.enforcementModel ?? "flat", options.extraConfig),
    );
    const port = freePort();
    const url = `http://127.0.0.1:${port}`;
    const db = new DatabaseSync(`${dir}/keystone.db`);
    db.prepare("UPDATE endpoint SET url = ? WHERE url = ?").run(`${url}/v3/`, PLACEHOLDER_URL);
    db.close();
    const log = `${dir}/uwsgi.log`;
    try {
      child = new Deno.Command("uwsgi", {
        args: [
          "--plugin",
          "python3",
          "--http-socket",
          `127.0.0.1:${port}`,
          "--wsgi-file",
          "/usr/bin/keystone-wsgi-public",
          "--master",
          "--processes",
          "1",
          "--threads",
          "1",
          "--die-on-term",
          "--add-header",
          "Connection: close",
          "--logto",
          log,
        ],
        env: { OS_KEYSTONE_CONFIG_FILES: conf, OS_KEYSTONE_CONFIG_DIR: dir },
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) throw new Error(INSTALL_HINT);
      throw e;
    }
    const admin: KeystoneAdmin = {
      authUrl: `${url}/v3`,
      username: "admin",
      password: tpl.password,
      userDomainId: "default",
      projectName: "admin",
      projectDomainId: "default",
      regionId: "RegionOne",
    };
    const server = new KeystoneServer(dir, port, admin, child);
    try {
      await waitUntilUp(url, child, dir);
    } catch (e) {
      await server.stop();
      throw e;
    }
    return server;
  } catch (e) {
    if (child) {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await child.status;
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw e;
  }
}
