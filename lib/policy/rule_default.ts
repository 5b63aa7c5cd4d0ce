/**
 * Rule defaults registered in code (oslo.policy's `RuleDefault`,
 * `DocumentedRuleDefault` and `DeprecatedRule`), and their validation.
 *
 * @module
 */
import { InvalidRuleDefault } from "./errors.ts";

/** An API operation a rule protects (`DocumentedRuleDefault.operations`). */
export interface Operation {
  /** URL path, `/v3/users/{user_id}`. */
  path: string;
  /** HTTP method (Keystone gives some as a list: `["HEAD", "GET"]`). */
  method: string | readonly string[];
}

/** The rule a default replaces (oslo.policy's `DeprecatedRule`). */
export interface DeprecatedRule {
  /** The old name (may equal the new one when only the check string changes). */
  name: string;
  /** The old check string. */
  checkStr: string;
  /** Why it changed. */
  deprecatedReason?: string;
  /** The release it changed in. */
  deprecatedSince?: string;
}

/** A rule default registered in code. */
export interface RuleDefault {
  /** Rule name (`identity:get_user`). */
  name: string;
  /** The default check string. */
  checkStr: string;
  /** What the rule protects; shown in samples. */
  description?: string;
  /** API operations it protects; shown in samples. */
  operations?: readonly Operation[];
  /** Token scopes the rule is meant for: `system`, `domain`, `project`. */
  scopeTypes?: readonly string[];
  /** The rule this one replaces. */
  deprecatedRule?: DeprecatedRule;
  /** The rule is going away. */
  deprecatedForRemoval?: boolean;
  /** Why it is going away (required with `deprecatedForRemoval`). */
  deprecatedReason?: string;
  /** Since when (required with `deprecatedForRemoval`). */
  deprecatedSince?: string;
}

/**
 * Checks a default as oslo.policy's constructors do; throws {@linkcode InvalidRuleDefault}.
 *
 * @example Duplicate scope types
 * ```ts
 * import { validateRuleDefault } from "./rule_default.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => validateRuleDefault({ name: "a", checkStr: "@", scopeTypes: ["system", "system"] }),
 *   /scope_types must be a list of unique strings/,
 * );
 * ```
 */
export function validateRuleDefault(d: RuleDefault): void {
  if (typeof d !== "object" || d === null) throw new InvalidRuleDefault("not an object");
  if (typeof d.name !== "string" || d.name === "") {
    throw new InvalidRuleDefault("name must be a non-empty string");
  }
  if (typeof d.checkStr !== "string") {
    throw new InvalidRuleDefault(`${d.name}: checkStr must be a string`);
  }
  if (d.scopeTypes !== undefined) {
    if (!Array.isArray(d.scopeTypes) || d.scopeTypes.some((s) => typeof s !== "string")) {
      throw new InvalidRuleDefault(`${d.name}: scope_types must be a list of strings`);
    }
    if (new Set(d.scopeTypes).size !== d.scopeTypes.length) {
      throw new InvalidRuleDefault(`${d.name}: scope_types must be a list of unique strings`);
    }
  }
  if (
    d.deprecatedForRemoval && (d.deprecatedReason === undefined || d.deprecatedSince === undefined)
  ) {
    throw new InvalidRuleDefault(
      `${d.name} deprecated without deprecated_reason or deprecated_since. Both must be supplied if deprecating a policy`,
    );
  }
  const dep = d.deprecatedRule;
  if (dep !== undefined) {
    if (
      typeof dep !== "object" || dep === null || typeof dep.name !== "string" ||
      typeof dep.checkStr !== "string"
    ) {
      throw new InvalidRuleDefault(`${d.name}: deprecatedRule needs a name and a checkStr`);
    }
  }
  if (d.operations !== undefined) {
    if (!d.description) throw new InvalidRuleDefault(`${d.name}: Description is required`);
    if (!Array.isArray(d.operations)) {
      throw new InvalidRuleDefault(`${d.name}: Operations must be a list`);
    }
    if (d.operations.length === 0) {
      throw new InvalidRuleDefault(`${d.name}: Operations list must not be empty`);
    }
    for (const op of d.operations) {
      if (op?.path === undefined) {
        throw new InvalidRuleDefault(`${d.name}: Operation must contain a path`);
      }
      if (op.method === undefined) {
        throw new InvalidRuleDefault(`${d.name}: Operation must contain a method`);
      }
      if (Object.keys(op).length > 2) {
        throw new InvalidRuleDefault(`${d.name}: Operation contains > 2 keys`);
      }
    }
  }
}
