import assert from "node:assert/strict";
import {
  connectTransport,
  DEFAULT_NOTIFICATION_MAX_AGE,
  JetStream,
  type NotificationMessage,
  Notifier,
  pullConsumer,
  type PulledMessage,
  type Transport,
} from "../../lib/messaging/mod.ts";
import { natsTest, startNatsServer } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";
import { memoryLog } from "./_helpers.ts";

/** Every stored notification, read straight from the stream (no listener logic). */
async function readStream(t: Transport) {
  const js = new JetStream(t);
  await js.ensureConsumer("OSLO_NOTIFICATIONS", { name: "reader" });
  const got: { subject: string; msg: PulledMessage }[] = [];
  const loop = pullConsumer(js, { stream: "OSLO_NOTIFICATIONS", consumer: "reader" }, (msg) => {
    got.push({ subject: msg.subject, msg });
  });
  return { got, stop: () => loop.stop() };
}

type Body = { context: Record<string, unknown>; message: NotificationMessage };

natsTest(
  "Notifier.info() stores oslo's message shape once per topic with a sanitised context",
  async () => {
    await using nats = await startNatsServer({ jetstream: true });
    await using t = await connectTransport(nats.url);
    const notifier = new Notifier(t, {
      publisherId: "compute.host1",
      topics: ["notifications", "audit_log"],
    });
    const ok = await notifier.info(
      { user_id: "u1", project_id: "p1", auth_token: "SECRET", roles: ["member"] },
      "compute.instance.create.end",
      { instance_id: "i-1" },
    );
    assert.equal(ok, true);
    const reader = await readStream(t);
    await waitFor(() => reader.got.length === 2, { what: "2 stored copies" });
    assert.deepEqual(reader.got.map((g) => g.subject).sort(), [
      "oslo.notify.hub.openstack.audit_log.info",
      "oslo.notify.hub.openstack.notifications.info",
    ]);
    const body = reader.got[0]?.msg.json<Body>() as Body;
    assert.deepEqual(body.context, { user_id: "u1", project_id: "p1", roles: ["member"] });
    const m = body.message;
    assert.match(
      m.message_id,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    assert.equal(m.publisher_id, "compute.host1");
    assert.equal(m.event_type, "compute.instance.create.end");
    assert.equal(m.priority, "INFO");
    assert.deepEqual(m.payload, { instance_id: "i-1" });
    assert.match(m.timestamp, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(notifier.stats().sent, 2);
    await reader.stop();
  },
);

natsTest("Notifier priority methods set AUDIT..SAMPLE and warning is warn", async () => {
  await using nats = await startNatsServer({ jetstream: true });
  await using t = await connectTransport(nats.url);
  const n = new Notifier(t, { publisherId: "p" });
  for (const m of ["audit", "debug", "info", "warn", "warning", "error", "critical", "sample"]) {
    assert.equal(await (n[m as "info"])({}, `ev.${m}`, {}), true);
  }
  const reader = await readStream(t);
  await waitFor(() => reader.got.length === 8, { what: "8 notifications" });
  const seen = reader.got.map((
    g,
  ) => [g.msg.json<Body>().message.priority, g.subject.split(".").pop()]);
  assert.deepEqual(seen, [
    ["AUDIT", "audit"],
    ["DEBUG", "debug"],
    ["INFO", "info"],
    ["WARN", "warn"],
    ["WARN", "warn"],
    ["ERROR", "error"],
    ["CRITICAL", "critical"],
    ["SAMPLE", "sample"],
  ]);
  await reader.stop();
});

natsTest("Notifier.prepare() changes the publisher id and shares counters", async () => {
  await using nats = await startNatsServer({ jetstream: true });
  await using t = await connectTransport(nats.url);
  const base = new Notifier(t, { publisherId: "a" });
  const other = base.prepare({ publisherId: "b" });
  await base.info({}, "e", {});
  await other.info({}, "e", {});
  const reader = await readStream(t);
  await waitFor(() => reader.got.length === 2, { what: "2 notifications" });
  assert.deepEqual(reader.got.map((g) => g.msg.json<Body>().message.publisher_id), ["a", "b"]);
  assert.equal(base.stats().sent, 2);
  await reader.stop();
});

Deno.test("Notifier log driver logs at the priority with secrets masked; noop sends nothing", async () => {
  const log = memoryLog();
  const n = new Notifier(undefined, { driver: "log", publisherId: "svc", log });
  await n.warn({ auth_token: "t" }, "volume.attach", { admin_password: "pw", size: 1 });
  assert.equal(await n.audit({}, "a", {}), false);
  const line = log.lines.find((l) => l.level === "warning" && l.message.includes("volume.attach"));
  assert.ok(line);
  assert.match(line.message, /"admin_password":"\*\*\*"/);
  assert.match(line.message, /"size":1/);
  assert.doesNotMatch(line.message, /pw"/);
  assert.ok(log.lines.some((l) => /no logger level for priority audit/.test(l.message)));
  assert.equal(new Notifier(undefined, { driver: "noop" }).isEnabled(), false);
  assert.equal(new Notifier(undefined, { driver: [] }).isEnabled(), true);
  assert.equal(await new Notifier(undefined, { driver: "noop" }).info({}, "e", {}), true);
  assert.throws(() => new Notifier(undefined, { driver: "kafka" }), /notification driver "kafka"/);
});

natsTest(
  "Notifier with retry 0 and no JetStream fails at once, logs it and resolves false",
  async () => {
    await using nats = await startNatsServer(); // no JetStream
    await using t = await connectTransport(nats.url);
    const log = memoryLog();
    const n = new Notifier(t, { retry: 0, log, publishTimeout: 1000 });
    assert.equal(await n.info({}, "e", {}), false);
    assert.equal(n.stats().failed, 1);
    assert.ok(
      log.lines.some((l) => l.level === "error" && /Could not send notification/.test(l.message)),
    );
  },
);

natsTest("Notifier with retry -1 keeps trying until JetStream is there", async () => {
  const plain = await startNatsServer(); // no JetStream at first
  await using t = await connectTransport(plain.url);
  const n = new Notifier(t, { log: memoryLog(), publishTimeout: 500 });
  const sending = n.info({}, "e", { n: 1 });
  await waitFor(() => n.stats().retries >= 2, { what: "retries" });
  const port = plain.port;
  await plain[Symbol.asyncDispose]();
  await using js = await startNatsServer({ jetstream: true, port });
  assert.equal(await sending, true);
  const reader = await readStream(t);
  await waitFor(() => reader.got.length === 1, { what: "the stored notification" });
  assert.ok(js.pid);
  await reader.stop();
});

natsTest(
  "Notifier creates the site's stream bounded (24 h by default) and applies the limits it is given",
  async () => {
    await using nats = await startNatsServer({ jetstream: true });
    await using t = await connectTransport(nats.url);
    const js = new JetStream(t);
    const config = async () =>
      ((await js.streamInfo("OSLO_NOTIFICATIONS")) as {
        config: { max_age: number; max_msgs: number; max_bytes: number };
      }).config;
    assert.equal(await new Notifier(t).info({}, "e", {}), true);
    assert.equal((await config()).max_age, DEFAULT_NOTIFICATION_MAX_AGE * 1_000_000);
    assert.equal(DEFAULT_NOTIFICATION_MAX_AGE, 86_400_000);
    assert.equal((await config()).max_msgs, -1);
    // A notifier without limits keeps the existing stream's.
    const bounded = new Notifier(t, { maxAge: 3_600_000, maxMsgs: 5, maxBytes: 1_000_000 });
    assert.equal(await bounded.info({}, "e", {}), true);
    assert.deepEqual(await config().then((c) => [c.max_age, c.max_msgs, c.max_bytes]), [
      3_600_000_000_000,
      5,
      1_000_000,
    ]);
    assert.equal(await new Notifier(t).info({}, "e", {}), true);
    assert.equal((await config()).max_msgs, 5);
    // The oldest go first.
    for (let i = 0; i < 8; i++) await bounded.info({}, "e", { i });
    const state = ((await js.streamInfo("OSLO_NOTIFICATIONS")) as { state: { messages: number } })
      .state;
    assert.equal(state.messages, 5);
  },
);
