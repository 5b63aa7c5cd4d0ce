/**
 * Entry for your own host and `deno task dev`: serves every function on
 * `http://localhost:8000`, or the port in `PORT`.
 *
 *     deno run --allow-net --allow-env --allow-read functions/serve.ts --config-file /etc/oslo-edge/oslo-edge.conf
 *
 * `--site NAME --nats URL` also joins the edge site as its agent (see agent/).
 *
 * SIGHUP reloads the configuration (oslo.service's `restart_method='mutate'`):
 * mutable options (`[DEFAULT] debug`) change while requests keep being served,
 * immutable ones keep their values with a warning.
 *
 * @module
 */
import { reloadOnSignal } from "../lib/config/mod.ts";
import { AgentSetupError, attachAgent, siteNats } from "../agent/attach.ts";
import { AGENT_GROUPS } from "../agent/options.ts";
import { serviceHandlers } from "../agent/service_handlers.ts";
import { startService } from "./start.ts";

const service = await startService(Deno.args, { extraGroups: AGENT_GROUPS, nats: siteNats });
const { app, conf } = service;

// With --site (and --nats or [DEFAULT] transport_url) this instance also answers
// the edge agent RPCs at its site, acting on the objects it serves with.
try {
  // Its metrics and nats health check follow the site connection and the agent's RPCs.
  const attached = await attachAgent(conf, serviceHandlers(service), service.siteHooks);
  if (attached) {
    console.log(`oslo-edge: edge agent "${attached.agent.name}" on ${attached.url}`);
  }
} catch (e) {
  if (!(e instanceof AgentSetupError)) throw e;
  console.error(`oslo-edge: ${e.message}`);
  Deno.exit(1);
}
const port = Number(Deno.env.get("PORT") ?? 8000);
const hostname = Deno.env.get("HOST") ?? "0.0.0.0";

conf.registerMutateHook((changes) => {
  for (const c of changes) {
    if (c.group === "DEFAULT" && c.name === "debug") {
      console.log(`oslo-edge: debug logging ${c.new ? "on" : "off"}`);
    }
  }
});
reloadOnSignal(conf, {
  onEvent: (e) => {
    if (e.ok) {
      console.log(
        `oslo-edge: configuration reloaded (${e.changes.length} changed, ${e.ignored.length} ignored)`,
      );
    }
  },
});

let serverPort = port;
const server = Deno.serve({
  port,
  hostname,
  onListen: ({ port }) => console.log(`oslo-edge listening on http://localhost:${port}/`),
}, (req, info) => app.fetch(req, { remoteAddr: info.remoteAddr, serverPort }));
serverPort = (server.addr as Deno.NetAddr).port;
