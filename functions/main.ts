/**
 * Entry for `deno serve` and Deno Deploy: `export default { fetch, onListen }`.
 *
 *     deno serve --allow-net --allow-env --allow-read functions/main.ts
 *
 * Options come from the environment (`OS_<GROUP>__<OPTION>`) and, where the
 * host passes arguments, `--config-file`. A bad option stops start-up with one
 * line naming the option and where its value came from.
 *
 * The port `disable_by_files_ports` looks at is the listener's, from
 * `onListen`, else `PORT` (hosts that do not call `onListen`); never the
 * request's `Host` header.
 *
 * @module
 */
import { startService } from "./start.ts";

const { app } = await startService(Deno.args);

const fromEnv = Number(Deno.env.get("PORT"));
let serverPort: number | undefined = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : undefined;

export default {
  fetch: (req, info) =>
    app.fetch(
      req,
      serverPort === undefined
        ? { remoteAddr: info.remoteAddr }
        : { remoteAddr: info.remoteAddr, serverPort },
    ),
  onListen: (addr) => {
    if (addr.transport === "tcp") serverPort = addr.port;
    console.log(
      addr.transport === "tcp"
        ? `oslo-edge listening on http://localhost:${addr.port}/`
        : `oslo-edge listening on ${addr.transport}`,
    );
  },
} satisfies Deno.ServeDefaultExport;
