/**
 * `deno task agent --site NAME --nats URL`: runs an edge agent until SIGINT or
 * SIGTERM. It serves the agent interface (see `protocol.ts`), registers with
 * control and emits notifications at its site.
 *
 * @module
 */
import { ConfigOpts } from "../lib/config/mod.ts";
import {
  connectTransport,
  type NatsClient,
  redactTransportUrl,
  registerMessagingOptions,
  RPC_OPTS,
} from "../lib/messaging/mod.ts";
import { EdgeAgent } from "./agent.ts";
import { AGENT_OPTS } from "./options.ts";

async function main(args: string[]): Promise<number> {
  const conf = registerMessagingOptions(new ConfigOpts()).register(AGENT_OPTS);
  try {
    await conf.load({ args });
  } catch (e) {
    console.error(`agent: ${(e as Error).message}`);
    console.error("usage: deno task agent --site NAME --nats nats://host:port/ [--config-file F]");
    return 2;
  }
  for (const w of conf.warnings) console.error(`agent: ${w}`);
  const o = conf.group(AGENT_OPTS);
  const url = o.nats ?? conf.group(RPC_OPTS).transport_url;
  if (!url) {
    console.error(
      "agent: no NATS URL: pass --nats nats://host:port/ or set [DEFAULT] transport_url",
    );
    return 2;
  }
  const name = o.agent_name ?? o.site;
  const transport = await connectTransport(url, {
    name: `edge-agent.${name}`,
    waitOnFirstConnect: true,
    client: o.nats_client as NatsClient,
  });
  const agent = new EdgeAgent(transport, {
    site: o.site,
    name,
    jetstream: o.site_jetstream,
    announceInterval: o.announce_interval * 1000,
    log: (level, message) => {
      if (level !== "debug") console.error(`agent ${name}: ${level}: ${message}`);
    },
  });
  await agent.start();
  console.log(`edge agent "${name}" serving site ${o.site} on ${redactTransportUrl(url)}`);
  const done = Promise.withResolvers<void>();
  const stop = () => done.resolve();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await done.promise;
  await agent.stop();
  await transport.close();
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
