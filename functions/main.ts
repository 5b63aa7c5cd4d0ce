/**
 * Entry for `deno serve` and Deno Deploy: `export default { fetch }`.
 *
 *     deno serve --allow-net --allow-env --allow-read functions/main.ts
 *
 * Options come from the environment (`OS_<GROUP>__<OPTION>`) and, where the
 * host passes arguments, `--config-file`. A bad option stops start-up with one
 * line naming the option and where its value came from.
 *
 * @module
 */
import { startService } from "./start.ts";

const { app } = await startService(Deno.args);

export default { fetch: app.fetch } satisfies Deno.ServeDefaultExport;
