/**
 * Test servers for the health differential tests: oslo.middleware's
 * healthcheck (the oracle, Debian's python3-oslo.middleware under wsgiref) and
 * this project's service, both on loopback ports, both reading the same
 * config file, both stopped by PID / shutdown when disposed. Requests go
 * through node:http so that no header is added (fetch adds `Accept: *\/*`)
 * and so the source address can be chosen (`localAddress`).
 *
 * @module
 */
import http from "node:http";
import { createService } from "../../functions/service.ts";

const PYTHON = "/usr/bin/python3";
const ORACLE = new URL("./oslo_healthcheck_server.py", import.meta.url).pathname;

/** Ports free right now on 127.0.0.1. */
export function freePorts(n: number): number[] {
  const listeners = Array.from(
    { length: n },
    () => Deno.listen({ hostname: "127.0.0.1", port: 0 }),
  );
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of listeners) l.close();
  return ports;
}

/** A running server under test. */
export interface TestServer extends AsyncDisposable {
  /** Ports it listens on (127.0.0.1). */
  ports: number[];
  /** Last lines of its stderr (oracle) or warnings (ours). */
  log(): string;
}

/** Writes a config text to a fresh temp dir; returns the file path. */
export async function writeConfig(dir: string, name: string, text: string): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, text);
  return path;
}

/** Starts oslo.middleware's healthcheck with `configFile` on `ports` (one free port by default). */
export async function startOracle(configFile: string, ports: number[] = [0]): Promise<TestServer> {
  const child = new Deno.Command(PYTHON, {
    args: [ORACLE, "--config-file", configFile, ...ports.flatMap((p) => ["--port", String(p)])],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const errDone = child.stderr.pipeTo(
    new WritableStream({ write: (c) => void (stderr += new TextDecoder().decode(c)) }),
  );
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let line = "";
  while (!line.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) {
      await errDone.catch(() => {});
      throw new Error(`oslo.middleware oracle did not start: ${stderr.slice(-2000)}`);
    }
    line += value;
  }
  const started = JSON.parse(line.split("\n")[0]!) as { ports: number[] };
  return {
    ports: started.ports,
    log: () => stderr.slice(-4000),
    async [Symbol.asyncDispose]() {
      try {
        Deno.kill(child.pid, "SIGTERM");
      } catch { /* already gone */ }
      await child.status;
      await reader.cancel().catch(() => {});
      await errDone.catch(() => {});
    },
  };
}

/** Starts this project's service (`--dev --config-file configFile`) on `ports`. */
export async function startOurs(
  configFile: string,
  ports: number[] = [0],
  env: Record<string, string> = {},
): Promise<TestServer & { service: Awaited<ReturnType<typeof createService>> }> {
  const service = await createService({ args: ["--dev", "--config-file", configFile], env });
  const servers = ports.map((port) => {
    let serverPort = port;
    const server = Deno.serve(
      { hostname: "127.0.0.1", port, onListen: () => {} },
      (req, info) => service.app.fetch(req, { remoteAddr: info.remoteAddr, serverPort }),
    );
    serverPort = (server.addr as Deno.NetAddr).port;
    return { server, port: serverPort };
  });
  return {
    service,
    ports: servers.map((s) => s.port),
    log: () => service.warnings.join("\n"),
    async [Symbol.asyncDispose]() {
      await Promise.all(servers.map((s) => s.server.shutdown()));
      await service.close();
    },
  };
}

/** A reply as the tests compare it. */
export interface RawReply {
  status: number;
  contentType: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP/1.1 request with exactly the given headers, from `localAddress` when given. */
export function request(
  port: number,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    localAddress?: string;
    host?: string;
  } = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: options.host ?? "127.0.0.1",
      port,
      method: options.method ?? "GET",
      path: options.path ?? "/healthcheck",
      headers: options.headers ?? {},
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      agent: false,
    }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers["content-type"],
          headers: res.headers,
          body,
        }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
