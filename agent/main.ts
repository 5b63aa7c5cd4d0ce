/**
 * `deno task agent --site NAME --nats URL [--config-file F] [--dev]`: runs an
 * edge agent until SIGINT or SIGTERM. It builds the service from the same
 * options as the HTTP functions (without serving HTTP), answers the agent
 * interface (see `protocol.ts`) with the service's own health, config, policy
 * and limits, registers with control and emits notifications at its site.
 *
 * @module
 */
import { ConfigError } from "../lib/config/mod.ts";
import { createService, type Service, StartupError } from "../functions/service.ts";
import { AgentSetupError, attachAgent } from "./attach.ts";
import { AGENT_GROUPS } from "./options.ts";

const USAGE =
  "usage: deno task agent --site NAME --nats nats://host:port/ [--config-file F] [--dev]";

async function main(args: string[]): Promise<number> {
  let service: Service;
  try {
    service = await createService({ args, extraGroups: AGENT_GROUPS, http: false });
  } catch (e) {
    if (e instanceof ConfigError || e instanceof StartupError) {
      console.error(`agent: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  for (const w of service.warnings) console.error(`agent: ${w}`);
  try {
    const attached = await attachAgent(service);
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
  } finally {
    await service.close();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
