/**
 * `deno task bench:messaging`: RPC call latency (p50, p99) and calls/s with 1
 * and 16 calls in flight, direct and through a leaf node, each beside raw NATS
 * request/reply measured in the same run on the same servers (ratios); calls
 * over a 50 ms leaf link (a delaying userspace proxy); and an idle edge
 * agent's RSS beside a bare Deno process holding one NATS connection.
 *
 * The responders (raw echo and an RPC server) run in their own process; the
 * callers in this one. Raw and RPC calls alternate in slices, so that the
 * noise of a shared machine falls on both alike.
 *
 * @module
 */
import { connectTransport, RPCClient, type Transport } from "../lib/messaging/mod.ts";
import { EdgeControl } from "../agent/control.ts";
import { startLeafTopology } from "../tests/_support/nats_server.ts";

const SLICES = 20;
const SEQ_CALLS = Number(Deno.env.get("BENCH_SEQ_CALLS") ?? 2000);
const PAR_CALLS = Number(Deno.env.get("BENCH_PAR_CALLS") ?? 16000);
const BODY = JSON.stringify({
  "oslo.version": "2.0",
  method: "echo",
  args: { v: "x".repeat(16) },
  context: {},
  expires: 0,
});

type Caller = () => Promise<unknown>;
interface Run {
  p50: number;
  p99: number;
  perSecond: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

interface Sample {
  lat: number[];
  seconds: number;
  calls: number;
}

async function measure(call: Caller, total: number, inFlight: number, into?: Sample): Promise<Run> {
  const sample = into ?? { lat: [], seconds: 0, calls: 0 };
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      next++;
      const t0 = performance.now();
      await call();
      sample.lat.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  sample.seconds += (performance.now() - started) / 1000;
  sample.calls += total;
  return summary(sample);
}

function summary(s: Sample): Run {
  const lat = [...s.lat].sort((a, b) => a - b);
  return { p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), perSecond: s.calls / s.seconds };
}

/**
 * Raw and RPC in alternating slices of the same size, so that the machine's
 * load (other processes on a shared host) falls on both alike.
 */
async function compare(label: string, raw: Caller, rpc: Caller, inFlight: number, total: number) {
  for (let i = 0; i < 300; i++) await raw(), await rpc(); // warm up both paths
  const a: Sample = { lat: [], seconds: 0, calls: 0 },
    b: Sample = { lat: [], seconds: 0, calls: 0 };
  const slice = Math.ceil(total / SLICES);
  for (let r = 0; r < SLICES; r++) {
    await measure(raw, slice, inFlight, a);
    await measure(rpc, slice, inFlight, b);
  }
  const x = summary(a), y = summary(b);
  const ms = (v: number) => `${v.toFixed(3)} ms`;
  console.log(
    `${label.padEnd(28)} raw p50 ${ms(x.p50)} p99 ${ms(x.p99)} ${
      x.perSecond.toFixed(0).padStart(6)
    }/s | ` +
      `RPC p50 ${ms(y.p50)} p99 ${ms(y.p99)} ${y.perSecond.toFixed(0).padStart(6)}/s | ` +
      `p50 ×${(y.p50 / x.p50).toFixed(2)}, throughput ${
        (100 * y.perSecond / x.perSecond).toFixed(0)
      }% of raw`,
  );
}

function callers(t: Transport): { raw: Caller; rpc: Caller } {
  const client = new RPCClient(t, { topic: "bench" }, { timeout: 10_000 });
  return {
    raw: () => t.request("bench.raw", BODY, { timeout: 10_000 }),
    rpc: () => client.call({}, "echo", { v: "x".repeat(16) }),
  };
}

async function spawnResponder(url: string): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./_messaging_responder.ts", import.meta.url).pathname, url],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("ready")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("bench responder exited");
    text += value;
  }
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  return child;
}

