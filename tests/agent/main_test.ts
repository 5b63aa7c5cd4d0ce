import assert from "node:assert/strict";
import { EdgeControl } from "../../agent/control.ts";
import { connectTransport } from "../../lib/messaging/mod.ts";
import { natsTest, startLeafTopology } from "../_support/nats_server.ts";
import { waitFor } from "../_support/wait.ts";

const MAIN = new URL("../../agent/main.ts", import.meta.url).pathname;
const CALL = new URL("../../agent/call.ts", import.meta.url).pathname;
const PERMS = ["--allow-net", "--allow-env", "--allow-read"];

async function run(script: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMS, script, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

natsTest(
  "deno task agent runs an agent that registers, answers agent:call, and stops on SIGTERM",
  async () => {
    await using topo = await startLeafTopology({ leaves: 1, jetstream: true, leafJetstream: true });
    const leaf = topo.leaves[0];
    assert.ok(leaf);
    await using hub = await connectTransport(topo.hub.url);
    await using control = new EdgeControl(hub, { log: () => {} });
    await control.start();
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...PERMS,
        MAIN,
        "--site",
        "leaf1",
        "--nats",
        leaf.url,
        "--announce_interval",
        "1",
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    try {
      await waitFor(() => control.agents().some((a) => a.name === "leaf1"), {
        timeout: 30_000,
        what: "the agent to register",
      });
      const health = await run(CALL, ["--nats", topo.hub.url, "--agent", "leaf1"]);
      assert.equal(health.code, 0, health.stderr);
      const reply = JSON.parse(health.stdout);
      assert.equal(reply.agent, "leaf1");
      assert.equal(reply.status, "ok");
      // A light agent reloads its own options; policy and limits belong to an HTTP instance.
      const reload = JSON.parse(
        (await run(CALL, ["--nats", topo.hub.url, "--agent", "leaf1", "--method", "config_reload"]))
          .stdout,
      );
      assert.equal(reload.handled, true);
      assert.equal(reload.ok, true);
      const refresh = JSON.parse(
        (await run(CALL, [
          "--nats",
          topo.hub.url,
          "--agent",
          "leaf1",
          "--method",
          "policy_cache_refresh",
        ])).stdout,
      );
      assert.equal(refresh.handled, false);
      const ping = await run(CALL, [
        "--nats",
        topo.hub.url,
        "--agent",
        "leaf1",
        "--method",
        "oslo_rpc_server_ping",
      ]);
      assert.equal(JSON.parse(ping.stdout), "pong");
      const missing = await run(CALL, [
        "--nats",
        topo.hub.url,
        "--agent",
        "nope",
        "--timeout",
        "1",
      ]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /MessagingTimeout: .*no server is listening/);
    } finally {
      child.kill("SIGTERM");
    }
    const status = await child.status;
    const stdout = new TextDecoder().decode(await new Response(child.stdout).arrayBuffer());
    await child.stderr.cancel();
    assert.equal(status.code, 0);
    assert.match(stdout, /edge agent "leaf1" serving site leaf1 on nats:\/\/127\.0\.0\.1:\d+/);
  },
);

Deno.test("deno task agent refuses a missing --site and bad arguments with a hint", async () => {
  const noSite = await run(MAIN, ["--nats", "nats://127.0.0.1:1/"]);
  assert.equal(noSite.code, 2);
  assert.match(noSite.stderr, /site/);
  assert.match(noSite.stderr, /usage: deno task agent --site NAME --nats/);
  const unknown = await run(MAIN, ["--site", "x", "--bogus"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Cannot parse --bogus: unrecognized argument/);
  const badArgs = await run(CALL, [
    "--nats",
    "nats://127.0.0.1:1/",
    "--agent",
    "a",
    "--args",
    "[1]",
  ]);
  assert.equal(badArgs.code, 2);
  assert.match(badArgs.stderr, /cannot use --args "\[1\]": not a JSON object/);
});
