import assert from "node:assert/strict";
import {
  connectTransport,
  JetStream,
  NotificationFilter,
  NotificationListener,
  type NotificationListenerOptions,
  type NotificationMetadata,
  NotificationResult,
  Notifier,
  type Transport,
} from "../../lib/messaging/mod.ts";
import { natsTest, startNatsServer } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";
import { memoryLog, sleep } from "./_helpers.ts";
import { consumerName } from "../../lib/messaging/listener_support.ts";

type Got = { priority: string; event: string; payload: unknown; meta: NotificationMetadata };

/** An endpoint recording what each priority method receives. */
function recorder(priorities: string[], extra: object = {}) {
  const got: Got[] = [];
  const ep: Record<string, unknown> = { ...extra };
  for (const p of priorities) {
    ep[p] = (
      _c: unknown,
      _pub: unknown,
      event: string,
      payload: unknown,
      meta: NotificationMetadata,
    ) => void got.push({ priority: p, event, payload, meta });
  }
  return { ep, got };
}

async function listen(
  t: Transport,
  endpoints: object[],
  options: NotificationListenerOptions = {},
) {
  const l = new NotificationListener(t, [{ topic: "notifications" }], endpoints, {
    log: memoryLog(),
    ...options,
  });
  await l.start();
  return l;
}

natsTest("NotificationListener gives each endpoint only the priorities it has", async () => {
  await using nats = await startNatsServer({ jetstream: true });
  await using t = await connectTransport(nats.url);
  const infos = recorder(["info"]);
  const errs = recorder(["error", "critical"]);
  await using _l = await listen(t, [infos.ep, errs.ep]);
  const n = new Notifier(t, { publisherId: "svc" });
  await n.info({}, "a.start", { i: 1 });
  await n.error({}, "a.fail", { i: 2 });
  await n.debug({}, "a.debug", { i: 3 });
  await n.critical({}, "a.boom", { i: 4 });
  await waitFor(() => infos.got.length === 1 && errs.got.length === 2, { what: "deliveries" });
  await sleep(200);
  assert.deepEqual(infos.got.map((g) => [g.priority, g.event, g.payload]), [["info", "a.start", {
    i: 1,
  }]]);
  assert.deepEqual(errs.got.map((g) => g.event).sort(), ["a.boom", "a.fail"]);
  assert.match(infos.got[0]?.meta.message_id ?? "", /^[0-9a-f-]{36}$/);
});

natsTest("NotificationListener applies an endpoint's NotificationFilter", async () => {
  await using nats = await startNatsServer({ jetstream: true });
  await using t = await connectTransport(nats.url);
  const compute = recorder(["info"], {
    filterRule: new NotificationFilter({ eventType: "^compute\\.", publisherId: "nova" }),
  });
  const all = recorder(["info"]);
  await using l = await listen(t, [compute.ep, all.ep]);
  const n = new Notifier(t, { publisherId: "nova-compute.h1" });
  await n.info({}, "compute.instance.create", {});
  await n.info({}, "image.upload", {});
  await n.prepare({ publisherId: "glance" }).info({}, "compute.fake", {});
  await waitFor(() => all.got.length === 3, { what: "3 deliveries" });
  assert.deepEqual(compute.got.map((g) => g.event), ["compute.instance.create"]);
  assert.equal(l.stats().delivered, 4);
});

natsTest(
  "NotificationListener pools: each pool gets every message, once, shared by its members",
  async () => {
    await using nats = await startNatsServer({ jetstream: true });
    await using t = await connectTransport(nats.url);
    const members = ["a", "a", "b", "b"].map((pool) => ({ pool, rec: recorder(["info"]) }));
    const listeners = [];
    for (const m of members) listeners.push(await listen(t, [m.rec.ep], { pool: m.pool }));
    const n = new Notifier(t);
    for (let i = 0; i < 20; i++) await n.info({}, "e", { i });
    const count = (pool: string) =>
      members.filter((m) => m.pool === pool).flatMap((m) => m.rec.got.map((g) => g.payload));
    await waitFor(() => count("a").length === 20 && count("b").length === 20, {
      what: "both pools",
    });
    await sleep(300);
    for (const pool of ["a", "b"]) {
      const ids = count(pool).map((p) => (p as { i: number }).i).sort((x, y) => x - y);
      assert.deepEqual(ids, Array.from({ length: 20 }, (_, i) => i), `pool ${pool}`);
    }
    for (const l of listeners) await l[Symbol.asyncDispose]();
  },
);

natsTest(
  "NotificationListener requeue: redelivered only with allowRequeue, never twice to an endpoint",
  async () => {
    await using nats = await startNatsServer({ jetstream: true });
    await using t = await connectTransport(nats.url);
    const calls: string[] = [];
    let failNext = true;
    const first = { info: () => void calls.push("first") };
    const second = {
      info: () => {
        calls.push("second");
        if (failNext) {
          failNext = false;
          return NotificationResult.REQUEUE;
        }
      },
    };
    const third = { info: () => void calls.push("third") };
    await using l = await listen(t, [first, second, third], { allowRequeue: true, pool: "rq" });
    await new Notifier(t).info({}, "e", {});
    await waitFor(() => calls.includes("third"), { what: "the redelivery" });
    // The first endpoint had it already: the redelivery skips it.
    assert.deepEqual(calls, ["first", "second", "second", "third"]);
    assert.equal(l.stats().requeued, 1);
    assert.equal(l.stats().duplicates, 1);
  },
);

