/**
 * Entry for your own host and `deno task dev`: serves every function on
 * `http://localhost:8000`, or the port in `PORT`.
 *
 *     deno run --allow-net --allow-env --allow-read functions/serve.ts --config-file /etc/oslo-edge/oslo-edge.conf
 *
 * SIGHUP reloads the configuration (oslo.service's `restart_method='mutate'`):
 * mutable options (`[DEFAULT] debug`) change while requests keep being served,
 * immutable ones keep their values with a warning.
 *
 * @module
 */
import { reloadOnSignal } from "../lib/config/mod.ts";
import { startService } from "./start.ts";

const { app, conf } = await startService(Deno.args);
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

Deno.serve({
  port,
  hostname,
  onListen: ({ port }) => console.log(`oslo-edge listening on http://localhost:${port}/`),
}, app.fetch);
