/**
 * `deno task bench:health`: wrk against the service's `/healthcheck` (plain
 * text) and its detailed JSON reply, beside a bare `Deno.serve` hello world
 * measured in the same run (the ratio is the figure), beside the floor of any
 * probe reply here (bench/hello_server.ts `probe`: a bare handler that reads
 * `Accept` and the request id and answers with both headers), and, when Debian's
 * python3-oslo.middleware and eventlet are installed, oslo.middleware's
 * healthcheck under eventlet with the same config.
 *
 * Every server is its own process on a free loopback port, stopped by PID at
 * the end. The machine is shared, so the baseline and the targets are
 * measured in interleaved rounds and each ratio is the median of the per-round
 * ratios. Environment: BENCH_DURATION (wrk -d, default 3s), BENCH_ROUNDS
 * (default 5), BENCH_CONNECTIONS (wrk -c, default 10), BENCH_OSLO=0 to skip
 * the Python side.
 *
 * @module
 */

const DURATION = Deno.env.get("BENCH_DURATION") ?? "3s";
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 5);
const CONNECTIONS = Deno.env.get("BENCH_CONNECTIONS") ?? "10";
const ROOT = new URL("../", import.meta.url).pathname;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

interface Server {
  name: string;
  url: string;
  stop(): Promise<void>;
}

