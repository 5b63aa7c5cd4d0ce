/**
 * The baseline of the health benchmark: a bare `Deno.serve` hello world on
 * 127.0.0.1:$PORT, nothing else.
 *
 * @module
 */
const port = Number(Deno.env.get("PORT") ?? 8001);
Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, () => new Response("Hello, world"));
