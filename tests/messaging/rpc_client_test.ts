import assert from "node:assert/strict";
import {
  ConnectionFailedError,
  connectTransport,
  InvalidTargetError,
  MessagingTimeout,
  NoSuchMethodError,
  RPCClient,
  RPCServer,
  RPCVersionCapError,
  Target,
  type Transport,
  UnsupportedVersionError,
} from "../../lib/messaging/mod.ts";
import { natsTest, startNatsServer } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";
import { memoryLog, sleep } from "./_helpers.ts";

class Calculator {
  calls: string[] = [];
  constructor(readonly name = "c") {}
  add(_ctxt: unknown, args: { a: number; b: number }) {
    this.calls.push("add");
    return args.a + args.b;
  }
  whoami() {
    this.calls.push("whoami");
    return this.name;
  }
  ctx(ctxt: Record<string, unknown>) {
    return ctxt;
  }
  async slow(_ctxt: unknown, args: { ms: number }) {
    await sleep(args.ms);
    return "done";
  }
}

async function serve(t: Transport, server: string, ep: object, options = {}) {
  const s = new RPCServer(t, { topic: "calc", server }, [ep], { log: memoryLog(), ...options });
  await s.start();
  return s;
}

natsTest("RPCClient.call() returns the endpoint's result and carries the context", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  await using _s = await serve(t, "a", new Calculator());
  const client = new RPCClient(t, new Target({ topic: "calc" }), { timeout: 5000 });
  assert.equal(await client.call({}, "add", { a: 2, b: 40 }), 42);
  assert.deepEqual(await client.call({ user_id: "u1", roles: ["admin"] }, "ctx"), {
    user_id: "u1",
    roles: ["admin"],
  });
  const st = client.stats();
  assert.equal(st.calls, 2);
  assert.equal(st.received, 2);
  assert.equal(st.connected, true);
});

natsTest("RPCClient.call() refuses fanout and a target without topic", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  const fan = new RPCClient(t, { topic: "calc", fanout: true });
  await assert.rejects(fan.call({}, "add"), (e) => {
    assert.ok(e instanceof InvalidTargetError);
    assert.match(e.message, /A call cannot be used with fanout/);
    return true;
  });
  await assert.rejects(new RPCClient(t, {}).cast({}, "x"), InvalidTargetError);
});

natsTest(
  "RPCClient.call() times out with MessagingTimeout when the endpoint is slower",
  async () => {
    await using nats = await startNatsServer();
    await using t = await connectTransport(nats.url);
    await using _s = await serve(t, "a", new Calculator());
    const client = new RPCClient(t, { topic: "calc" }, { timeout: 200 });
    await assert.rejects(client.call({}, "slow", { ms: 1500 }), (e) => {
      assert.ok(e instanceof MessagingTimeout);
      assert.match(e.message, /Timed out after 200 ms waiting for a reply to "slow"/);
      return true;
    });
    assert.equal(client.stats().timeouts, 1);
  },
);

natsTest(
  "RPCClient.call() with no server fails after its timeout, saying nobody listens",
  async () => {
    await using nats = await startNatsServer();
    await using t = await connectTransport(nats.url);
    const client = new RPCClient(t, { topic: "nobody" }, { timeout: 400 });
    await assert.rejects(client.call({}, "add"), (e) => {
      assert.ok(e instanceof MessagingTimeout);
      assert.match(e.message, /no server is listening on "oslo\.rpc\.openstack\.nobody"/);
      return true;
    });
    assert.ok(client.stats().noResponders >= 1);
  },
);

natsTest("RPCClient.call() waits for a server that starts within the timeout", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  const client = new RPCClient(t, { topic: "calc" }, { timeout: 10_000 });
  const pending = client.call({}, "add", { a: 1, b: 1 });
  await sleep(300);
  await using _s = await serve(t, "late", new Calculator());
  assert.equal(await pending, 2);
});

natsTest("RPCClient.prepare() overrides target and timeout for that copy only", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  await using _a = await serve(t, "a", new Calculator("a"));
  await using _b = await serve(t, "b", new Calculator("b"));
  const client = new RPCClient(t, { topic: "calc" }, { timeout: 5000 });
  const toB = client.prepare({ server: "b" });
  for (let i = 0; i < 5; i++) assert.equal(await toB.call({}, "whoami"), "b");
  assert.equal(client.target.server, undefined);
  assert.equal(toB.options.timeout, 5000);
  const quick = client.prepare({ timeout: 100 });
  await assert.rejects(quick.call({}, "slow", { ms: 1000 }), MessagingTimeout);
  assert.equal(await client.call({}, "slow", { ms: 150 }), "done");
  // Prepared copies share the parent's counters.
  assert.equal(client.stats().calls, 7);
});

