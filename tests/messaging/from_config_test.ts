import assert from "node:assert/strict";
import { ConfigFileValueError, ConfigOpts } from "../../lib/config/mod.ts";
import {
  connectTransport,
  getNotificationTransport,
  getRpcTransport,
  JetStream,
  listenerOptions,
  MessagingError,
  NotificationListener,
  Notifier,
  notifierOptions,
  registerMessagingOptions,
  RPCClient,
  rpcClientInit,
  RPCServer,
  rpcServerOptions,
  transportUrlFor,
} from "../../lib/messaging/mod.ts";
import { natsTest, startLeafTopology, startNatsServer } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";
import { memoryLog, sleep } from "./_helpers.ts";

async function load(text: string) {
  const conf = registerMessagingOptions(new ConfigOpts());
  await conf.load({ texts: [{ name: "svc.conf", text }], env: false });
  return conf;
}

natsTest(
  "getRpcTransport() and getNotificationTransport() use separate URLs (hybrid messaging)",
  async () => {
    await using core = await startNatsServer(); // RPC: core NATS, no JetStream
    await using stream = await startNatsServer({ jetstream: true }); // notifications
    const conf = await load(`[DEFAULT]
transport_url = nats://127.0.0.1:${core.port}/
rpc_response_timeout = 7
rpc_ping_enabled = true

[oslo_messaging_notifications]
transport_url = nats://127.0.0.1:${stream.port}/
driver = messaging
topics = notifications,monitor
`);
    await using rpc = await getRpcTransport(conf);
    await using notif = await getNotificationTransport(conf);
    assert.equal(rpc.server, `127.0.0.1:${core.port}`);
    assert.equal(notif.server, `127.0.0.1:${stream.port}`);

    // Spies on the wrong side of each split.
    const strayRpc: string[] = [], strayNotify: string[] = [];
    notif.subscribe("oslo.rpc.>", (m) => void strayRpc.push(m.subject));
    rpc.subscribe("oslo.notify.>", (m) => void strayNotify.push(m.subject));

    await using server = new RPCServer(rpc, { topic: "svc", server: "a" }, [{ hi: () => "hi" }], {
      ...rpcServerOptions(conf),
      log: memoryLog(),
    });
    await server.start();
    const client = new RPCClient(rpc, { topic: "svc" }, rpcClientInit(conf));
    assert.equal(client.options.timeout, 7000);
    assert.equal(await client.call({}, "hi"), "hi");
    assert.equal(await client.call({}, "oslo_rpc_server_ping"), "pong");

    const got: string[] = [];
    await using listener = new NotificationListener(notif, [{ topic: "monitor" }], [{
      info: (_c, _p, event) => void got.push(event),
    }], { log: memoryLog() });
    await listener.start();
    const notifier = new Notifier(notif, notifierOptions(conf, "svc.a"));
    assert.deepEqual(notifier.drivers.map((d) => d.name), ["messaging"]);
    assert.equal(await notifier.info({}, "svc.started", {}), true);
    await waitFor(() => got.length === 1, { what: "the notification" });
    assert.deepEqual(got, ["svc.started"]);
    await sleep(100);
    assert.deepEqual(strayRpc, []);
    assert.deepEqual(strayNotify, []);
    // The RPC side has no JetStream at all: nothing could have been stored there.
    const jsz = await core.monitor("varz");
    assert.equal((jsz.jetstream as { config?: unknown } | undefined)?.config, undefined);
  },
);

Deno.test("transportUrlFor() falls back to [DEFAULT] and reads the deprecated name", async () => {
  const fallback = await load("[DEFAULT]\ntransport_url = nats://h1:4222/\n");
  assert.deepEqual(transportUrlFor(fallback, "notifications"), {
    url: "nats://h1:4222/",
    option: "[DEFAULT] transport_url",
  });
  const old = await load(
    "[DEFAULT]\ntransport_url = nats://h1:4222/\nnotification_transport_url = nats://h2:4222/\n",
  );
  assert.equal(transportUrlFor(old, "notifications").url, "nats://h2:4222/");
  assert.equal(transportUrlFor(old, "rpc").url, "nats://h1:4222/");
});

