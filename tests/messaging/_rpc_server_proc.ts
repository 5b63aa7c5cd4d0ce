/**
 * An RPC server in its own process, for tests that stop (SIGSTOP) or kill it
 * mid-call: `deno run -A _rpc_server_proc.ts NATS_URL TOPIC SERVER`. Prints
 * "ready" once subscribed and "started <method>" when a call begins.
 *
 * @module
 */
import { connectTransport, RPCServer } from "../../lib/messaging/mod.ts";

const [url, topic, server] = Deno.args;
const t = await connectTransport(url as string);
const rpc = new RPCServer(t, { topic, server }, [{
  async work(_ctxt: unknown, args: { ms: number }) {
    console.log("started work");
    await new Promise((r) => setTimeout(r, args.ms));
    return "worked";
  },
}], { log: () => {} });
await rpc.start();
console.log("ready");
