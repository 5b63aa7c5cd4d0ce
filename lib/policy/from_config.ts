/**
 * An `Enforcer` built from `[oslo_policy]` options: the policy file and
 * directories found as oslo.config's `find_file` finds them (relative to the
 * directories of the config files, last file first, then the working
 * directory), remote checks and OPA set up, and the rules loaded once.
 *
 * @example From a config file
 * ```ts ignore
 * const conf = new ConfigOpts().register(POLICY_OPTS);
 * await conf.load({ args: ["--config-file", "/etc/svc/svc.conf"] });
 * const enforcer = await enforcerFromConfig(conf, { defaults });
 * ```
 *
 * @module
 */
import type { ConfigOpts } from "../config/mod.ts";
import { Enforcer } from "./enforcer.ts";
import type { EnforcerOptions } from "./enforcer_options.ts";
import { POLICY_OPTS } from "./options.ts";
import { CheckRegistry } from "./registry.ts";
import { remoteCheckService } from "./remote_check.ts";
import { opaSetup } from "./opa_setup.ts";
import type { RuleDefault } from "./rule_default.ts";

/** Options of {@linkcode enforcerFromConfig}. */
export interface ConfigEnforcerOptions {
  /** Rule defaults registered in code. */
  defaults?: readonly RuleDefault[];
  /** Policy text to use when no policy file exists (dev mode's embedded sample). */
  fallbackPolicy?: { name: string; text: string };
  onDecision?: EnforcerOptions["onDecision"];
  onWarning?: EnforcerOptions["onWarning"];
  reloadInterval?: number;
  /** Kinds → checks; built-ins plus `opa` by default. */
  registry?: CheckRegistry;
}

async function exists(path: string, dir: boolean): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return dir ? info.isDirectory || info.isFile : info.isFile;
  } catch {
    return false;
  }
}

function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}

/** oslo.config's `find_file`: an absolute path as is, else the first existing match. */
export async function findPolicyPath(
  name: string,
  configFiles: readonly string[],
  options: { dir?: boolean } = {},
): Promise<string | null> {
  if (name.startsWith("/")) return (await exists(name, options.dir ?? false)) ? name : null;
  const dirs = [...configFiles].reverse().map(dirname);
  dirs.push(".");
  for (const d of dirs) {
    const candidate = d === "." ? name : `${d}/${name}`;
    if (await exists(candidate, options.dir ?? false)) return candidate;
  }
  return null;
}

/** Builds and loads the enforcer `[oslo_policy]` describes; throws PolicyFileError for bad files. */
export async function enforcerFromConfig(
  conf: ConfigOpts,
  options: ConfigEnforcerOptions = {},
): Promise<Enforcer> {
  const o = conf.group(POLICY_OPTS);
  const files = conf.files;
  let policyFile = await findPolicyPath(o.policy_file, files);
  if (!policyFile && conf.location("oslo_policy", "policy_file").kind === "opt_default") {
    policyFile = await findPolicyPath("policy.json", files);
  }
  const policyDirs: string[] = [];
  for (const d of o.policy_dirs) {
    const found = await findPolicyPath(d, files, { dir: true });
    if (found) policyDirs.push(found);
  }
  const registry = options.registry ?? CheckRegistry.withBuiltins();
  const opa = await opaSetup(o, options.onWarning ?? ((m) => console.warn(`policy: ${m}`)));
  const services = { http: await remoteCheckService(o), ...opa.services };
  const base: EnforcerOptions = {
    defaults: options.defaults ?? [],
    defaultRule: o.policy_default_rule || null,
    enforceScope: o.enforce_scope,
    enforceNewDefaults: o.enforce_new_defaults,
    registry,
    services,
    ...(opa.decider ? { decider: opa.decider } : {}),
    ...(options.onDecision ? { onDecision: options.onDecision } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    ...(options.reloadInterval !== undefined ? { reloadInterval: options.reloadInterval } : {}),
  };
  let enforcer: Enforcer;
  if (policyFile || !options.fallbackPolicy) {
    enforcer = new Enforcer({
      ...base,
      policyFile: policyFile ?? o.policy_file,
      policyDirs,
    });
  } else {
    enforcer = new Enforcer({
      ...base,
      policy: options.fallbackPolicy.text,
      policyName: options.fallbackPolicy.name,
      policyDirs,
    });
  }
  return await enforcer.load();
}
