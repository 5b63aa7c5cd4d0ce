/**
 * Descriptions of the effective rules, for `GET /v1/policy/rules` and tools:
 * the canonical check, where it came from, scope types and deprecations.
 *
 * @module
 */
import type { DeprecatedRule, Operation, RuleDefault } from "./rule_default.ts";
import type { Registered, RuleSet } from "./rule_set.ts";

/** One effective rule. */
export interface RuleInfo {
  /** Rule name. */
  name: string;
  /** The effective check, in canonical rule-language text. */
  check: string;
  /** Whether a policy file set it, or a registered default. */
  source: "file" | "default";
  /** The file that set it. */
  file?: string;
  /** Its line in that file. */
  line?: number;
  /** The registered default's check string, when one is registered. */
  default?: string;
  description?: string;
  operations?: readonly Operation[];
  scopeTypes?: readonly string[];
  deprecatedRule?: DeprecatedRule;
  deprecatedForRemoval?: boolean;
  deprecatedReason?: string;
  deprecatedSince?: string;
}

function defaultFields(def: RuleDefault): Partial<RuleInfo> {
  const out: Partial<RuleInfo> = { default: def.checkStr };
  if (def.description !== undefined) out.description = def.description;
  if (def.operations !== undefined) out.operations = def.operations;
  if (def.scopeTypes !== undefined) out.scopeTypes = def.scopeTypes;
  if (def.deprecatedRule !== undefined) out.deprecatedRule = def.deprecatedRule;
  if (def.deprecatedForRemoval) {
    out.deprecatedForRemoval = true;
    if (def.deprecatedReason !== undefined) out.deprecatedReason = def.deprecatedReason;
    if (def.deprecatedSince !== undefined) out.deprecatedSince = def.deprecatedSince;
  }
  return out;
}

/** Describes every effective rule, in rule order. */
export function describeRules(
  set: RuleSet,
  registered: ReadonlyMap<string, Registered>,
): RuleInfo[] {
  return [...set.checks].map(([name, check]) => {
    const f = set.fileRules.get(name);
    const reg = registered.get(name);
    const info: RuleInfo = { name, check: String(check), source: f ? "file" : "default" };
    if (f) {
      info.file = f.file;
      if (f.line !== undefined) info.line = f.line;
    }
    return reg ? { ...info, ...defaultFields(reg.def) } : info;
  });
}
