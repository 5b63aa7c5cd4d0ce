/**
 * Section (group) names as oslo.config compares them.
 *
 * @module
 */

/**
 * oslo.config normalises section names to lower case, except exactly `DEFAULT`.
 *
 * @example Only exactly DEFAULT keeps its case
 * ```ts
 * import { normalizeGroupName } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(normalizeGroupName("Database"), "database");
 * assert.equal(normalizeGroupName("Default"), "default");
 * assert.equal(normalizeGroupName("DEFAULT"), "DEFAULT");
 * ```
 */
export function normalizeGroupName(name: string): string {
  return name === "DEFAULT" ? name : name.toLowerCase();
}
