/**
 * HTTP measurement for `deno task bench:policy`: a server process per
 * variant (bench/policy_http_server.ts), loaded by wrk after a warm-up, with
 * its requests/s and the server's CPU time per request, read from
 * `/proc/<pid>/stat` (utime + stime) before and after the measured run. On a
 * machine shared with other work, CPU per request is the steadier figure.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

const SERVER = fileURLToPath(new URL("./policy_http_server.ts", import.meta.url));

/** A running server. */
export interface BenchServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** One measured run. */
export interface HttpFigure {
  /** Requests per second wrk saw. */
  rps: number;
  /** Server CPU (user + system) per request, in microseconds; null without /proc. */
  cpuUs: number | null;
  /** Non-2xx answers wrk counted. */
  non2xx: number;
}

/** Starts `bench/policy_http_server.ts MODE ...args` and waits for "ready PORT". */
export async function startServer(mode: string, args: readonly string[]): Promise<BenchServer> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SERVER, mode, ...args],
    stdout: "piped",
    stderr: "piped", // start-up warnings (deprecated Keystone rules) are not the benchmark's
  }).spawn();
  let errors = "";
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (t) => void (errors = (errors + t).slice(-2000)) }),
  ).catch(() => {});
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let m: RegExpExecArray | null = null;
  while (!(m = /ready (\d+)/.exec(seen))) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`The ${mode} server exited before it was ready: ${errors}`);
    seen += value;
  }
  // keep reading, so the server never blocks on a full pipe
  const drain = (async () => {
    while (!(await reader.read().catch(() => ({ done: true }))).done) { /* discard */ }
  })();
  return {
    port: Number(m[1]),
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await reader.cancel().catch(() => {});
      await drain;
      await stderr;
    },
  };
}

let ticks: number | undefined;
async function clockTicks(): Promise<number> {
  if (ticks !== undefined) return ticks;
  try {
    const out = await new Deno.Command("getconf", { args: ["CLK_TCK"], stdout: "piped" }).output();
    ticks = Number(new TextDecoder().decode(out.stdout).trim()) || 100;
  } catch {
    ticks = 100;
  }
  return ticks;
}

/** CPU seconds (user + system, all threads) the process has used; null without /proc. */
export async function cpuSeconds(pid: number): Promise<number | null> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // after "pid (comm) ": state is field 3, utime 14, stime 15
    return (Number(fields[11]) + Number(fields[12])) / await clockTicks();
  } catch {
    return null;
  }
}

/** Runs wrk; null when wrk is missing or says nothing. */
export async function wrk(
  url: string,
  options: { seconds: number; script?: string; connections?: number },
): Promise<{ rps: number; requests: number; non2xx: number } | null> {
  const args = [
    "-t1",
    `-c${options.connections ?? 32}`,
    `-d${options.seconds}s`,
    ...(options.script ? ["-s", options.script] : []),
    url,
  ];
  try {
    const out = await new Deno.Command("wrk", { args, stdout: "piped", stderr: "piped" }).output();
    const text = new TextDecoder().decode(out.stdout);
    const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
    const requests = /(\d+) requests in/.exec(text);
    if (!rps || !requests) return null;
    const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
    return {
      rps: Number(rps[1]),
      requests: Number(requests[1]),
      non2xx: non2xx ? Number(non2xx[1]) : 0,
    };
  } catch {
    return null;
  }
}

/** Warms the server up, then measures requests/s and server CPU per request. */
export async function measure(
  server: BenchServer,
  url: string,
  options: { seconds: number; warmup: number; script?: string },
): Promise<HttpFigure | null> {
  const script = options.script ? { script: options.script } : {};
  await wrk(url, { seconds: options.warmup, ...script });
  const before = await cpuSeconds(server.pid);
  const run = await wrk(url, { seconds: options.seconds, ...script });
  const after = await cpuSeconds(server.pid);
  if (!run) return null;
  const cpuUs = before !== null && after !== null && run.requests > 0
    ? ((after - before) * 1e6) / run.requests
    : null;
  return { rps: run.rps, cpuUs, non2xx: run.non2xx };
}

/** A wrk Lua script that POSTs `body` as JSON with extra headers. */
export function postScript(body: string, headers: Record<string, string> = {}): string {
  const lines = [
    'wrk.method = "POST"',
    'wrk.headers["Content-Type"] = "application/json"',
    ...Object.entries(headers).map(([k, v]) =>
      `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`
    ),
    `wrk.body = ${JSON.stringify(body)}`,
    "",
  ];
  return lines.join("\n");
}
