/**
 * Real `nats-server` processes for tests: a single server, a hub with
 * JetStream, and a hub with N leaf nodes, each on free loopback ports in its own
 * temp dir, stopped by PID when disposed.
 *
 * ```ts ignore
 * await using topo = await startLeafTopology({ leaves: 2, jetstream: true });
 * const hubUrl = topo.hub.url, leafUrl = topo.leaves[0]?.url;
 * ```
 *
 * Use {@linkcode natsTest} in place of `Deno.test` to print the tail of every
 * server's log when the test fails.
 *
 * @module
 */

import { natsBin, natsBinMissing } from "./nats_bin.ts";
import { startTcpProxy, type TcpProxy } from "./tcp_proxy.ts";

export { NatsServerNotFound } from "./nats_bin.ts";

/** Options of {@linkcode startNatsServer}. */
export interface NatsServerOptions {
  /** Server name (also the JetStream domain when `jetstream.domain` is true). */
  name?: string;
  /** Enable JetStream; `{ domain }` gives it a JetStream domain (needed with leaf nodes). */
  jetstream?: boolean | { domain?: string; maxMemory?: string; maxFile?: string };
  /** Accept leaf node connections (hub side). */
  leafListen?: boolean;
  /** Leaf remotes to dial (leaf side): `nats-leaf://host:port` URLs. */
  leafRemotes?: string[];
  /** Hub side: leaf listener address told to leaves (`host:port`), which they also dial. */
  leafAdvertise?: string;
  /** Raw config appended to the generated file. */
  extraConfig?: string;
  /** Client port; random when absent (kept across restarts). */
  port?: number;
  /** The nats-server binary; `NATS_SERVER_BIN`, else PATH, else /usr/sbin by default. */
  bin?: string;
}

/** Every server started and not yet stopped, for {@linkcode natsTest}'s log dump. */
const started = new Set<NatsServer>();

/** One running nats-server. */
export class NatsServer implements AsyncDisposable {
  readonly name: string;
  readonly dir: string;
  /** Client port (stable across {@linkcode NatsServer.restart}). */
  port = 0;
  /** Monitoring port (`/varz`, `/leafz`, ...). */
  monitorPort = 0;
  /** Leaf node listener port when `leafListen`. */
  leafPort = 0;
  #options: NatsServerOptions;
  #child: Deno.ChildProcess | undefined;
  #logFile: string;
  #startCount = 0;

  constructor(dir: string, options: NatsServerOptions) {
    this.dir = dir;
    this.name = options.name ?? "nats";
    this.#options = options;
    this.#logFile = `${dir}/server.log`;
  }

  /** `nats://127.0.0.1:PORT`. */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** `nats-leaf://127.0.0.1:LEAFPORT` for leaf remotes. */
  get leafUrl(): string {
    return `nats-leaf://127.0.0.1:${this.leafPort}`;
  }

  /** `http://127.0.0.1:MONITORPORT`. */
  get monitorUrl(): string {
    return `http://127.0.0.1:${this.monitorPort}`;
  }

