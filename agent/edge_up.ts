/**
 * `deno task edge:up`: a local edge topology for a demo. Starts a NATS hub and
 * two leaf nodes (each with its own JetStream domain), control on the hub
 * (agent registry and a notification listener printing what the sites emit),
 * and one `deno task agent` process per leaf, configured with a demo policy
 * file so that every action the printed commands call does something; prints
 * how to call them; stops everything (by PID) on Ctrl-C.
 *
 * @module
 */
import { connectTransport, NotificationListener } from "../lib/messaging/mod.ts";
import { startLeafTopology } from "../tests/_support/nats_server.ts";
import { EdgeControl } from "./control.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;
const SITES = ["leaf1", "leaf2"];
/** The agents' policy: `policy_cache_refresh` reloads it (edit it and call again). */
const DEMO_POLICY = `"admin_required": "role:admin"
"edge:status": "rule:admin_required or role:reader"
"edge:reload": "rule:admin_required"
`;

function log(line: string): void {
  console.log(`${new Date().toISOString().slice(11, 23)} ${line}`);
}

if (import.meta.main) {
  await using topo = await startLeafTopology({
    leaves: SITES.length,
    jetstream: true,
    leafJetstream: true,
  });
  await using hub = await connectTransport(topo.hub.url, { name: "edge-control" });
  const dir = await Deno.makeTempDir({ prefix: "edge-up-" });
  await Deno.writeTextFile(`${dir}/policy.yaml`, DEMO_POLICY);
  await Deno.writeTextFile(`${dir}/agent.conf`, "[oslo_policy]\npolicy_file = policy.yaml\n");
  await using control = new EdgeControl(hub, {
    sourceSites: SITES,
    onRegister: (a, first) => first && log(`control: agent "${a.name}" registered from ${a.site}`),
    log: (level, m) => level !== "debug" && level !== "info" && log(`control: ${level}: ${m}`),
  });
  await control.start();
  await using listener = new NotificationListener(hub, [{ topic: "notifications" }], [{
    info: (_c, publisher, event) => log(`notification: ${event} from ${publisher}`),
    error: (_c, publisher, event, payload) =>
      log(`notification (error): ${event} from ${publisher} ${JSON.stringify(payload)}`),
  }], { pool: "edge-up", sourceSites: SITES, log: () => {} });
  await listener.start();

  const agents = topo.leaves.map((leaf, i) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        MAIN,
        "--site",
        SITES[i] as string,
        "--nats",
        leaf.url,
        "--config-file",
        `${dir}/agent.conf`,
      ],
      stdout: "inherit",
      stderr: "inherit",
      stdin: "null",
    }).spawn()
  );
  const deadline = Date.now() + 30_000;
  while (control.agents().length < SITES.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }

  console.log(`
Edge topology up:
  hub    ${topo.hub.url}   (JetStream domain hub, monitoring ${topo.hub.monitorUrl})
${
    topo.leaves.map((l, i) =>
      `  ${SITES[i]}  ${l.url}   (JetStream domain ${SITES[i]}, agent "${SITES[i]}")`
    ).join("\n")
  }

Call an agent from the hub (or from any leaf):
  deno task agent:call --nats ${topo.hub.url} --agent leaf1
  deno task agent:call --nats ${topo.hub.url} --agent leaf2 --method config_reload
  deno task agent:call --nats ${topo.hub.url} --agent leaf1 --method policy_cache_refresh
  deno task agent:call --nats ${topo.leaves[0]?.url} --agent leaf2 --method oslo_rpc_server_ping
  deno task agent:call --nats ${topo.hub.url} --all --method policy_cache_refresh

The agents enforce ${dir}/policy.yaml: edit it and refresh (the reply says
how many rules and whether they changed). Notifications the agents emit are
printed here (a fanout's show up as one per agent). Ctrl-C stops everything.
`);

  const stop = Promise.withResolvers<void>();
  Deno.addSignalListener("SIGINT", () => stop.resolve());
  Deno.addSignalListener("SIGTERM", () => stop.resolve());
  await stop.promise;
  log("stopping agents, control and the NATS servers");
  for (const a of agents) {
    try {
      a.kill("SIGTERM");
    } catch { /* already gone */ }
  }
  await Promise.all(agents.map((a) => a.status));
  await Deno.remove(dir, { recursive: true });
}
