/**
 * The servers `deno task bench:policy` loads with wrk: `hello` is a bare
 * `Deno.serve` hello-world (the baseline); `json` reads and parses a JSON body
 * and answers JSON with bare `Deno.serve` (the floor of any JSON POST
 * endpoint); `enforce` is the service's app
 * (every middleware: request id, 405s, body limit, auth off as in dev mode,
 * zod) with Keystone's defaults in its enforcer.
 *
 *     deno run -A bench/policy_http_server.ts hello|json|enforce DEFAULTS_JSON   (prints "ready PORT")
 *
 * @module
 */
import { createApp } from "../functions/app.ts";
import { Enforcer, type RuleDefault } from "../lib/policy/mod.ts";

const [mode, defaultsPath] = Deno.args;
const port = 0;
const onListen = ({ port }: { port: number }) => console.log(`ready ${port}`);
if (mode === "hello") {
  Deno.serve(
    { hostname: "127.0.0.1", port, onListen },
    () => new Response("Hello, World!"),
  );
} else {
  const defaults = JSON.parse(await Deno.readTextFile(defaultsPath!)) as RuleDefault[];
  const policy = new Enforcer({ defaults, policy: '"policy:enforce": ""\n', onWarning: () => {} });
  const app = createApp({ verify: null, maxBodySize: 114688, schemas: {}, policy });
  await policy.load();
  Deno.serve({ hostname: "127.0.0.1", port, onListen }, app.fetch);
}
