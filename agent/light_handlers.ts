/**
 * What the light agent (`deno task agent`) does: `config_reload` of its own
 * options always; `policy_cache_refresh` when its config names `[oslo_policy]
 * policy_file` or `policy_dirs` (see `policy_refresh.ts`);
 * `limit_cache_refresh` when `[oslo_limit]` names a limits source (see
 * `limit_refresh.ts`). An action not configured answers `{handled: false,
 * reason}` and is not advertised. lib/policy and lib/limit are imported only
 * when their section is in the config files (or the environment), so an agent
 * configured for neither stays small.
 *
 * @module
 */
import type { ConfigOpts } from "../lib/config/mod.ts";
import type { AgentHandlers } from "./agent.ts";
import { AgentSetupError } from "./attach.ts";
import { limitRefreshHandler } from "./limit_refresh.ts";
import { policyConfigured, policyRefreshHandler } from "./policy_refresh.ts";
import { reloadConfig } from "./service_handlers.ts";

/** Whether the config files have `[group]` or the environment sets an `OS_<GROUP>__` option. */
function sectionPresent(conf: ConfigOpts, group: string): boolean {
  if (conf.listAllSections().includes(group)) return true;
  const prefix = `OS_${group.toUpperCase()}__`;
  try {
    return Object.keys(Deno.env.toObject()).some((k) => k.startsWith(prefix));
  } catch {
    return false; // no --allow-env: the environment is not read either
  }
}

/**
 * The light agent's handlers from its loaded config. Throws
 * {@linkcode AgentSetupError} naming the file (and line) when the policy or
 * limits it names cannot be loaded.
 */
export async function lightHandlers(
  conf: ConfigOpts,
  warn: (message: string) => void,
): Promise<AgentHandlers> {
  const handlers: AgentHandlers = { config_reload: () => reloadConfig(conf) };
  try {
    handlers.policy_cache_refresh =
      await policyConfigured(conf, sectionPresent(conf, "oslo_policy"))
        ? await policyRefreshHandler(conf, warn)
        : { unhandled: "no policy is configured: set [oslo_policy] policy_file (or policy_dirs)" };
    const limits = sectionPresent(conf, "oslo_limit") ? await limitRefreshHandler(conf) : undefined;
    handlers.limit_cache_refresh = limits ?? {
      unhandled:
        "no limits are configured: set [oslo_limit] limits_file (or auth_url for Keystone)",
    };
  } catch (e) {
    throw new AgentSetupError(`Cannot set up the agent's actions: ${(e as Error).message}`);
  }
  return handlers;
}