async function rssMiB(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

function spawnAgent(leafUrl: string, name: string, client: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      new URL("../agent/main.ts", import.meta.url).pathname,
      "--site",
      "leaf1",
      "--agent_name",
      name,
      "--nats_client",
      client,
      "--nats",
      leafUrl,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
}

async function idleRss(hubUrl: string, leafUrl: string): Promise<void> {
  await using hub = await connectTransport(hubUrl);
  await using control = new EdgeControl(hub, { log: () => {} });
  await control.start();
  const agent = spawnAgent(leafUrl, "agent-deno", "deno");
  const agentNatsJs = spawnAgent(leafUrl, "agent-natsjs", "nats.js");
  // The baseline: a bare Deno process holding one nats.js connection, nothing else.
  const bare = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { connect } from "@nats-io/transport-node";` +
      `const nc = await connect({ servers: ${JSON.stringify(leafUrl)} });` +
      `nc.subscribe("idle.>", { callback: () => {} }); await new Promise(() => {});`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const deadline = Date.now() + 30_000;
    while (control.agents().length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await control.call("agent-deno", "health_report");
    await control.call("agent-natsjs", "health_report");
    await new Promise((r) => setTimeout(r, 5000)); // idle
    const a = await rssMiB(agent.pid),
      n = await rssMiB(agentNatsJs.pid),
      b = await rssMiB(bare.pid);
    console.log(
      `idle edge agent RSS ${a.toFixed(1)} MiB (native deno client; ${
        n.toFixed(1)
      } MiB with nats.js) | ` +
        `bare Deno + one nats.js connection ${b.toFixed(1)} MiB | ×${(a / b).toFixed(2)} ` +
        `(target: at most 55 MiB)`,
    );
  } finally {
    for (const c of [agent, agentNatsJs, bare]) {
      try {
        c.kill("SIGKILL");
      } catch { /* gone */ }
      await c.status;
    }
  }
}

if (import.meta.main) {
  console.log(
    `messaging bench: ${SEQ_CALLS} calls one at a time, ${PAR_CALLS} with 16 in flight, each ` +
      `kind in ${SLICES} alternating slices; nats-server 2.9 on loopback, responders in another process`,
  );
  await using topo = await startLeafTopology({ leaves: 1 });
  const leaf = topo.leaves[0]!;
  const responder = await spawnResponder(topo.hub.url);
  try {
    await using direct = await connectTransport(topo.hub.url, { client: "nats.js" });
    await using viaLeaf = await connectTransport(leaf.url, { client: "nats.js" });
    await using native = await connectTransport(topo.hub.url, { client: "deno" });
    const d = callers(direct), l = callers(viaLeaf), n = callers(native);
    await l.rpc(); // interest has crossed the leaf link
    await compare("direct, 1 in flight", d.raw, d.rpc, 1, SEQ_CALLS);
    await compare("direct, 16 in flight", d.raw, d.rpc, 16, PAR_CALLS);
    await compare("through a leaf, 1 in flight", l.raw, l.rpc, 1, SEQ_CALLS);
    await compare("through a leaf, 16 in flight", l.raw, l.rpc, 16, PAR_CALLS);
    // The native client, against the same nats.js raw baseline.
    await compare("direct, deno client, 1", d.raw, n.rpc, 1, SEQ_CALLS);
    await compare("direct, deno client, 16", d.raw, n.rpc, 16, PAR_CALLS);
  } finally {
    responder.kill("SIGKILL");
    await responder.status;
  }
  {
    // A 50 ms leaf link: 25 ms added each way by a userspace proxy.
    await using slow = await startLeafTopology({ leaves: 1, linkProxy: { delay: 25 } });
    const r = await spawnResponder(slow.hub.url);
    try {
      await using t = await connectTransport(slow.leaves[0]!.url);
      const c = callers(t);
      await c.rpc();
      const raw = await measure(c.raw, 40, 1), rpc = await measure(c.rpc, 40, 1);
      console.log(
        `over a 50 ms leaf link      raw p50 ${raw.p50.toFixed(1)} ms | RPC p50 ${
          rpc.p50.toFixed(1)
        } ms ` +
          `| ×${(rpc.p50 / raw.p50).toFixed(2)}`,
      );
    } finally {
      r.kill("SIGKILL");
      await r.status;
    }
  }
  await idleRss(topo.hub.url, leaf.url);
}
