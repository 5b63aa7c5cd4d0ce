import assert from "node:assert/strict";
import { connectTransport, NoRespondersError, type Transport } from "../../lib/messaging/mod.ts";
import { natsBinMissing } from "./nats_bin.ts";
import { NatsServerNotFound, natsTest, startLeafTopology, startNatsServer } from "./nats_server.ts";
import { waitFor } from "./wait.ts";

/** Requests until the subscriber's interest has crossed the leaf link. */
function requestAcross(t: Transport, subject: string, data: string) {
  return waitFor(async () => {
    try {
      return await t.request(subject, data, { timeout: 1000 });
    } catch (e) {
      if (e instanceof NoRespondersError) return undefined;
      throw e;
    }
  }, { what: `a reply on ${subject}` });
}

natsTest("startNatsServer() serves requests on a free loopback port", async () => {
  await using server = await startNatsServer();
  assert.ok(server.port > 0 && server.port !== 4222);
  assert.ok(server.pid);
  await using t = await connectTransport(server.url);
  t.subscribe("echo", (m) => void m.respond(`echo:${m.string()}`));
  const reply = await t.request("echo", "hi", { timeout: 2000 });
  assert.equal(reply.string(), "echo:hi");
});

natsTest("startNatsServer() stops the process by PID when disposed", async () => {
  let pid: number | undefined;
  let port = 0;
  {
    await using server = await startNatsServer();
    pid = server.pid;
    port = server.port;
  }
  assert.ok(pid);
  await assert.rejects(
    Deno.connect({ hostname: "127.0.0.1", port }),
    Deno.errors.ConnectionRefused,
  );
});

natsTest("startNatsServer() with JetStream gives a working KV bucket", async () => {
  await using server = await startNatsServer({ jetstream: true });
  await using t = await connectTransport(server.url);
  const kv = await t.kv("harness");
  const rev = await kv.create("k", "v1");
  assert.equal((await kv.get("k"))?.string(), "v1");
  assert.equal(await kv.update("k", "v2", rev), rev + 1);
});

natsTest("startLeafTopology() carries a request hub → leaf and leaf → hub", async () => {
  await using topo = await startLeafTopology({ leaves: 2, jetstream: true });
  const leafz = await topo.hub.monitor("leafz");
  assert.equal(leafz.leafnodes, 2);

  await using atHub = await connectTransport(topo.hub.url);
  await using atLeaf = await connectTransport((topo.leaves[1] as { url: string }).url);
  atLeaf.subscribe("edge.ping", (m) => void m.respond(`leaf2:${m.string()}`));
  atHub.subscribe("control.ping", (m) => void m.respond(`hub:${m.string()}`));

  assert.equal((await requestAcross(atHub, "edge.ping", "a")).string(), "leaf2:a");
  assert.equal((await requestAcross(atLeaf, "control.ping", "b")).string(), "hub:b");
});

natsTest("startLeafTopology() leaf killed and restarted reconnects link and clients", async () => {
  await using topo = await startLeafTopology({ leaves: 1 });
  const leaf = topo.leaves[0];
  assert.ok(leaf);
  await using atHub = await connectTransport(topo.hub.url);
  await using atLeaf = await connectTransport(leaf.url);
  const events: string[] = [];
  atLeaf.onStatus((s) => events.push(s.type));
  atLeaf.subscribe("edge.ping", (m) => void m.respond("pong"));
  assert.equal((await requestAcross(atHub, "edge.ping", "1")).string(), "pong");

  const oldPid = leaf.pid;
  await leaf.restart({ kill: true });
  assert.notEqual(leaf.pid, oldPid);
  await topo.waitForLeafLinks();
  await waitFor(() => events.includes("reconnect"), { what: "the leaf client to reconnect" });
  // The subscription is re-sent on reconnect and its interest crosses the new link.
  assert.equal((await requestAcross(atHub, "edge.ping", "2")).string(), "pong");
  assert.ok(events.includes("disconnect"));
});

const FIXTURE = new URL("../testdata/harness/nats_fails.ts", import.meta.url).pathname;

/** Runs the fixture's two natsTests in a child `deno test`; both output streams together. */
async function runFixture(env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--no-config", "--no-check", "--allow-all", FIXTURE],
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, text: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

Deno.test("natsTest() prints the log tail of a failing test's servers, only theirs", async () => {
  const { code, text } = await runFixture();
  assert.equal(code, 1, text);
  assert.match(text, /a test that passes with a server running \.\.\. ok/);
  assert.match(text, /a test that fails with a server running \.\.\. FAILED/);
  const tail = /--- nats-server dumped \(([^)]+)\) log tail:\n([\s\S]*?)\n-----/.exec(text);
  assert.ok(tail, text);
  assert.match(tail[2] as string, /\[INF\] {3}Name: {5}dumped/);
  assert.match(tail[2] as string, /Server is ready/);
  assert.match(tail[2] as string, /Server Exiting/, "the tail is read after the server stopped");
  assert.doesNotMatch(text, /nats-server quiet \(/);
});

Deno.test("startNatsServer() with a missing binary fails with a one-line hint", async () => {
  await assert.rejects(startNatsServer({ bin: "/nonexistent/nats-server" }), (e) => {
    assert.ok(e instanceof NatsServerNotFound);
    assert.equal(
      e.message,
      'Cannot run nats-server "/nonexistent/nats-server" (from the bin option): no such file; point it at the binary, or unset it to use the installed one',
    );
    return true;
  });
  const { code, text } = await runFixture({ NATS_SERVER_BIN: "/nonexistent/nats-server" });
  assert.equal(code, 1, text);
  assert.match(
    text,
    /error: NatsServerNotFound: Cannot run nats-server "\/nonexistent\/nats-server" \(from NATS_SERVER_BIN\): no such file;/,
  );
});

Deno.test("natsBinMissing() tells to install nats-server when none was found", () => {
  const e = natsBinMissing({ path: "nats-server" });
  assert.ok(e instanceof NatsServerNotFound);
  assert.equal(
    e.message,
    "nats-server is not installed: run `deno task setup` (or apt-get install -y nats-server)",
  );
});
