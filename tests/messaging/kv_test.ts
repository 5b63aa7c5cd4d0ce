import assert from "node:assert/strict";
import { connectTransport, KvConflictError, type KvEntry } from "../../lib/messaging/mod.ts";
import { natsTest, startNatsServer } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";

natsTest("KvStore create/update/delete compare the revision and refuse stale writes", async () => {
  await using nats = await startNatsServer({ jetstream: true });
  await using t = await connectTransport(nats.url);
  const kv = await t.kv("limits");
  const r1 = await kv.create("p1.cores", "10");
  await assert.rejects(kv.create("p1.cores", "11"), KvConflictError);
  const r2 = await kv.update("p1.cores", "12", r1);
  await assert.rejects(kv.update("p1.cores", "13", r1), (e) => {
    assert.ok(e instanceof KvConflictError);
    assert.equal(e.code, "ERR_MESSAGING_KV_CONFLICT");
    assert.match(e.message, /key "p1\.cores" in bucket "limits"/);
    return true;
  });
  await assert.rejects(kv.delete("p1.cores", { revision: r1 }), KvConflictError);
  await kv.delete("p1.cores", { revision: r2 });
  assert.equal(await kv.get("p1.cores"), undefined);
  await kv.put("p2.ram", "1024");
  assert.deepEqual(await kv.keys(), ["p2.ram"]);
});

natsTest(
  "KvStore.watch() gives current values then changes; onlyUpdates skips the current",
  async () => {
    await using nats = await startNatsServer({ jetstream: true });
    await using t = await connectTransport(nats.url);
    const kv = await t.kv("policy", { history: 5 });
    await kv.put("rules", "v1");
    const all: KvEntry[] = [], updates: KvEntry[] = [];
    const w1 = await kv.watch({ key: "rules" });
    const w2 = await kv.watch({ onlyUpdates: true });
    (async () => {
      for await (const e of w1) all.push(e);
    })();
    (async () => {
      for await (const e of w2) updates.push(e);
    })();
    await waitFor(() => all.length === 1, { what: "the current value" });
    await kv.put("rules", "v2");
    await kv.delete("rules");
    await waitFor(() => all.length === 3 && updates.length === 2, { what: "the changes" });
    assert.deepEqual(all.map((e) => [e.operation, e.string()]), [["PUT", "v1"], ["PUT", "v2"], [
      "DEL",
      "",
    ]]);
    assert.deepEqual(updates.map((e) => e.operation), ["PUT", "DEL"]);
    w1.stop();
    w2.stop();
  },
);
