/**
 * Redaction: secret options print as `****` wherever a value is printed,
 * logged or returned; text that merely looks like it holds a secret (a
 * malformed line naming a password) is withheld from messages.
 *
 * @module
 */

/** What a secret value prints as (oslo.config's `log_opt_values` mask). */
export const REDACTED = "****";

const SECRETISH =
  /pass(word|wd|phrase)?|secret|token|credential|private|api_?key|access_?key|auth_?key|(^|[^a-z])key($|[^a-z])|transport_url|connection/i;

/**
 * Whether a name or a line of text looks like it holds a secret, for messages
 * about options whose declaration is unknown.
 *
 * @example
 * ```ts
 * import { looksSecret } from "./redact.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(looksSecret("admin_password hunter2"), true);
 * assert.equal(looksSecret("debug"), false);
 * assert.equal(looksSecret("keystone"), false);
 * ```
 */
export function looksSecret(text: string): boolean {
  return SECRETISH.test(text);
}

/** `value`, or `****` when `secret`. */
export function redact<T>(value: T, secret: boolean | undefined): T | typeof REDACTED {
  return secret ? REDACTED : value;
}
