/**
 * Token scopes as oslo.policy derives them from the credentials, and the
 * warning it logs when a scope is not one of a rule's scope types.
 *
 * @module
 */
import type { Creds } from "./checks.ts";
import { pyTruthy } from "./py_str.ts";

/**
 * The token scope oslo.policy derives: `system`, else `domain`, else `project`.
 *
 * @example
 * ```ts
 * import { tokenScope } from "./token_scope.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(tokenScope({ system: "all" }), "system");
 * assert.equal(tokenScope({ domain_id: "d1" }), "domain");
 * assert.equal(tokenScope({ project_id: "p1" }), "project");
 * ```
 */
export function tokenScope(creds: Creds): "system" | "domain" | "project" {
  if (pyTruthy(creds.system)) return "system";
  if (pyTruthy(creds.domain_id)) return "domain";
  return "project";
}

/**
 * oslo.policy's `enforce()` copies a truthy `system_scope` to `system` (here
 * on a copy); anything but an object is given back as it is, for the caller's
 * checks to refuse.
 */
export function withSystem(creds: Creds): Creds {
  if (creds === null || typeof creds !== "object") return creds;
  const s = creds.system_scope;
  return pyTruthy(s) && creds.system !== s ? { ...creds, system: s } : creds;
}

/** oslo.policy's warning for a token scope outside a rule's scope types. */
export function scopeWarning(label: string, token: string, scopes: readonly string[]): string {
  return `Policy ${label} failed scope check. The token used to make the request was ${token} scoped but the policy requires [${
    scopes.map((s) => `'${s}'`).join(", ")
  }] scope. This behavior may change in the future where using the intended scope is required`;
}
