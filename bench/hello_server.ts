/**
 * The baselines of the health benchmark, on 127.0.0.1:$PORT:
 *
 * - `hello` (default): a bare `Deno.serve` hello world, nothing else;
 * - `probe`: the least any health probe reply here must do, in a bare
 *   `Deno.serve` handler: read `Accept` and `X-Openstack-Request-Id`, answer
 *   `OK` with `Content-Type` and the request id (the caller's or a new one,
 *   by the shell's own `requestIdFor`), as the shell gives every reply. No check, no negotiation, no metrics.
 *
 *     PORT=8001 deno run --allow-net --allow-env bench/hello_server.ts [hello|probe]
 *
 * @module
 */
import { requestIdFor } from "../functions/shell/request_id.ts";

const port = Number(Deno.env.get("PORT") ?? 8001);

function probe(req: Request): Response {
  const accept = req.headers.get("Accept");
  const id = requestIdFor(req.headers.get("X-Openstack-Request-Id"));
  return new Response(accept === "application/json" ? '{"reasons": []}' : "OK", {
    headers: { "Content-Type": "text/plain; charset=UTF-8", "X-Openstack-Request-Id": id },
  });
}

Deno.serve(
  { hostname: "127.0.0.1", port, onListen: () => {} },
  Deno.args[0] === "probe" ? probe : () => new Response("Hello, world"),
);