natsTest(
  "NotificationListener without allowRequeue acks and stops at the first REQUEUE or error",
  async () => {
    await using nats = await startNatsServer({ jetstream: true });
    await using t = await connectTransport(nats.url);
    const calls: string[] = [];
    const boom = {
      info: () => {
        calls.push("boom");
        throw new Error("endpoint failed");
      },
    };
    const after = { info: () => void calls.push("after") };
    const log = memoryLog();
    await using l = await listen(t, [boom, after], { log, ackWait: 1000 });
    await new Notifier(t).info({}, "e", {});
    await waitFor(() => calls.length === 1, { what: "the delivery" });
    await sleep(1500); // past ackWait: nothing comes back
    assert.deepEqual(calls, ["boom"]);
    assert.equal(l.stats().errors, 1);
    assert.ok(log.lines.some((x) => /endpoint raised: endpoint failed/.test(x.message)));
  },
);

natsTest(
  "NotificationListener resumes after a stop: nothing sent meanwhile is lost; expired ones are dropped",
  async () => {
    await using nats = await startNatsServer({ jetstream: true });
    await using t = await connectTransport(nats.url);
    const rec = recorder(["info"]);
    const l = await listen(t, [rec.ep], { pool: "durable" });
    const n = new Notifier(t);
    await n.info({}, "before", {});
    await waitFor(() => rec.got.length === 1, { what: "the first" });
    await l.stop();
    await l.wait();
    await n.info({}, "while-down", {});
    await n.prepare({ ttl: 100 }).info({}, "stale", {});
    await n.prepare({ ttl: 60_000 }).info({}, "fresh", {});
    await sleep(300);
    const again = await listen(t, [rec.ep], { pool: "durable" });
    await waitFor(() => rec.got.length === 3, { what: "the ones sent while down" });
    await waitFor(() => again.stats().expired === 1, { what: "the stale one dropped" });
    assert.deepEqual(rec.got.map((g) => g.event), ["before", "while-down", "fresh"]);
    await again[Symbol.asyncDispose]();
  },
);

natsTest(
  "NotificationListener without a pool gets what was sent before it started; a new pool does not",
  async () => {
    await using nats = await startNatsServer({ jetstream: true });
    await using t = await connectTransport(nats.url);
    const n = new Notifier(t); // creates the stream, as oslo's notifier declares the default queue
    for (let i = 0; i < 3; i++) assert.equal(await n.info({}, "early", { i }), true);
    const plain = recorder(["info"]);
    const pooled = recorder(["info"]);
    await using _plain = await listen(t, [plain.ep]);
    await using _pooled = await listen(t, [pooled.ep], { pool: "late" });
    await n.info({}, "later", { i: 3 });
    await waitFor(() => plain.got.length === 4 && pooled.got.length === 1, {
      what: "4 deliveries to the default group, 1 to the new pool",
    });
    await sleep(300);
    assert.deepEqual(plain.got.map((g) => g.event), ["early", "early", "early", "later"]);
    assert.deepEqual(pooled.got.map((g) => g.event), ["later"]);
  },
);

natsTest(
  'NotificationListener pool "default" is a pool of its own, apart from the default group',
  async () => {
    await using nats = await startNatsServer({ jetstream: true });
    await using t = await connectTransport(nats.url);
    const plain = recorder(["info"]);
    const named = recorder(["info"]);
    await using _a = await listen(t, [plain.ep]);
    await using _b = await listen(t, [named.ep], { pool: "default" });
    const n = new Notifier(t);
    for (let i = 0; i < 10; i++) await n.info({}, "e", { i });
    await waitFor(() => plain.got.length === 10 && named.got.length === 10, {
      what: "every message to both",
    });
    await sleep(200);
    assert.equal(plain.got.length + named.got.length, 20);
    assert.throws(() => new NotificationListener(t, [{ topic: "x" }], [], { pool: "" }), (e) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /Cannot listen in pool "": name the pool, or leave pool out/);
      return true;
    });
  },
);

natsTest(
  "NotificationListener without a pool takes over from the old shared consumer: no replay",
  async () => {
    await using nats = await startNatsServer({ jetstream: true });
    await using t = await connectTransport(nats.url);
    const n = new Notifier(t);
    for (let i = 0; i < 3; i++) await n.info({}, "handled-before", { i });
    // The consumer pool-less listeners shared before (named after pool "default"), up to date.
    const js = new JetStream(t);
    const legacy = consumerName("default", "openstack", "notifications", "info");
    await js.ensureConsumer("OSLO_NOTIFICATIONS", {
      name: legacy,
      filterSubject: "oslo.notify.hub.openstack.notifications.info",
      deliverNew: true,
    });
    await n.info({}, "after-upgrade", {});
    const rec = recorder(["info"]);
    await using _l = await listen(t, [rec.ep]);
    await waitFor(() => rec.got.length >= 1, { what: "the new message" });
    await sleep(300);
    assert.deepEqual(rec.got.map((g) => g.event), ["after-upgrade"]);
  },
);
