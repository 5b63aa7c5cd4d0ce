/**
 * The light agent's `policy_cache_refresh`: a policy `Enforcer` built from its
 * `[oslo_policy]` options (lib/policy, imported only when the agent's config
 * names a policy file or directory), reloaded on each call.
 *
 * @module
 */
import type { ConfigOpts } from "../lib/config/mod.ts";
import type { AgentHandler } from "./agent.ts";

/** `name check` of every rule, to tell whether a reload changed anything. */
type Fingerprint = string;

/**
 * Whether `[oslo_policy] policy_file` or `policy_dirs` is set (not left at its
 * default); registers `[oslo_policy]` when the config files have the section.
 */
export async function policyConfigured(
  conf: ConfigOpts,
  sectionPresent: boolean,
): Promise<boolean> {
  if (!sectionPresent) return false;
  const { POLICY_OPTS } = await import("../lib/policy/mod.ts");
  conf.register(POLICY_OPTS);
  return ["policy_file", "policy_dirs"].some((o) =>
    conf.location("oslo_policy", o).kind !== "opt_default"
  );
}

/**
 * Loads the policy now (a bad file throws `PolicyFileError` naming its line)
 * and returns the handler reloading it: `{loaded, rules, changed, sources,
 * missing, loadedAt}`, `changed` telling whether any rule differs.
 */
export async function policyRefreshHandler(
  conf: ConfigOpts,
  warn: (message: string) => void,
): Promise<AgentHandler> {
  const policy = await import("../lib/policy/mod.ts");
  const enforcer = await policy.enforcerFromConfig(conf, { onWarning: warn });
  const fingerprint = async (): Promise<Fingerprint> =>
    (await enforcer.rules()).map((r) => `${r.name} ${r.check}`).join("\n");
  for (const m of enforcer.status().missing) warn(`policy file ${m} not found: no rules loaded`);
  let last = await fingerprint();
  return async () => {
    await enforcer.load();
    const now = await fingerprint();
    const changed = now !== last;
    last = now;
    const s = enforcer.status();
    return {
      loaded: s.loaded,
      rules: s.rules,
      changed,
      sources: s.sources,
      missing: s.missing,
      loadedAt: s.loadedAt?.toISOString() ?? null,
    };
  };
}
