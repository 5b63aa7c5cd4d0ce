import assert from "node:assert/strict";
import {
  connectTransport,
  InvalidTargetError,
  MessagingTimeout,
  NoSuchMethodError,
  RPCClient,
  RPCServer,
} from "../../lib/messaging/mod.ts";
import { natsTest, startNatsServer } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";
import { deferred, memoryLog, sleep } from "./_helpers.ts";

/** An endpoint counting its runs under `name`. */
function counter(name: string, runs: Record<string, number>) {
  return {
    run: () => {
      runs[name] = (runs[name] ?? 0) + 1;
      return name;
    },
  };
}

natsTest("RPCServer() needs a topic and a server name", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  for (const target of [{ topic: "x" }, { server: "s" }]) {
    assert.throws(() => new RPCServer(t, target, []), (e) => {
      assert.ok(e instanceof InvalidTargetError);
      assert.match(e.message, /needs a topic and a server name/);
      return true;
    });
  }
});

natsTest("RPCServer.stop() takes no new calls; wait() lets the running ones finish", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  const gate = deferred();
  let finished = 0;
  const server = new RPCServer(t, { topic: "work", server: "s1" }, [{
    async job() {
      await gate.promise;
      finished++;
      return "ok";
    },
  }], { log: memoryLog() });
  await server.start();
  const client = new RPCClient(t, { topic: "work" }, { timeout: 5000 });
  const running = [client.call({}, "job"), client.call({}, "job"), client.call({}, "job")];
  await waitFor(() => server.stats().active === 3, { what: "3 running calls" });
  await server.stop();
  let waited = false;
  const waiting = server.wait().then(() => (waited = true));
  await sleep(50);
  assert.equal(waited, false);
  // Stopped: a new call finds nobody.
  await assert.rejects(client.prepare({ timeout: 300 }).call({}, "job"), MessagingTimeout);
  gate.resolve();
  assert.deepEqual(await Promise.all(running), ["ok", "ok", "ok"]);
  await waiting;
  assert.equal(finished, 3);
  assert.equal(server.stats().handled, 3);
  // A stopped server starts again.
  await server.start();
  assert.equal(await client.call({}, "job"), "ok");
  await server[Symbol.asyncDispose]();
});

natsTest("RPCServer.stop() drains: calls already sent to it run; none is dropped", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  const server = new RPCServer(t, { topic: "drain", server: "s1" }, [{
    async job(_c: unknown, a: { i: number }) {
      await sleep(20);
      return a.i;
    },
  }], { log: memoryLog() });
  await server.start();
  const client = new RPCClient(t, { topic: "drain" }, { timeout: 5000 });
  // Sent, and stop() called, before any of them reaches the server and back.
  const n = 50;
  const calls = Array.from({ length: n }, (_, i) => client.call({}, "job", { i }));
  await server.stop();
  const results = await Promise.allSettled(calls);
  const failed = results.filter((r) => r.status === "rejected");
  assert.equal(failed.length, 0, `${failed.length} calls failed: ${String(failed[0]?.reason)}`);
  assert.deepEqual(results.map((r) => r.status === "fulfilled" && r.value), [...Array(n).keys()]);
  await server.wait();
  assert.equal(server.stats().handled, n);
  // Drained: nothing new is taken.
  await assert.rejects(
    client.prepare({ timeout: 300 }).call({}, "job", { i: 0 }),
    MessagingTimeout,
  );
  assert.equal(server.stats().received, n);
});

natsTest("RPCServer runs calls concurrently up to executorPoolSize", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  let now = 0, peak = 0;
  await using server = new RPCServer(t, { topic: "pool", server: "s" }, [{
    async job() {
      peak = Math.max(peak, ++now);
      await sleep(100);
      now--;
    },
  }], { executorPoolSize: 3, log: memoryLog() });
  await server.start();
  const client = new RPCClient(t, { topic: "pool" }, { timeout: 10_000 });
  await Promise.all(Array.from({ length: 10 }, () => client.call({}, "job")));
  assert.equal(peak, 3);
});

natsTest("RPCServer with the default policy refuses _private methods remotely", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  await using server = new RPCServer(t, { topic: "p", server: "s" }, [{
    _hidden: () => "no",
    shown: () => "yes",
  }], { pingEnabled: true, log: memoryLog() });
  await server.start();
  const client = new RPCClient(t, { topic: "p" }, { timeout: 5000 });
  assert.equal(await client.call({}, "shown"), "yes");
  await assert.rejects(client.call({}, "_hidden"), NoSuchMethodError);
  assert.equal(await client.prepare({ server: "s" }).call({}, "oslo_rpc_server_ping"), "pong");
});

natsTest("RPCServer answers a malformed message with an error and counts it", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  const log = memoryLog();
  await using server = new RPCServer(t, { topic: "m", server: "s" }, [{}], { log });
  await server.start();
  const reply = await t.request("oslo.rpc.openstack.m", '{"oslo.version":"3.0","method":"x"}', {
    timeout: 2000,
  });
  const failure = reply.json<{ failure: { class: string; message: string } }>().failure;
  assert.equal(failure.class, "TypeError");
  assert.match(failure.message, /envelope version "3\.0"/);
  assert.equal(server.stats().malformed, 1);
  assert.ok(log.lines.some((l) => l.level === "warning"));
});

natsTest(
  "RPCServer of one name shares directed calls: each runs once; fanout reaches both",
  async () => {
    await using nats = await startNatsServer();
    await using t1 = await connectTransport(nats.url);
    await using t2 = await connectTransport(nats.url);
    const runs: Record<string, number> = {};
    await using s1 = new RPCServer(t1, { topic: "dup", server: "same" }, [counter("first", runs)], {
      log: memoryLog(),
    });
    await using s2 = new RPCServer(
      t2,
      { topic: "dup", server: "same" },
      [counter("second", runs)],
      {
        log: memoryLog(),
      },
    );
    await s1.start();
    await s2.start();
    const client = new RPCClient(t1, { topic: "dup", server: "same" }, { timeout: 5000 });
    const n = 20;
    for (let i = 0; i < n; i++) await client.call({}, "run");
    await client.cast({}, "run");
    await waitFor(() => (runs.first ?? 0) + (runs.second ?? 0) >= n + 1, { what: "the cast" });
    await sleep(200); // a second run of any call would have arrived by now
    assert.equal((runs.first ?? 0) + (runs.second ?? 0), n + 1);
    assert.equal(s1.stats().handled + s2.stats().handled, n + 1);
    await client.prepare({ server: undefined, fanout: true }).cast({}, "run");
    await waitFor(() => s1.stats().handled + s2.stats().handled >= n + 3, { what: "the fanout" });
    await sleep(100);
    assert.equal((runs.first ?? 0) + (runs.second ?? 0), n + 3);
  },
);
