/**
 * Entry for your own host and `deno task dev`: serves every function on
 * `http://localhost:8000`, or the port in `PORT`, on every interface (in dev
 * mode, where auth is off, on 127.0.0.1 only), or the address in `HOST`.
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
import { AgentSetupError, attachAgent, siteNats } from "../agent/attach.ts";
import { AGENT_GROUPS } from "../agent/options.ts";
import { serviceHandlers } from "../agent/service_handlers.ts";
import { listenFailure, listenHost, listenPort, listenUrl } from "./listen.ts";
import { DEFAULT_OPTS } from "./options.ts";
import { ServiceLog } from "./service_log.ts";
import { startService } from "./start.ts";

let port = 8000;
try {
  port = listenPort(Deno.env.get("PORT"));
} catch (e) {
  console.error(`oslo-edge: ${(e as Error).message}`);
  Deno.exit(1);
}
// In dev mode auth is off: listen on loopback only unless HOST says otherwise.
const host = (dev: boolean) => listenHost(Deno.env.get("HOST"), dev);
const service = await startService(Deno.args, {
  extraGroups: AGENT_GROUPS,
  listen: (dev) => host(dev).description,
  nats: siteNats,
});
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
const { hostname } = host(conf.group(DEFAULT_OPTS).dev);

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
let server: Deno.HttpServer<Deno.NetAddr>;
try {
  server = Deno.serve({
    port,
    hostname,
    onListen: ({ port }) =>
      console.log(`oslo-edge listening on ${listenUrl(hostname, port)} (bound to ${hostname})`),
  }, (req, info) => {
    const env = { remoteAddr: info.remoteAddr, serverPort };
    return log.debugEnabled ? logged(req, env) : app.fetch(req, env);
  });
} catch (e) {
  console.error(`oslo-edge: ${listenFailure(e, hostname, port)}`);
  Deno.exit(1);
}
serverPort = server.addr.port;

/** A request with its debug line (method, path, status, time; never a body or a header). */
async function logged(req: Request, env: Parameters<typeof app.fetch>[1]): Promise<Response> {
  const started = performance.now();
  const res = await app.fetch(req, env);
  const path = new URL(req.url).pathname;
  log.debug(`${req.method} ${path} ${res.status} ${(performance.now() - started).toFixed(1)} ms`);
  return res;
}
