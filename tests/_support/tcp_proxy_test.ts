import assert from "node:assert/strict";
import { natsTest, startLeafTopology } from "./nats_server.ts";
import { startTcpProxy } from "./tcp_proxy.ts";
import { waitFor } from "./wait.ts";

Deno.test("startTcpProxy() forwards, delays each chunk, and cuts and restores", async () => {
  const echo = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    for await (const c of echo) {
      (async () => {
        const buf = new Uint8Array(64);
        for (;;) {
          const n = await c.read(buf).catch(() => null);
          if (n === null) break;
          await c.write(buf.subarray(0, n)).catch(() => {});
        }
        try {
          c.close();
        } catch { /* closed */ }
      })();
    }
  })().catch(() => {});
  await using proxy = await startTcpProxy({ target: (echo.addr as Deno.NetAddr).port, delay: 100 });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: proxy.port });
  const started = Date.now();
  await conn.write(new TextEncoder().encode("ping"));
  const buf = new Uint8Array(8);
  assert.equal(await conn.read(buf), 4);
  assert.ok(Date.now() - started >= 180, "two delayed hops");
  proxy.cut();
  assert.equal(await conn.read(buf), null);
  const refused = await Deno.connect({ hostname: "127.0.0.1", port: proxy.port });
  assert.equal(await refused.read(buf), null);
  refused.close();
  proxy.restore();
  const again = await Deno.connect({ hostname: "127.0.0.1", port: proxy.port });
  await again.write(new TextEncoder().encode("x"));
  assert.equal(await again.read(buf), 1);
  again.close();
  try {
    conn.close();
  } catch { /* closed by the cut */ }
  echo.close();
  await serving;
});

natsTest(
  "startLeafTopology({ linkProxy }) routes the leaf link through a proxy that can cut it",
  async () => {
    await using topo = await startLeafTopology({ leaves: 1, linkProxy: true });
    const link = topo.links[0];
    assert.ok(link);
    const links = async () => Number((await topo.hub.monitor("leafz")).leafnodes);
    assert.equal(await links(), 1);
    link.cut();
    await waitFor(async () => (await links()) === 0, { what: "the link down" });
    // The leaf keeps dialling the proxy only, so the link stays down while cut.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(await links(), 0);
    link.restore();
    await topo.waitForLeafLinks();
    assert.equal(await links(), 1);
  },
);
