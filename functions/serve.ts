/**
 * Entry for your own host and `deno task dev`: serves every function on
 * `http://localhost:8000`, or the port in `PORT`.
 *
 *     deno run --allow-net --allow-env --allow-read functions/serve.ts --config-file /etc/oslo-edge/oslo-edge.conf
 *
 * `--site NAME --nats URL` also joins the edge site as its agent (see agent/).
 *
 * SIGHUP reloads the configuration (oslo.service's `restart_method='mutate'`):
 * mutable options change while requests keep being served, immutable ones keep
 * their values with a warning. `[DEFAULT] debug` (mutable) turns on debug
 * lines: the options at start (`log_opt_values`, secrets masked, as
 * oslo.service logs them) and one line per request.
 *
 * @module
 */
import { reloadOnSignal } from "../lib/config/mod.ts";
import { AgentSetupError, attachAgent } from "../agent/attach.ts";
import { AGENT_GROUPS } from "../agent/options.ts";
import { serviceHandlers } from "../agent/service_handlers.ts";
import { ServiceLog } from "./service_log.ts";
import { startService } from "./start.ts";

const service = await startService(Deno.args, { extraGroups: AGENT_GROUPS });
const { app, conf } = service;

// With --site (and --nats or [DEFAULT] transport_url) this instance also answers
// the edge agent RPCs at its site, acting on the objects it serves with.
try {
  const attached = await attachAgent(conf, serviceHandlers(service));
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

const log = new ServiceLog({ debug: conf.get("DEFAULT", "debug") === true });
log.follow(conf);
if (log.debugEnabled) { for (const line of conf.logOptValues()) log.debug(line); }
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
}, (req, info) => {
  const env = { remoteAddr: info.remoteAddr, serverPort };
  return log.debugEnabled ? logged(req, env) : app.fetch(req, env);
});
serverPort = (server.addr as Deno.NetAddr).port;

/** A request with its debug line (method, path, status, time; never a body or a header). */
async function logged(req: Request, env: Parameters<typeof app.fetch>[1]): Promise<Response> {
  const started = performance.now();
  const res = await app.fetch(req, env);
  const path = new URL(req.url).pathname;
  log.debug(`${req.method} ${path} ${res.status} ${(performance.now() - started).toFixed(1)} ms`);
  return res;
}
