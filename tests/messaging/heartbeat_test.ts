import assert from "node:assert/strict";
import {
  connectTransport,
  HeartbeatTimeoutError,
  MessagingTimeout,
  RPCClient,
  RPCServer,
} from "../../lib/messaging/mod.ts";
import { natsTest, startNatsServer } from "../_support/nats_server.ts";
import { memoryLog, sleep } from "./_helpers.ts";

const PROC = new URL("./_rpc_server_proc.ts", import.meta.url).pathname;

/** Starts the server process and resolves once it prints "ready"; lines go to `lines`. */
async function spawnServer(url: string, topic: string, name: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", PROC, url, topic, name],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines: string[] = [];
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  const readLoop = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    }
  })();
  const deadline = Date.now() + 30_000;
  while (!lines.includes("ready")) {
    if (Date.now() > deadline) throw new Error("server process did not start");
    await sleep(20);
  }
  return {
    lines,
    signal: (s: Deno.Signal) => child.kill(s),
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGCONT");
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await child.status;
      await readLoop.catch(() => {});
    },
  };
}

natsTest("RPCClient.call() with callMonitorTimeout lets a slow live call run past it", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  await using server = new RPCServer(t, { topic: "hb", server: "s" }, [{
    async work() {
      await sleep(1500);
      return "worked";
    },
  }], { log: memoryLog() });
  await server.start();
  const client = new RPCClient(t, { topic: "hb" }, { timeout: 20_000, callMonitorTimeout: 400 });
  assert.equal(await client.call({}, "work"), "worked");
  assert.ok(client.stats().heartbeats >= 3, `heartbeats: ${client.stats().heartbeats}`);
  assert.ok(server.stats().heartbeats >= 3);
  assert.equal(client.stats().heartbeatFailures, 0);
});

natsTest("RPCClient.call() detects a stuck server within callMonitorTimeout", async () => {
  await using nats = await startNatsServer();
  await using proc = await spawnServer(nats.url, "stuck", "p1");
  await using t = await connectTransport(nats.url);
  const client = new RPCClient(t, { topic: "stuck" }, {
    timeout: 60_000,
    callMonitorTimeout: 1000,
  });
  const call = client.call({}, "work", { ms: 30_000 });
  while (!proc.lines.includes("started work")) await sleep(20);
  await sleep(1200); // a few heartbeats arrive: the call is alive
  assert.ok(client.stats().heartbeats >= 1);
  proc.signal("SIGSTOP");
  const stalled = Date.now();
  await assert.rejects(call, (e) => {
    assert.ok(e instanceof HeartbeatTimeoutError);
    assert.ok(e instanceof MessagingTimeout);
    assert.equal(e.code, "ERR_MESSAGING_HEARTBEAT");
    assert.match(
      e.message,
      /No heartbeat for 1000 ms from the server handling "work".*stuck or gone/,
    );
    return true;
  });
  // The last heartbeat came at most 500 ms before the stall, so detection is due
  // within 1 s of it; 3 s leaves room for a loaded machine, far from the 60 s timeout.
  const detected = Date.now() - stalled;
  assert.ok(detected < 3000, `detected ${detected} ms after the stall`);
  assert.equal(client.stats().heartbeatFailures, 1);
});

natsTest(
  "RPCClient.call() detects a server killed mid-call within callMonitorTimeout",
  async () => {
    await using nats = await startNatsServer();
    await using proc = await spawnServer(nats.url, "gone", "p1");
    await using t = await connectTransport(nats.url);
    const client = new RPCClient(t, { topic: "gone" }, {
      timeout: 60_000,
      callMonitorTimeout: 1000,
    });
    const call = client.call({}, "work", { ms: 30_000 });
    while (!proc.lines.includes("started work")) await sleep(20);
    proc.signal("SIGKILL");
    await assert.rejects(call, HeartbeatTimeoutError);
  },
);

natsTest(
  "RPCClient.call() still enforces the overall timeout while heartbeats arrive",
  async () => {
    await using nats = await startNatsServer();
    await using t = await connectTransport(nats.url);
    await using server = new RPCServer(t, { topic: "hb2", server: "s" }, [{
      async work() {
        await sleep(3000);
      },
    }], { log: memoryLog() });
    await server.start();
    const client = new RPCClient(t, { topic: "hb2" }, { timeout: 1000, callMonitorTimeout: 400 });
    await assert.rejects(client.call({}, "work"), (e) => {
      assert.ok(e instanceof MessagingTimeout);
      assert.ok(!(e instanceof HeartbeatTimeoutError));
      assert.match(e.message, /still sending heartbeats/);
      return true;
    });
  },
);

natsTest("RPCServer sends no heartbeats more often than minHeartbeatInterval", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  const log = memoryLog();
  await using server = new RPCServer(t, { topic: "hb3", server: "s" }, [{
    async work() {
      await sleep(600);
    },
  }], { log });
  await server.start();
  // 150 ms monitor → 75 ms interval: below the floor, so no heartbeats and the call fails fast.
  const client = new RPCClient(t, { topic: "hb3" }, { timeout: 10_000, callMonitorTimeout: 150 });
  await assert.rejects(client.call({}, "work"), HeartbeatTimeoutError);
  assert.equal(server.stats().heartbeats, 0);
  assert.ok(log.lines.some((l) => /too often, none sent/.test(l.message)));
  // Without a monitor timeout, no heartbeats are asked for or sent.
  await client.prepare({ callMonitorTimeout: undefined }).call({}, "work");
  assert.equal(server.stats().heartbeats, 0);
});