Deno.test("transportUrlFor() without any URL says which option to set", async () => {
  const conf = await load("");
  assert.throws(() => transportUrlFor(conf, "rpc"), (e) => {
    assert.ok(e instanceof MessagingError);
    assert.match(e.message, /\[DEFAULT\] transport_url is not set: set it to nats:\/\/host:4222\//);
    return true;
  });
});

Deno.test("notifierOptions() takes oslo's defaults: no driver, topic notifications, retry -1", async () => {
  const conf = await load("[oslo_messaging_nats]\nsite = leaf1\nnotification_ttl = 30\n");
  const o = notifierOptions(conf);
  assert.deepEqual(o.driver, []);
  assert.deepEqual(o.topics, ["notifications"]);
  assert.equal(o.retry, -1);
  assert.equal(o.site, "leaf1");
  assert.equal(o.ttl, 30_000);
  assert.equal(o.exchange, "openstack");
  assert.equal(o.maxAge, 86_400_000);
  assert.equal(o.maxMsgs, -1);
  assert.equal(o.maxBytes, -1);
});

Deno.test("notifierOptions() and listenerOptions() read source_sites and the stream limits", async () => {
  const conf = await load(`[DEFAULT]
control_exchange = nova

[oslo_messaging_nats]
source_sites = leaf1,leaf2
notification_stream = EVENTS
notification_max_age = 3600
notification_max_msgs = 1000
notification_max_bytes = 1048576
`);
  const limits = { maxAge: 3_600_000, maxMsgs: 1000, maxBytes: 1_048_576 };
  assert.deepEqual(listenerOptions(conf), {
    exchange: "nova",
    site: "hub",
    stream: "EVENTS",
    sourceSites: ["leaf1", "leaf2"],
    ...limits,
  });
  const n = notifierOptions(conf);
  assert.deepEqual([n.maxAge, n.maxMsgs, n.maxBytes, n.stream], [
    ...Object.values(limits),
    "EVENTS",
  ]);
  assert.equal(listenerOptions(await load("")).sourceSites, undefined);
  await assert.rejects(load("[oslo_messaging_nats]\nnotification_max_age = -1\n"), (e) => {
    assert.ok(e instanceof ConfigFileValueError);
    assert.match(e.message, /oslo_messaging_nats\/notification_max_age from svc\.conf:2/);
    return true;
  });
});

natsTest(
  "listenerOptions() source_sites bring a leaf site's notifications to a hub listener",
  async () => {
    await using topo = await startLeafTopology({ leaves: 1, jetstream: true, leafJetstream: true });
    const leaf = topo.leaves[0];
    assert.ok(leaf);
    const hubConf = await load(
      "[oslo_messaging_nats]\nsource_sites = leaf1\nnotification_max_age = 7200\n",
    );
    const leafConf = await load(
      "[oslo_messaging_nats]\nsite = leaf1\nnotification_max_age = 600\n",
    );
    await using hub = await connectTransport(topo.hub.url);
    await using edge = await connectTransport(leaf.url);
    const got: string[] = [];
    await using listener = new NotificationListener(hub, [{ topic: "notifications" }], [{
      info: (_c, publisher, event) => void got.push(`${publisher} ${event}`),
    }], { ...listenerOptions(hubConf), log: memoryLog() });
    await listener.start();
    const notifier = new Notifier(edge, {
      ...notifierOptions(leafConf, "agent.leaf1"),
      driver: "messaging",
      log: memoryLog(),
    });
    assert.equal(await notifier.info({}, "leaf.event", {}), true);
    await waitFor(() => got.length === 1, { timeout: 30_000, what: "the leaf's notification" });
    assert.deepEqual(got, ["agent.leaf1 leaf.event"]);
    const info = async (t: typeof hub, domain?: string) =>
      (await new JetStream(t, domain ? { domain } : {}).streamInfo("OSLO_NOTIFICATIONS")) as {
        config: { max_age: number; sources?: { name: string; external?: { api: string } }[] };
      };
    const hubStream = await info(hub);
    assert.deepEqual(hubStream.config.sources?.map((s) => s.external?.api), ["$JS.leaf1.API"]);
    assert.equal(hubStream.config.max_age, 7_200_000_000_000);
    assert.equal((await info(edge)).config.max_age, 600_000_000_000);
  },
);
