import assert from "node:assert/strict";
import {
  connectTransport,
  MessagingTimeout,
  NoSuchMethodError,
  type RpcCallInfo,
  RPCClient,
  RPCServer,
} from "../../lib/messaging/mod.ts";
import { natsTest, startNatsServer } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";
import { memoryLog } from "./_helpers.ts";

interface Seen {
  side: string;
  info: RpcCallInfo;
  ended: boolean;
  error?: unknown;
}

function recorder(side: string, seen: Seen[]) {
  return (info: RpcCallInfo) => {
    const entry: Seen = { side, info, ended: false };
    seen.push(entry);
    return (error?: unknown) => {
      assert.equal(entry.ended, false, "end is called once");
      entry.ended = true;
      if (error !== undefined) entry.error = error;
    };
  };
}

natsTest(
  "RPCServer() and RPCClient() onCall see each call start and end, with its error",
  async () => {
    await using nats = await startNatsServer();
    await using t = await connectTransport(nats.url);
    const seen: Seen[] = [];
    await using server = new RPCServer(t, { topic: "calc", server: "s1", exchange: "nova" }, [
      { add: (_c: unknown, a: { x: number; y: number }) => a.x + a.y },
    ], { onCall: recorder("server", seen), log: memoryLog() });
    await server.start();
    const client = new RPCClient(t, { topic: "calc", exchange: "nova", version: "1.0" }, {
      timeout: 5000,
      onCall: recorder("client", seen),
    });
    assert.equal(await client.call({}, "add", { x: 1, y: 2 }), 3);
    await assert.rejects(client.call({}, "sub", {}), NoSuchMethodError);
    await client.prepare({ server: "s1" }).cast({}, "add", { x: 1, y: 1 });
    await waitFor(
      () => seen.filter((s) => s.side === "server").length === 3 && seen.every((s) => s.ended),
      {
        what: "three calls seen on both sides",
      },
    );
    const row = (s: Seen) =>
      [
        s.side,
        s.info.callType,
        s.info.exchange,
        s.info.method,
        s.info.version ?? "-",
        s.info.target.server ?? "-",
        s.error === undefined ? "ok" : (s.error as Error).name,
      ].join(" ");
    assert.deepEqual(seen.map(row).sort(), [
      "client call nova add 1.0 - ok",
      "client call nova sub 1.0 - NoSuchMethodError",
      "client cast nova add 1.0 s1 ok",
      "server call nova add 1.0 s1 ok",
      "server call nova sub 1.0 s1 NoSuchMethodError",
      "server cast nova add 1.0 s1 ok",
    ]);
    const clientCall = seen.find((s) => s.side === "client" && s.info.method === "add")!;
    assert.equal(clientCall.info.timeout, 5000);
    assert.equal(
      seen.find((s) => s.side === "client" && s.info.callType === "cast")!.info.timeout,
      undefined,
    );
    // A timeout ends the client call with MessagingTimeout.
    const lost = new RPCClient(t, { topic: "nobody" }, {
      timeout: 200,
      onCall: recorder("lost", seen),
    });
    await assert.rejects(lost.call({}, "ping"), MessagingTimeout);
    const timedOut = seen.find((s) => s.side === "lost")!;
    assert.equal(timedOut.info.exchange, "openstack", "the client's default exchange");
    assert.ok(timedOut.error instanceof MessagingTimeout);
    client.close();
    lost.close();
  },
);

natsTest("RPCServer() onCall that throws is logged and never fails the call", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  const log = memoryLog();
  await using server = new RPCServer(t, { topic: "calc", server: "s1" }, [
    { one: () => 1 },
  ], {
    log,
    onCall: () => {
      throw new Error("metrics broke");
    },
  });
  await server.start();
  const client = new RPCClient(t, { topic: "calc" }, {
    timeout: 5000,
    onCall: () => () => {
      throw new Error("end broke");
    },
  });
  assert.equal(await client.call({}, "one"), 1);
  assert.ok(
    log.lines.some((l) =>
      l.level === "warning" && /onCall hook failed for "one": metrics broke/.test(l.message)
    ),
    JSON.stringify(log.lines),
  );
  client.close();
});
