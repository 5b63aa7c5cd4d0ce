import assert from "node:assert/strict";
import { EdgeControl } from "../../agent/control.ts";
import { connectTransport } from "../../lib/messaging/mod.ts";
import { natsTest, startLeafTopology } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";

const SERVE = new URL("../../functions/serve.ts", import.meta.url).pathname;

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
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        SERVE,
        "--dev",
        "--config-file",
        `${dir}/edge.conf`,
        "--site",
        "leaf1",
        "--nats",
        leaf.url,
        "--announce_interval",
        "1",
      ],
      env: { PORT: "0", HOST: "127.0.0.1" },
      stdout: "piped",
      stderr: "null",
    }).spawn();
    try {
      const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let out = "";
      const port = await waitFor(async () => {
        const { value } = await lines.read();
        out += value ?? "";
        return /listening on http:\/\/localhost:(\d+)/.exec(out)?.[1];
      }, { timeout: 30_000, what: "the server to listen" });
      await waitFor(() => control.agents().some((a) => a.name === "leaf1"), {
        timeout: 30_000,
        what: "the instance to register as agent leaf1",
      });
      const decide = async () => {
        const res = await fetch(`http://127.0.0.1:${port}/v1/policy/enforce`, {
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
      lines.releaseLock();
    } finally {
      child.kill("SIGTERM");
      await child.status;
      await child.stdout.cancel().catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
  },
);
