import assert from "node:assert/strict";
import { EdgeControl } from "../../agent/control.ts";
import { connectTransport } from "../../lib/messaging/mod.ts";
import { natsTest, startLeafTopology } from "../_support/nats_server.ts";
import { startServe } from "../_support/serve_process.ts";
import { waitFor } from "../_support/wait.ts";

natsTest(
  "serve.ts --site joins the edge site: control reloads the policy it serves with",
  async () => {
    await using topo = await startLeafTopology({ leaves: 1, jetstream: true, leafJetstream: true });
    const leaf = topo.leaves[0];
    assert.ok(leaf);
    await using hub = await connectTransport(topo.hub.url);
    await using control = new EdgeControl(hub, { log: () => {} });
    await control.start();
    const dir = await Deno.makeTempDir();
    await Deno.writeTextFile(`${dir}/policy.yaml`, '"example:read": "role:reader"\n');
    await Deno.writeTextFile(
      `${dir}/edge.conf`,
      `[oslo_policy]\npolicy_file = ${dir}/policy.yaml\n`,
    );
    await using srv = await startServe([
      "--dev",
      "--config-file",
      `${dir}/edge.conf`,
      "--site",
      "leaf1",
      "--nats",
      leaf.url,
      "--announce_interval",
      "1",
    ]);
    try {
      await waitFor(() => control.agents().some((a) => a.name === "leaf1"), {
        timeout: 30_000,
        what: "the instance to register as agent leaf1",
      });
      const decide = async () => {
        const res = await fetch(`${srv.url}/v1/policy/enforce`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ rule: "example:read", credentials: { roles: ["auditor"] } }),
        });
        return (await res.json()).allowed;
      };
      assert.equal(await decide(), false);
      // Change the policy file, then ask the agent (the same process) to reload it.
      await Deno.writeTextFile(`${dir}/policy.yaml`, '"example:read": "role:auditor"\n');
      const reply = await control.call("leaf1", "policy_cache_refresh");
      assert.equal(reply.handled, true);
      assert.equal(await decide(), true);
      const health = await control.call<{ service: { ready: boolean; checks: string[] } }>(
        "leaf1",
        "health_report",
      );
      assert.equal(health.service.ready, true);
      const limits = await control.call("leaf1", "limit_cache_refresh");
      assert.equal(limits.cleared, true);
    } finally {
      await srv.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
);