natsTest(
  "RPCClient.close() belongs to the original: a prepared copy's close() keeps the inbox",
  async () => {
    await using nats = await startNatsServer();
    await using t = await connectTransport(nats.url);
    await using _a = await serve(t, "a", new Calculator("a"));
    const client = new RPCClient(t, { topic: "calc" }, { timeout: 5000 });
    const copy = client.prepare({ server: "a" });
    assert.equal(await copy.call({}, "whoami"), "a");
    const running = client.call({}, "slow", { ms: 300 });
    await sleep(100);
    copy.close(); // the original's call in flight is not failed by a copy
    assert.equal(await running, "done");
    assert.equal(await client.call({}, "add", { a: 2, b: 3 }), 5);
    assert.equal(await copy.call({}, "whoami"), "a");
    // Closing the original fails the copies' pending calls too.
    const pending = copy.call({}, "slow", { ms: 2000 });
    await sleep(100);
    client.close();
    await assert.rejects(pending, (e) => {
      assert.ok(e instanceof ConnectionFailedError);
      assert.match(e.message, /the client was closed/);
      return true;
    });
  },
);

natsTest("RPCClient.call() without server spreads calls over the topic's servers", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  const a = new Calculator("a"), b = new Calculator("b");
  await using _a = await serve(t, "a", a);
  await using _b = await serve(t, "b", b);
  const client = new RPCClient(t, { topic: "calc" }, { timeout: 5000 });
  const who = new Set<string>();
  for (let i = 0; i < 40 && who.size < 2; i++) who.add(await client.call({}, "whoami"));
  assert.deepEqual([...who].sort(), ["a", "b"]);
});

natsTest("RPCClient.cast() reaches one server; with fanout every server", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  const eps = [new Calculator("a"), new Calculator("b"), new Calculator("c")];
  const servers = await Promise.all(eps.map((ep) => serve(t, ep.name, ep)));
  const client = new RPCClient(t, { topic: "calc" });
  await client.cast({}, "whoami");
  await client.prepare({ fanout: true }).cast({}, "add", { a: 1, b: 2 });
  await waitFor(() => eps.every((e) => e.calls.includes("add")), { what: "fanout" });
  await sleep(100);
  assert.equal(eps.flatMap((e) => e.calls).filter((c) => c === "whoami").length, 1);
  assert.deepEqual(eps.map((e) => e.calls.filter((c) => c === "add").length), [1, 1, 1]);
  assert.equal(client.stats().casts, 2);
  for (const s of servers) await s[Symbol.asyncDispose]();
});

natsTest(
  "RPCClient version cap refuses newer versions; servers refuse unsupported ones",
  async () => {
    await using nats = await startNatsServer();
    await using t = await connectTransport(nats.url);
    const ep = { target: new Target({ version: "1.3" }), v: () => "ok" };
    await using _s = await serve(t, "a", ep);
    const client = new RPCClient(t, { topic: "calc", version: "1.2" }, {
      timeout: 5000,
      versionCap: "1.2",
    });
    assert.equal(await client.call({}, "v"), "ok");
    assert.equal(client.canSendVersion("1.3"), false);
    await assert.rejects(client.prepare({ version: "1.3" }).call({}, "v"), (e) => {
      assert.ok(e instanceof RPCVersionCapError);
      assert.match(e.message, /Cannot send version "1\.3"/);
      return true;
    });
    const uncapped = client.prepare({ versionCap: undefined });
    await assert.rejects(uncapped.prepare({ version: "1.4" }).call({}, "v"), (e) => {
      assert.ok(e instanceof UnsupportedVersionError);
      assert.equal(e.version, "1.4");
      assert.equal(e.method, "v");
      return true;
    });
    await assert.rejects(uncapped.call({}, "missing"), (e) => {
      assert.ok(e instanceof NoSuchMethodError);
      assert.equal(e.method, "missing");
      return true;
    });
    assert.throws(() => client.prepare({ version: "one" }), TypeError);
  },
);

natsTest("RPCClient serializer hook sees context and entities on both sides", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  const dates = {
    serializeEntity: (_c: unknown, e: unknown) => e instanceof Date ? { $date: e.getTime() } : e,
    deserializeEntity: (_c: unknown, e: unknown) =>
      e && typeof e === "object" && "$date" in e ? new Date((e as { $date: number }).$date) : e,
    serializeContext: (c: Record<string, unknown>) => ({ ...c, token: undefined, wire: true }),
    deserializeContext: (c: Record<string, unknown>) => ({ ...c, server_side: true }),
  };
  const seen: unknown[] = [];
  await using _s = await serve(t, "a", {
    nextDay(ctxt: unknown, a: { d: Date }) {
      seen.push(ctxt, a.d instanceof Date);
      return new Date(a.d.getTime() + 86_400_000);
    },
  }, { serializer: dates });
  const client = new RPCClient(t, { topic: "calc" }, { timeout: 5000, serializer: dates });
  const out = await client.call<Date>({ user: "u", token: "secret" }, "nextDay", {
    d: new Date(0),
  });
  assert.ok(out instanceof Date);
  assert.equal(out.getTime(), 86_400_000);
  assert.deepEqual(seen, [{ user: "u", wire: true, server_side: true }, true]);
});
