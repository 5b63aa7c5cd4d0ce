import assert from "node:assert/strict";
import { connectTransport, probeTransport } from "../../lib/messaging/mod.ts";
import { natsTest, startNatsServer } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";

natsTest(
  "probeTransport() reports a live connection, then a lost one, then the reconnect",
  async () => {
    await using nats = await startNatsServer();
    await using t = await connectTransport(nats.url);
    const up = await probeTransport(t);
    assert.equal(up.available, true);
    assert.equal(up.reason, "OK");
    assert.equal(up.state, "connected");
    assert.ok(typeof up.rttMs === "number" && up.rttMs >= 0);
    await nats.stop({ kill: true });
    await waitFor(() => t.state === "reconnecting", { what: "the connection to drop" });
    const down = await probeTransport(t, { timeout: 500 });
    assert.equal(down.available, false);
    assert.match(down.reason, /NATS connection is reconnecting/);
    await nats.start();
    await waitFor(() => t.state === "connected", { timeout: 20_000, what: "the reconnect" });
    const back = await probeTransport(t);
    assert.equal(back.available, true);
    assert.equal(back.reconnects, 1);
  },
);
