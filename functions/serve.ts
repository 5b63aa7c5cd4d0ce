/**
 * Entry for your own host and `deno task dev`: serves every function on
 * `http://localhost:8000`, or the port in `PORT`.
 *
 *     deno run --allow-net --allow-env --allow-read functions/serve.ts --config-file /etc/oslo-edge/oslo-edge.conf
 *
 * @module
 */
import { startService } from "./start.ts";

const { app } = await startService(Deno.args);
const port = Number(Deno.env.get("PORT") ?? 8000);
const hostname = Deno.env.get("HOST") ?? "0.0.0.0";

let serverPort = port;
const server = Deno.serve({
  port,
  hostname,
  onListen: ({ port }) => console.log(`oslo-edge listening on http://localhost:${port}/`),
}, (req, info) => app.fetch(req, { remoteAddr: info.remoteAddr, serverPort }));
serverPort = (server.addr as Deno.NetAddr).port;