async function start(
  name: string,
  cmd: string,
  args: string[],
  env: Record<string, string>,
  port: number,
  probe = "/",
): Promise<Server> {
  const child = new Deno.Command(cmd, {
    args,
    env,
    cwd: ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    // Its own client, closed at once: an idle keep-alive connection left in fetch's pool
    // stalls eventlet's detailed replies (they walk every greenthread's stack).
    const client = Deno.createHttpClient({});
    try {
      const res = await fetch(`${url}${probe}`, { client });
      await res.body?.cancel();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        const err = new TextDecoder().decode((await child.output()).stderr);
        throw new Error(`${name} did not start: ${err.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      client.close();
    }
  }
  return {
    name,
    url,
    async stop() {
      try {
        Deno.kill(child.pid, "SIGTERM");
      } catch { /* gone */ }
      await child.stderr.cancel().catch(() => {});
      await child.status;
    },
  };
}

interface Figure {
  rps: number;
  p50: string;
  p99: string;
}

async function wrk(
  url: string,
  headers: Record<string, string> = {},
  duration = DURATION,
  connections = CONNECTIONS,
): Promise<Figure> {
  const args = ["-t", "1", "-c", connections, "-d", duration, "--timeout", "10s", "--latency"];
  for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}: ${v}`);
  const out = await new Deno.Command("wrk", { args: [...args, url], stdout: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]);
  if (Deno.env.get("BENCH_DEBUG")) console.error(text);
  if (!out.success || !Number.isFinite(rps)) throw new Error(`wrk failed:\n${text}`);
  if (/Non-2xx or 3xx responses/.test(text)) throw new Error(`wrk saw error replies:\n${text}`);
  const pct = (p: string) => new RegExp(`\\s${p}%\\s+(\\S+)`).exec(text)?.[1] ?? "?";
  return { rps, p50: pct("50"), p99: pct("99") };
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The run with the median requests/s (its latencies come with it). */
function median(figures: Figure[]): Figure {
  const s = [...figures].sort((a, b) => a.rps - b.rps);
  return s[Math.floor((s.length - 1) / 2)]!;
}

function row(label: string, f: Figure, percentOfBase?: number): string {
  const ratio = percentOfBase === undefined
    ? "100% (baseline)"
    : `${percentOfBase.toFixed(1)}% of baseline`;
  return `${label.padEnd(44)} ${f.rps.toFixed(0).padStart(9)} req/s  p50 ${
    f.p50.padStart(8)
  }  p99 ${f.p99.padStart(8)}  ${ratio}`;
}

async function hasOslo(): Promise<boolean> {
  if (Deno.env.get("BENCH_OSLO") === "0") return false;
  try {
    const r = await new Deno.Command("/usr/bin/python3", {
      args: ["-c", "import eventlet, oslo_middleware.healthcheck"],
      stdout: "null",
      stderr: "null",
    }).output();
    return r.success;
  } catch {
    return false;
  }
}

const dir = await Deno.makeTempDir({ prefix: "bench-health-" });
const config = `${dir}/bench.conf`;
await Deno.writeTextFile(
  config,
  `[healthcheck]\ndetailed = true\nbackends = disable_by_file\ndisable_by_file_path = ${dir}/disable\n`,
);
const servers: Server[] = [];
try {
  const helloPort = freePort(), oursPort = freePort();
  const hello = await start("hello", "deno", [
    "run",
    "--allow-net",
    "--allow-env",
    "bench/hello_server.ts",
  ], {
    PORT: String(helloPort),
  }, helloPort);
  servers.push(hello);
  const probePort = freePort();
  const probe = await start(
    "probe floor",
    "deno",
    [
      "run",
      "--allow-net",
      "--allow-env",
      "bench/hello_server.ts",
      "probe",
    ],
    { PORT: String(probePort) },
    probePort,
  );
  servers.push(probe);
  const ours = await start(
    "oslo-edge",
    "deno",
    [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-sys",
      "functions/serve.ts",
      "--dev",
      "--config-file",
      config,
    ],
    { PORT: String(oursPort), HOST: "127.0.0.1" },
    oursPort,
    "/healthcheck",
  );
  servers.push(ours);

  const withOslo = await hasOslo();
  /** A fresh oslo.middleware server per run: after a plain run, eventlet's detailed replies stall. */
  const osloRun = async (
    headers: Record<string, string>,
    connections = CONNECTIONS,
  ): Promise<Figure> => {
    const osloPort = freePort();
    const server = await start(
      "oslo.middleware",
      "/usr/bin/python3",
      ["bench/oslo_eventlet_healthcheck.py", "--config-file", config, "--port", String(osloPort)],
      {},
      osloPort,
      "/healthcheck",
    );
    try {
      // Slower servers need longer runs to count enough replies.
      return await wrk(`${server.url}/healthcheck`, headers, "8s", connections);
    } finally {
      await server.stop();
    }
  };

  console.log(
    `wrk -t1 -c${CONNECTIONS} -d${DURATION} x ${ROUNDS} interleaved rounds (medians), one process per server, 127.0.0.1`,
  );
  console.log(`config: [healthcheck] detailed = true, backends = disable_by_file; [metrics] on\n`);
  const runs: Record<string, Figure[]> = { base: [], floor: [], plain: [], json: [] };
  for (let i = 0; i < ROUNDS; i++) {
    // The machine is shared: each round measures the baseline next to the targets.
    runs.base!.push(await wrk(`${hello.url}/`));
    runs.floor!.push(await wrk(`${probe.url}/healthcheck`));
    runs.plain!.push(await wrk(`${ours.url}/healthcheck`));
    runs.json!.push(await wrk(`${ours.url}/healthcheck`, { Accept: "application/json" }));
  }
  const base = median(runs.base!);
  const plain = median(runs.plain!);
  const json = median(runs.json!);
  const ratio = (k: string) => medianOf(runs[k]!.map((f, i) => f.rps / runs.base![i]!.rps)) * 100;
  console.log(row("Deno.serve hello world (baseline)", base));
  console.log(
    row(
      "bare Deno.serve probe floor (2 headers read, 2 sent)",
      median(runs.floor!),
      ratio("floor"),
    ),
  );
  console.log(row("oslo-edge GET /healthcheck (text/plain)", plain, ratio("plain")));
  // (ratios: the median of the per-round ratios, each round's baseline beside its targets)
  console.log(row("oslo-edge GET /healthcheck (detailed JSON)", json, ratio("json")));

  if (withOslo) {
    const op = await osloRun({});
    console.log(
      row("oslo.middleware 5.0.0 + eventlet (text/plain)", op, (op.rps / base.rps) * 100),
    );
    // Two or more detailed requests at once stall oslo.middleware 5.0.0 under eventlet for
    // good (it walks every greenthread's stack): it is measured with one connection.
    const oj = await osloRun({ Accept: "application/json" }, "1");
    console.log(
      row("oslo.middleware 5.0.0 + eventlet (detailed JSON, -c1)", oj, (oj.rps / base.rps) * 100),
    );
    console.log(
      `\noslo-edge vs oslo.middleware: ${(plain.rps / op.rps).toFixed(1)}x plain, ${
        (json.rps / oj.rps).toFixed(1)
      }x detailed JSON`,
    );
  } else {
    console.log("\n(oslo.middleware + eventlet not installed: side-by-side skipped)");
  }
  const met = ratio("plain") >= 70;
  console.log(
    `\ntarget: oslo-edge /healthcheck at least 70% of the bare Deno baseline: ${
      met ? "met" : "NOT met"
    } (${
      ratio("plain").toFixed(0)
    }%; a bare handler doing only what every probe reply must do reaches ${
      ratio("floor").toFixed(0)
    }%)`,
  );
} finally {
  for (const s of servers.reverse()) await s.stop();
  await Deno.remove(dir, { recursive: true });
}
