import assert from "node:assert/strict";
import { EdgeControl } from "../../agent/control.ts";
import { connectTransport, RemoteError } from "../../lib/messaging/mod.ts";
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

/** `agent/main.ts --site leaf1 --nats URL EXTRA...` as a child process (stderr piped). */
function spawnAgent(natsUrl: string, extra: string[], stdout: "piped" | "null"): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMS, MAIN, "--site", "leaf1", "--nats", natsUrl, ...extra],
    stdout,
    stderr: "piped",
  }).spawn();
}

/** Resolves once the agent leaf1 has registered with `control`. */
function registered(control: EdgeControl): Promise<boolean> {
  return waitFor(() => control.agents().some((a) => a.name === "leaf1"), {
    timeout: 30_000,
    what: "the agent to register",
  });
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
    const child = spawnAgent(leaf.url, ["--announce_interval", "1"], "piped");
    try {
      await registered(control);
      const health = await run(CALL, ["--nats", topo.hub.url, "--agent", "leaf1"]);
      assert.equal(health.code, 0, health.stderr);
      const reply = JSON.parse(health.stdout);
      assert.equal(reply.agent, "leaf1");
      assert.equal(reply.status, "ok");
      // A light agent reloads its own options; policy and limits only when configured.
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
      assert.match(refresh.reason, /no policy is configured: set \[oslo_policy\] policy_file/);
      // It advertises only what it handles.
      assert.deepEqual(control.agents().find((a) => a.name === "leaf1")?.methods, [
        "health_report",
        "config_reload",
      ]);
      // Idle, configured for neither policy nor limits: lib/policy and lib/limit are not loaded.
      const rss = Number(
        /VmRSS:\s+(\d+) kB/.exec(await Deno.readTextFile(`/proc/${child.pid}/status`))?.[1],
      ) / 1024;
      assert.ok(rss <= 55, `idle agent RSS ${rss.toFixed(1)} MiB`);
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

/** Writes the files of a configured agent: policy, limits and the config naming them. */
async function agentFiles(dir: string) {
  await Deno.writeTextFile(
    `${dir}/policy.yaml`,
    '"admin": "role:admin"\n"demo:read": "rule:admin"\n',
  );
  await Deno.writeTextFile(`${dir}/limits.yaml`, "registeredLimits:\n  cores: 10\n");
  await Deno.writeTextFile(
    `${dir}/agent.conf`,
    "[oslo_policy]\npolicy_file = policy.yaml\n\n[oslo_limit]\nlimits_file = " + dir +
      "/limits.yaml\n",
  );
}

natsTest(
  "deno task agent with a policy file and limits file reloads them on policy_cache_refresh and limit_cache_refresh",
  async () => {
    await using topo = await startLeafTopology({ leaves: 1, jetstream: true, leafJetstream: true });
    const leaf = topo.leaves[0];
    assert.ok(leaf);
    const dir = await Deno.makeTempDir();
    await agentFiles(dir);
    await using hub = await connectTransport(topo.hub.url);
    await using control = new EdgeControl(hub, { log: () => {} });
    await control.start();
    const child = spawnAgent(leaf.url, ["--config-file", `${dir}/agent.conf`], "null");
    try {
      await registered(control);
      assert.deepEqual(control.agents()[0]?.methods, [
        "health_report",
        "config_reload",
        "policy_cache_refresh",
        "limit_cache_refresh",
      ]);
      type Reply = Record<string, unknown>;
      const policy = () => control.call<Reply>("leaf1", "policy_cache_refresh");
      const limits = () => control.call<Reply>("leaf1", "limit_cache_refresh");
      const first = await policy();
      assert.deepEqual([first.handled, first.loaded, first.rules, first.changed], [
        true,
        true,
        2,
        false,
      ]);
      assert.deepEqual(first.sources, [`${dir}/policy.yaml`]);
      await Deno.writeTextFile(
        `${dir}/policy.yaml`,
        '"admin": "role:admin"\n"demo:read": "rule:admin"\n"demo:write": "rule:admin"\n',
      );
      const second = await policy();
      assert.deepEqual([second.rules, second.changed], [3, true]);
      // A broken edit: the caller is told where; the rules loaded before stay.
      await Deno.writeTextFile(`${dir}/policy.yaml`, '"admin": [unclosed\n');
      await assert.rejects(policy(), (e) => {
        assert.ok(e instanceof RemoteError);
        assert.equal(e.excType, "PolicyFileError");
        assert.match(e.value, /policy\.yaml/);
        return true;
      });
      const lim = await limits();
      assert.deepEqual([lim.handled, lim.cleared, lim.registeredLimits, lim.changed, lim.model], [
        true,
        true,
        1,
        false,
        "flat",
      ]);
      assert.match(String(lim.source), /static limits from .*limits\.yaml/);
      await Deno.writeTextFile(
        `${dir}/limits.yaml`,
        "registeredLimits:\n  cores: 20\n  ram: 512\n",
      );
      const lim2 = await limits();
      assert.deepEqual([lim2.registeredLimits, lim2.changed], [2, true]);
      await Deno.writeTextFile(`${dir}/limits.yaml`, "registeredLimits:\n  cores: ten\n");
      await assert.rejects(limits(), (e) => {
        assert.ok(e instanceof RemoteError);
        assert.equal(e.excType, "LimitSourceError");
        assert.match(
          e.value,
          /limits\.yaml:2:\d+: registeredLimits\.cores: expected an integer limit/,
        );
        return true;
      });
    } finally {
      child.kill("SIGTERM");
      await child.status;
      await child.stderr.cancel().catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("deno task agent refuses a broken policy file or limits file at start, naming it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await agentFiles(dir);
    await Deno.writeTextFile(`${dir}/limits.yaml`, "registeredLimits:\n  cores: -5\n");
    const bad = await run(MAIN, [
      "--site",
      "x",
      "--nats",
      "nats://127.0.0.1:1/",
      "--config-file",
      `${dir}/agent.conf`,
    ]);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /agent: Cannot set up the agent's actions: .*limits\.yaml:2:\d+: registeredLimits\.cores/,
    );
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