  /** PID of the running process, or undefined when stopped. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  #config(): string {
    const o = this.#options;
    const lines = [
      `server_name: ${JSON.stringify(this.name)}`,
      `listen: "127.0.0.1:${this.port || -1}"`,
      `http: "127.0.0.1:${this.monitorPort || -1}"`,
    ];
    if (o.jetstream) {
      const js = typeof o.jetstream === "object" ? o.jetstream : {};
      lines.push(
        `jetstream { store_dir: ${JSON.stringify(`${this.dir}/js`)}` +
          (js.domain ? `, domain: ${JSON.stringify(js.domain)}` : "") +
          `, max_memory_store: ${js.maxMemory ?? "256MB"}, max_file_store: ${
            js.maxFile ?? "1GB"
          } }`,
      );
    }
    if (o.leafListen || o.leafRemotes) {
      const parts: string[] = [];
      if (o.leafListen) parts.push(`listen: "127.0.0.1:${this.leafPort || -1}"`);
      if (o.leafAdvertise) parts.push(`advertise: ${JSON.stringify(o.leafAdvertise)}`);
      if (o.leafRemotes) {
        parts.push("reconnect: 1"); // seconds; the smallest interval nats-server takes
        parts.push(
          `remotes: [ ${o.leafRemotes.map((u) => `{ url: ${JSON.stringify(u)} }`).join(", ")} ]`,
        );
      }
      lines.push(`leafnodes { ${parts.join(", ")} }`);
    }
    if (o.extraConfig) lines.push(o.extraConfig);
    return lines.join("\n") + "\n";
  }

  /** Starts the process and waits until it accepts clients. */
  async start(): Promise<this> {
    if (this.#child) return this;
    const confFile = `${this.dir}/server.conf`;
    await Deno.writeTextFile(confFile, this.#config());
    const portsDir = `${this.dir}/ports`;
    await Deno.remove(portsDir, { recursive: true }).catch(() => {});
    await Deno.mkdir(portsDir, { recursive: true });
    const log = await Deno.open(this.#logFile, { append: true, create: true, write: true });
    let child: Deno.ChildProcess;
    const bin = natsBin(this.#options.bin);
    try {
      child = new Deno.Command(bin.path, {
        args: ["-c", confFile, "--ports_file_dir", portsDir],
        stdout: "piped",
        stderr: "piped",
        stdin: "null",
      }).spawn();
    } catch (e) {
      log.close();
      if (e instanceof Deno.errors.NotFound) throw natsBinMissing(bin, e);
      throw e;
    }
    this.#child = child;
    this.#startCount++;
    // Both streams go to the log file; the pipes end when the process does.
    const writer = log.writable.getWriter();
    const pump = async (s: ReadableStream<Uint8Array>) => {
      for await (const chunk of s) await writer.write(chunk);
    };
    this.#pumps = Promise.all([pump(child.stdout), pump(child.stderr)]).finally(() =>
      writer.close().catch(() => {})
    );
    child.status.then(() => {
      if (this.#child === child) this.#child = undefined;
    });
    started.add(this);
    const ports = await this.#waitForPorts(portsDir, child.pid);
    this.port = ports.port;
    this.monitorPort = ports.monitorPort;
    if (this.#options.leafListen && !this.leafPort) {
      const varz = await (await fetch(`${this.monitorUrl}/varz`)).json();
      this.leafPort = varz.leaf.port;
    }
    return this;
  }

  #pumps: Promise<unknown> = Promise.resolve();

  async #waitForPorts(dir: string, pid: number): Promise<{ port: number; monitorPort: number }> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (!this.#child) break;
      try {
        for await (const e of Deno.readDir(dir)) {
          if (!e.name.endsWith(`_${pid}.ports`)) continue;
          const p = JSON.parse(await Deno.readTextFile(`${dir}/${e.name}`));
          const port = Number(new URL(String(p.nats[0]).replace("nats:", "http:")).port);
          const monitorPort = Number(new URL(p.monitoring[0]).port);
          if (await canConnect(port)) return { port, monitorPort };
        }
      } catch { /* file half-written: retry */ }
      await delay(20);
    }
    throw new Error(`nats-server ${this.name} did not start:\n${await this.logTail()}`);
  }

  #finalLog: string | undefined;

  /** The last `lines` lines of the server's log (kept after disposal). */
  async logTail(lines = 30): Promise<string> {
    const text = this.#finalLog ?? await Deno.readTextFile(this.#logFile).catch(() => "");
    return text.trimEnd().split("\n").slice(-lines).join("\n");
  }

  /** Fetches a monitoring endpoint (`varz`, `leafz`, `jsz`, ...). */
  async monitor(endpoint: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.monitorUrl}/${endpoint}`);
    return await res.json();
  }

  /** Stops the process (SIGKILL when `kill`, else SIGTERM) and waits for it to exit. */
  async stop(options: { kill?: boolean } = {}): Promise<void> {
    const child = this.#child;
    if (!child) return;
    try {
      child.kill(options.kill ? "SIGKILL" : "SIGTERM");
    } catch { /* already gone */ }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }, 5_000);
    await child.status;
    clearTimeout(timer);
    await this.#pumps;
    this.#child = undefined;
  }

  /** Stops (killing when asked) and starts again on the same ports. */
  async restart(options: { kill?: boolean } = {}): Promise<void> {
    await this.stop(options);
    await this.start();
  }

  /** How many times the process has been started. */
  get starts(): number {
    return this.#startCount;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
    this.#finalLog = await Deno.readTextFile(this.#logFile).catch(() => "");
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}

async function canConnect(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts one nats-server in a fresh temp dir. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const dir = await Deno.makeTempDir({ prefix: `nats-${options.name ?? "server"}-` });
  const server = new NatsServer(dir, options);
  if (options.port) server.port = options.port;
  try {
    return await server.start();
  } catch (e) {
    await server[Symbol.asyncDispose]();
    throw e;
  }
}

/** A hub and its leaf nodes. */
export interface LeafTopology extends AsyncDisposable {
  /** The hub (JetStream domain `hub` when JetStream is on). */
  hub: NatsServer;
  /** The leaf nodes, `leaf1`..`leafN` (JetStream domains of the same names when on). */
  leaves: NatsServer[];
  /** Waits until the hub sees `count` leaf links (all by default). */
  waitForLeafLinks(count?: number): Promise<void>;
  /**
   * With `linkProxy`: the TCP proxy each leaf dials the hub through, by leaf
   * index (cut and restore a leaf link, or slow it down); empty otherwise.
   */
  links: TcpProxy[];
}

/** Options of {@linkcode startLeafTopology}. */
export interface LeafTopologyOptions {
  /** Number of leaf nodes. */
  leaves: number;
  /** JetStream on the hub (domain `hub`). */
  jetstream?: boolean;
  /** JetStream on each leaf (domain = leaf name). */
  leafJetstream?: boolean;
  /** Raw config for the hub. */
  hubConfig?: string;
  /** Raw config for each leaf, by index. */
  leafConfig?: (index: number) => string;
  /**
   * Route each leaf link through a userspace TCP proxy (see `tcp_proxy.ts`):
   * `true`, or `{ delay }` in ms added to every chunk each way (a WAN link).
   */
  linkProxy?: boolean | { delay?: number };
}

/** Starts a hub, then N leaf nodes dialling it, and waits until every leaf link is up. */
export async function startLeafTopology(options: LeafTopologyOptions): Promise<LeafTopology> {
  const hub = await startNatsServer({
    name: "hub",
    leafListen: true,
    // A closed port: leaves would otherwise learn the hub's own address and bypass the proxy.
    ...(options.linkProxy ? { leafAdvertise: "127.0.0.1:1" } : {}),
    ...(options.jetstream ? { jetstream: { domain: "hub" } } : {}),
    ...(options.hubConfig ? { extraConfig: options.hubConfig } : {}),
  });
  const leaves: NatsServer[] = [];
  const links: TcpProxy[] = [];
  const topo: LeafTopology = {
    hub,
    leaves,
    links,
    async waitForLeafLinks(count = leaves.length) {
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const leafz = await hub.monitor("leafz").catch(() => ({ leafnodes: -1 }));
        if (Number(leafz.leafnodes) >= count) {
          // Each leaf must see its own remote too.
          const up = await Promise.all(
            leaves.filter((l) => l.pid !== undefined).map((l) =>
              l.monitor("leafz").then((z) => Number(z.leafnodes) >= 1).catch(() => false)
            ),
          );
          if (up.every(Boolean)) return;
        }
        await delay(25);
      }
      const tails = await Promise.all(
        [hub, ...leaves].map(async (s) => `--- ${s.name}\n${await s.logTail(10)}`),
      );
      throw new Error(`Leaf links did not come up (${count} expected)\n${tails.join("\n")}`);
    },
    async [Symbol.asyncDispose]() {
      for (const leaf of leaves) await leaf[Symbol.asyncDispose]();
      for (const link of links) await link[Symbol.asyncDispose]();
      await hub[Symbol.asyncDispose]();
    },
  };
  try {
    for (let i = 1; i <= options.leaves; i++) {
      const extra = options.leafConfig?.(i - 1);
      let remote = hub.leafUrl;
      if (options.linkProxy) {
        const delay = typeof options.linkProxy === "object" ? options.linkProxy.delay ?? 0 : 0;
        const link = await startTcpProxy({ target: hub.leafPort, delay });
        links.push(link);
        remote = `nats-leaf://127.0.0.1:${link.port}`;
      }
      leaves.push(
        await startNatsServer({
          name: `leaf${i}`,
          leafRemotes: [remote],
          ...(options.leafJetstream ? { jetstream: { domain: `leaf${i}` } } : {}),
          ...(extra ? { extraConfig: extra } : {}),
        }),
      );
    }
    await topo.waitForLeafLinks();
    return topo;
  } catch (e) {
    await topo[Symbol.asyncDispose]();
    throw e;
  }
}

/**
 * `Deno.test`, printing the tail of the log of every nats-server started during
 * the test when it fails.
 */
export function natsTest(name: string, fn: (t: Deno.TestContext) => Promise<void>): void {
  Deno.test({
    name,
    async fn(t) {
      const before = new Set(started);
      try {
        await fn(t);
      } catch (e) {
        for (const s of started) {
          if (before.has(s)) continue;
          console.error(`--- nats-server ${s.name} (${s.dir}) log tail:\n${await s.logTail()}`);
        }
        throw e;
      } finally {
        for (const s of started) if (!before.has(s)) started.delete(s);
      }
    },
  });
}
