/**
 * The service's one `Enforcer`, built at start from `[oslo_policy]`: the
 * policy file and directories found next to the config files; in dev mode,
 * when no policy file exists, the embedded sample policy. A policy file that
 * cannot be parsed stops start-up with its name and line.
 *
 * @module
 */
import type { ConfigOpts } from "../lib/config/mod.ts";
import {
  type DecisionInfo,
  type Enforcer,
  enforcerFromConfig,
  PolicyFileError,
} from "../lib/policy/mod.ts";
import { DEV_POLICY_YAML } from "./policy_sample.ts";
import { StartupError } from "./startup_error.ts";

/** Options of {@linkcode createServiceEnforcer}. */
export interface ServiceEnforcerOptions {
  /** Dev mode: fall back to the embedded sample policy. */
  dev: boolean;
  /** Start-up warnings are appended here. */
  warnings?: string[];
  /** Told of every decision (metrics); `info.error` when it failed. */
  onDecision?: (rule: string, allowed: boolean, info?: DecisionInfo) => void;
}

/** The service enforcer, and `finish()` to call once every router has registered its defaults. */
export interface ServiceEnforcer {
  enforcer: Enforcer;
  /** Reloads with every area's defaults, so their load warnings are start-up warnings too. */
  finish(): Promise<void>;
}

/** Builds and loads the service enforcer; throws StartupError for a bad policy file. */
export async function createServiceEnforcer(
  conf: ConfigOpts,
  options: ServiceEnforcerOptions,
): Promise<ServiceEnforcer> {
  let starting = true;
  const onWarning = (m: string) => {
    if (starting && options.warnings) options.warnings.push(`policy: ${m}`);
    else console.warn(`policy: ${m}`);
  };
  const fail = (e: unknown): never => {
    starting = false;
    if (e instanceof PolicyFileError) throw new StartupError(e.message);
    throw new StartupError(`Cannot set up policy enforcement: ${(e as Error).message}`);
  };
  let enforcer: Enforcer;
  try {
    enforcer = await enforcerFromConfig(conf, {
      onWarning,
      ...(options.onDecision ? { onDecision: options.onDecision } : {}),
      ...(options.dev
        ? { fallbackPolicy: { name: "<embedded dev policy>", text: DEV_POLICY_YAML } }
        : {}),
    });
  } catch (e) {
    return fail(e);
  }
  return {
    enforcer,
    async finish() {
      try {
        await enforcer.load();
      } catch (e) {
        fail(e);
      } finally {
        starting = false;
      }
    },
  };
}
