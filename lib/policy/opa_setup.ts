/**
 * The OPA pieces `[oslo_policy]` asks for: the REST client (`opa_url`), the
 * in-process Wasm engine (`opa_wasm_file`), the default engine of `opa:`
 * checks (`opa_engine`), and in OPA mode (`opa_mode`) the decider that takes
 * every named rule to OPA.
 *
 * @module
 */
import type { RuleDecider } from "./enforcer_options.ts";
import { PolicyError } from "./errors.ts";
import { OpaClient } from "./opa_client.ts";
import type { OpaEngine, OpaService } from "./opa_check.ts";
import { OpaDecider } from "./opa_decider.ts";
import { loadOpaWasm } from "./opa_wasm.ts";

/** The `[oslo_policy]` values OPA uses. */
export interface OpaConfig {
  opa_url?: string | undefined;
  opa_timeout: number;
  opa_mode: boolean;
  opa_engine: string;
  opa_wasm_file?: string | undefined;
  opa_path_prefix: string;
  opa_cache_ttl: number;
  opa_cache_size: number;
  opa_batch_size: number;
}

/** What {@linkcode opaSetup} gives the enforcer. */
export interface OpaSetup {
  services: { opa: OpaService };
  decider: RuleDecider | undefined;
}

/** Builds the OPA service and, in OPA mode, the decider; throws PolicyError for an unusable configuration. */
export async function opaSetup(
  o: OpaConfig,
  onWarning?: (message: string) => void,
): Promise<OpaSetup> {
  const engines: { rest?: OpaEngine; wasm?: OpaEngine } = {};
  if (o.opa_url) engines.rest = new OpaClient({ url: o.opa_url, timeoutMs: o.opa_timeout * 1000 });
  if (o.opa_wasm_file) engines.wasm = await loadOpaWasm(o.opa_wasm_file);
  const defaultEngine = o.opa_engine === "wasm" ? "wasm" : "rest";
  let decider: RuleDecider | undefined;
  if (o.opa_mode) {
    const engine = engines[defaultEngine];
    if (!engine) {
      throw new PolicyError(
        "ERR_POLICY_OPA_CONFIG",
        `Cannot use [oslo_policy] opa_mode with opa_engine = ${defaultEngine}: set [oslo_policy] ${
          defaultEngine === "rest" ? "opa_url" : "opa_wasm_file"
        }`,
      );
    }
    decider = new OpaDecider({
      engine,
      pathPrefix: o.opa_path_prefix,
      cacheTtl: o.opa_cache_ttl,
      cacheSize: o.opa_cache_size,
      batchSize: o.opa_batch_size,
      ...(onWarning ? { onWarning } : {}),
    });
  }
  return { services: { opa: { engines, defaultEngine } }, decider };
}
