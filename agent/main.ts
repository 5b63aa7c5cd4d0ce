/**
 * `deno task agent --site NAME --nats URL [--config-file F]`: runs a light
 * edge agent until SIGINT or SIGTERM. It answers the agent interface (see
 * `protocol.ts`): its own health report, `config_reload` of its own options,
 * and the policy and limits actions when its config names a policy file or a
 * limits source (see `light_handlers.ts`); an HTTP instance joining the site
 * (`deno task start --site NAME --nats URL`) acts on what it serves instead.
 * It registers with control (advertising what it handles) and emits
 * notifications at its site.
 *
 * @module
 */
import { ConfigOpts } from "../lib/config/mod.ts";
import { AgentSetupError, attachAgent } from "./attach.ts";
import { AGENT_GROUPS } from "./options.ts";
import { lightHandlers } from "./light_handlers.ts";

const USAGE = "usage: deno task agent --site NAME --nats nats://host:port/ [--config-file F]";

async function main(args: string[]): Promise<number> {
  const conf = new ConfigOpts();
  for (const g of AGENT_GROUPS) conf.register(g);
  try {
    await conf.load({ args });
  } catch (e) {
    console.error(`agent: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  for (const w of conf.warnings) console.error(`agent: ${w}`);
  try {
    const handlers = await lightHandlers(conf, (m) => console.error(`agent: warning: ${m}`));
    const attached = await attachAgent(conf, handlers);
    if (!attached) {
      console.error(`agent: --site is required\n${USAGE}`);
      return 2;
    }
    const { agent, url } = attached;
    console.log(`edge agent "${agent.name}" serving site ${agent.site} on ${url}`);
    const done = Promise.withResolvers<void>();
    const stop = () => done.resolve();
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
    await done.promise;
    await attached.close();
    return 0;
  } catch (e) {
    if (e instanceof AgentSetupError) {
      console.error(`agent: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
