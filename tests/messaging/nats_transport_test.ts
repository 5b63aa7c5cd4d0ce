import assert from "node:assert/strict";
import {
  connectTransport,
  JetStream,
  JetStreamApiError,
  type Message,
  MessagingTimeout,
  NoRespondersError,
  pullConsumer,
} from "../../lib/messaging/mod.ts";
import { natsTest, startNatsServer } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";
import { sleep } from "./_helpers.ts";

natsTest("Transport.publish/subscribe/request carry headers both ways", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  const got: Message[] = [];
  t.subscribe("events.>", (m) => void got.push(m));
  t.subscribe("svc.echo", (m) => {
    m.respond(`re:${m.string()}`, { headers: { "X-Trace": m.headers["X-Trace"] ?? "none" } });
  });
  t.publish("events.a", JSON.stringify({ n: 1 }), { headers: { "Oslo-Expires-At": "42" } });
  const reply = await t.request("svc.echo", "hi", { timeout: 2000, headers: { "X-Trace": "t1" } });
  assert.equal(reply.string(), "re:hi");
  assert.equal(reply.headers["X-Trace"], "t1");
  assert.equal(reply.status, undefined);
  await waitFor(() => got.length === 1, { what: "the event" });
  assert.equal(got[0]?.subject, "events.a");
  assert.deepEqual(got[0]?.json(), { n: 1 });
  assert.equal(got[0]?.headers["Oslo-Expires-At"], "42");
});

natsTest("Transport.request names no responders and timeouts apart", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  await assert.rejects(t.request("nobody.home", "x", { timeout: 1000 }), NoRespondersError);
  t.subscribe("slow", async (m) => {
    await sleep(500);
    m.respond("late");
  });
  await assert.rejects(t.request("slow", "x", { timeout: 100 }), (e) => {
    assert.ok(e instanceof MessagingTimeout);
    assert.match(e.message, /Timed out after 100 ms waiting for a reply on "slow"/);
    return true;
  });
});

natsTest(
  "Transport.subscribe queue groups share messages; drain waits for running handlers",
  async () => {
    await using nats = await startNatsServer();
    await using t = await connectTransport(nats.url);
    const a: number[] = [], b: number[] = [];
    let finished = 0;
    const sa = t.subscribe("work", async (m) => {
      a.push(Number(m.string()));
      await sleep(50);
      finished++;
    }, { queue: "workers" });
    const sb = t.subscribe("work", (m) => void b.push(Number(m.string())), { queue: "workers" });
    for (let i = 0; i < 40; i++) t.publish("work", String(i));
    await t.flush();
    await waitFor(() => a.length + b.length === 40, { what: "40 messages" });
    assert.ok(a.length > 0 && b.length > 0, `a=${a.length} b=${b.length}`);
    await sa.drain();
    assert.equal(finished, a.length);
    sb.unsubscribe();
    assert.equal(t.state, "connected");
    assert.equal(t.stats().reconnects, 0);
  },
);

natsTest(
  "JetStream streams store with ack and dedupe; pull consumers redeliver a nak",
  async () => {
    await using nats = await startNatsServer({ jetstream: true });
    await using t = await connectTransport(nats.url);
    const js = new JetStream(t);
    await js.ensureStream({ name: "ORDERS", subjects: ["orders.>"] });
    const first = await js.publish("orders.new", "o1", { msgId: "o1" });
    const again = await js.publish("orders.new", "o1", { msgId: "o1" });
    assert.equal(first.stream, "ORDERS");
    assert.equal(again.duplicate, true);
    assert.equal(again.seq, first.seq);
    await assert.rejects(js.publish("nothing.here", "x"), (e) => {
      assert.ok(e instanceof JetStreamApiError);
      assert.equal(e.status, 503);
      assert.match(e.message, /no stream takes it/);
      return true;
    });
    await js.ensureConsumer("ORDERS", { name: "shipper", filterSubject: "orders.>" });
    const deliveries: number[] = [];
    const loop = pullConsumer(js, { stream: "ORDERS", consumer: "shipper" }, (m) => {
      deliveries.push(m.deliveries);
      if (m.deliveries === 1) m.nak();
    });
    await waitFor(() => deliveries.length === 2, { what: "a delivery and a redelivery" });
    assert.deepEqual(deliveries, [1, 2]);
    await loop.stop();
    const info = await js.consumerInfo("ORDERS", "shipper") as { num_ack_pending: number };
    assert.equal(info.num_ack_pending, 0);
    await assert.rejects(js.api("STREAM.INFO.NOPE"), (e) => {
      assert.ok(e instanceof JetStreamApiError);
      assert.equal(e.errCode, 10059);
      return true;
    });
  },
);
