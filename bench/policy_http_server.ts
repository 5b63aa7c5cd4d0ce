/**
 * The servers `deno task bench:policy` loads with wrk, one per process:
 *
 * - `hello`: a bare `Deno.serve` hello-world (the baseline);
 * - `json`: a bare `Deno.serve` JSON POST: `await req.json()`, answered with
 *   `Response.json()` (the floor of any JSON POST endpoint);
 * - `floor`: the bare JSON POST plus what every reply of the service must do:
 *   read `X-Openstack-Request-Id` and echo it (or a new one) beside
 *   `Content-Type`, as bench/hello_server.ts `probe` does for health;
 * - `dev`: the service as `deno task dev` runs it (`createService`, `--dev`,
 *   `[auth] strategy = noauth`, metrics on), credentials in the body;
 * - `prod`: the service as deployed: `[auth]` on with an ES256 public key (the
 *   app's real verifier checks every request's bearer token), metrics on.
 *
 * Both services decide with Keystone's defaults registered in their enforcer
 * and `"policy:enforce": ""` in their policy file.
 *
 *     deno run -A bench/policy_http_server.ts hello|json|floor|dev|prod DEFAULTS_JSON [PUBLIC_KEY_PEM]
 *
 * Prints "ready PORT" once listening.
 *
 * @module
 */
import { createService } from "../functions/service.ts";
import { requestIdFor } from "../functions/shell/request_id.ts";
import type { RuleDefault } from "../lib/policy/mod.ts";

const [mode, defaultsPath, publicKeyPath] = Deno.args;
const onListen = ({ port }: { port: number }) => console.log(`ready ${port}`);
const listen = { hostname: "127.0.0.1", port: 0, onListen };

if (mode === "hello") {
  Deno.serve(listen, () => new Response("Hello, World!"));
} else if (mode === "json") {
  Deno.serve(listen, async (req) => {
    const body = await req.json() as { rule?: unknown };
    return Response.json({ rule: body.rule, allowed: true });
  });
} else if (mode === "floor") {
  Deno.serve(listen, async (req) => {
    const id = requestIdFor(req.headers.get("X-Openstack-Request-Id"));
    const body = await req.json() as { rule?: unknown };
    return new Response(JSON.stringify({ rule: body.rule, allowed: true }), {
      headers: { "Content-Type": "application/json", "X-Openstack-Request-Id": id },
    });
  });
} else if (mode === "dev" || mode === "prod") {
  const dir = await Deno.makeTempDir({ prefix: "bench-policy-server-" });
  await Deno.writeTextFile(`${dir}/policy.yaml`, '"policy:enforce": ""\n');
  await Deno.writeTextFile(
    `${dir}/svc.conf`,
    [
      "[auth]",
      ...(mode === "dev" ? ["strategy = noauth"] : [
        `public_key_file = ${publicKeyPath}`,
        "algorithms = ES256",
        "issuer = https://idp.bench",
        "audience = oslo-edge",
      ]),
      "[oslo_policy]",
      `policy_file = ${dir}/policy.yaml`,
      "[metrics]",
      "enabled = true",
      "",
    ].join("\n"),
  );
  const service = await createService({
    args: ["--config-file", `${dir}/svc.conf`, ...(mode === "dev" ? ["--dev"] : [])],
    env: {},
  });
  const defaults = JSON.parse(await Deno.readTextFile(defaultsPath!)) as RuleDefault[];
  service.parts.policy.registerDefaults(defaults);
  await service.parts.policy.load();
  const { app } = service;
  let serverPort = 0;
  const server = Deno.serve(
    listen,
    (req, info) => app.fetch(req, { remoteAddr: info.remoteAddr, serverPort }),
  );
  serverPort = (server.addr as Deno.NetAddr).port;
  Deno.addSignalListener("SIGTERM", async () => {
    await service.close();
    await Deno.remove(dir, { recursive: true });
    Deno.exit(0);
  });
} else {
  console.error(`Cannot start "${mode}": expected hello, json, floor, dev or prod`);
  Deno.exit(2);
}
