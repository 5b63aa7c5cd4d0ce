/**
 * The serving side of `bench/messaging_bench.ts`, in its own process: a raw
 * NATS responder on `bench.raw` and an RPC server on topic `bench`, both
 * echoing. `deno run -A _messaging_responder.ts NATS_URL`; prints "ready".
 *
 * @module
 */
import { connectTransport, RPCServer } from "../lib/messaging/mod.ts";

const t = await connectTransport(Deno.args[0] as string, { name: "bench-responder" });
t.subscribe("bench.raw", (m) => void m.respond(m.data));
const server = new RPCServer(t, { topic: "bench", server: "s1" }, [{
  echo: (_ctxt: unknown, args: { v: unknown }) => args.v,
}], { log: () => {} });
await server.start();
console.log("ready");
