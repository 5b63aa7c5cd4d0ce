/**
 * `deno task agent:call --nats URL --agent NAME [--method M] [--args JSON]`:
 * calls one edge agent and prints its JSON reply; `--all` casts to every
 * agent instead (fanout, no reply).
 *
 * @module
 */
import { ConfigOpts } from "../lib/config/mod.ts";
import { connectTransport, RPCClient } from "../lib/messaging/mod.ts";
import { AGENT_TARGET } from "./protocol.ts";
import { CALL_OPTS } from "./options.ts";

async function main(args: string[]): Promise<number> {
  const conf = new ConfigOpts().register(CALL_OPTS);
  try {
    await conf.load({ args, env: false });
  } catch (e) {
    console.error(`agent:call: ${(e as Error).message}`);
    return 2;
  }
  const o = conf.group(CALL_OPTS);
  if (!o.nats || (!o.agent && !o.all)) {
    console.error(
      "usage: deno task agent:call --nats nats://host:port/ (--agent NAME | --all) [--method M] [--args JSON]",
    );
    return 2;
  }
  let callArgs: Record<string, unknown>;
  try {
    callArgs = JSON.parse(o.args);
    if (typeof callArgs !== "object" || callArgs === null || Array.isArray(callArgs)) {
      throw new TypeError("not a JSON object");
    }
  } catch (e) {
    console.error(
      `agent:call: cannot use --args ${JSON.stringify(o.args)}: ${(e as Error).message}`,
    );
    return 2;
  }
  await using t = await connectTransport(o.nats);
  const client = new RPCClient(t, AGENT_TARGET, { timeout: o.timeout * 1000 });
  try {
    if (o.all) {
      await client.prepare({ fanout: true }).cast({}, o.method, callArgs);
      await t.flush();
      console.log(`cast ${o.method} to every agent`);
    } else {
      // The ping endpoint lives in the null namespace, as oslo's.
      const ns = o.method === "oslo_rpc_server_ping" ? { namespace: undefined } : {};
      const reply = await client.prepare({ ...ns, server: o.agent }).call({}, o.method, callArgs);
      console.log(JSON.stringify(reply, null, 2));
    }
    return 0;
  } catch (e) {
    console.error(`agent:call: ${(e as Error).name}: ${(e as Error).message}`);
    return 1;
  } finally {
    client.close();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
