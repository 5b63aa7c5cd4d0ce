import assert from "node:assert/strict";
import { ConnectionFailedError, connectTransport, type Message } from "../../lib/messaging/mod.ts";
import { natsTest, startNatsServer } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";

natsTest(
  "connectTransport({ client: 'deno' }) buffers publishes while reconnecting and resubscribes first",
  async () => {
    await using nats = await startNatsServer();
    await using t = await connectTransport(nats.url, { client: "deno", name: "edge" });
    const got: string[] = [];
    t.subscribe("q.>", (m: Message) => void got.push(m.string())); // its own messages come back
    t.publish("q.1", "before");
    await waitFor(() => got.length === 1, { what: "the first message" });

    await nats.stop({ kill: true });
    await waitFor(() => t.state === "reconnecting", { what: "the drop" });
    t.publish("q.2", "while-down"); // held; after the reconnect, sent after the SUB again
    await nats.start();
    await waitFor(() => t.state === "connected", { timeout: 20_000, what: "the reconnect" });
    await waitFor(() => got.includes("while-down"), { what: "the buffered message" });
    assert.deepEqual(got, ["before", "while-down"]);
    assert.equal(t.stats().reconnects, 1);
    assert.equal(t.stats().outMsgs, 2);
  },
);

natsTest(
  "connectTransport({ client: 'deno' }) refuses bad credentials and TLS clearly",
  async () => {
    await using nats = await startNatsServer({
      extraConfig: 'authorization { user: "agent", password: "right" }',
    });
    await using ok = await connectTransport(`nats://agent:right@127.0.0.1:${nats.port}/`, {
      client: "deno",
    });
    assert.equal(ok.state, "connected");
    await assert.rejects(
      connectTransport(`nats://agent:wrong@127.0.0.1:${nats.port}/`, { client: "deno" }),
      (e) => {
        assert.ok(e instanceof ConnectionFailedError);
        assert.match(e.message, /refused the connection: Authorization Violation/);
        assert.doesNotMatch(e.message, /wrong/);
        return true;
      },
    );
    await assert.rejects(
      connectTransport(`tls://127.0.0.1:${nats.port}/`, { client: "deno" }),
      /Cannot use tls:\/\/ with the deno NATS client/,
    );
  },
);

natsTest(
  "connectTransport({ client: 'deno' }) opens KV buckets through nats.js on demand",
  async () => {
    await using nats = await startNatsServer({ jetstream: true });
    await using t = await connectTransport(nats.url, { client: "deno" });
    const kv = await t.kv("b1");
    const rev = await kv.create("k", "v");
    assert.equal((await kv.get("k"))?.revision, rev);
  },
);
