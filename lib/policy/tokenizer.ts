/**
 * The policy language's tokenizer, as oslo.policy's `_parse_tokenize`: split
 * on whitespace; peel `(` off the front and `)` off the back of each piece;
 * `and`/`or`/`not` in any case are operators; a piece wrapped in matching
 * quotes is a `string` token (which no grammar rule consumes); anything else
 * is a base check.
 *
 * @module
 */
import type { Check } from "./checks.ts";

/** A typed token. */
export type Token =
  | { readonly kind: "(" | ")"; readonly value: string }
  | { readonly kind: "and" | "or" | "not"; readonly value: string }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "check"; readonly value: Check };

/** Python's `\s` for str patterns (what `str.isspace()` accepts, control characters included). */
const WHITESPACE =
  // deno-lint-ignore no-control-regex
  /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/**
 * Tokenizes a rule; `parseCheck` turns a base check's text into a check.
 *
 * @example Operators, parentheses, checks
 * ```ts
 * import { tokenize } from "./tokenizer.ts";
 * import { CheckRegistry } from "./registry.ts";
 * import assert from "node:assert/strict";
 *
 * const registry = CheckRegistry.withBuiltins();
 * const tokens = tokenize("(role:a OR\tnot role:b)", (t) => registry.parseCheck(t));
 * assert.deepEqual(tokens.map((t) => t.kind), ["(", "check", "or", "not", "check", ")"]);
 * assert.equal(tokens[2]!.value, "OR");
 * ```
 */
export function tokenize(rule: string, parseCheck: (text: string) => Check): Token[] {
  const tokens: Token[] = [];
  for (const piece of rule.split(WHITESPACE)) {
    if (!piece) continue;
    let tok = piece;
    let lead = 0;
    while (tok[lead] === "(") lead++;
    for (let i = 0; i < lead; i++) tokens.push({ kind: "(", value: "(" });
    tok = tok.slice(lead);
    if (!tok) continue;
    let end = tok.length;
    while (end > 0 && tok[end - 1] === ")") end--;
    const clean = tok.slice(0, end);
    const trail = tok.length - end;
    const lowered = clean.toLowerCase();
    if (lowered === "and" || lowered === "or" || lowered === "not") {
      tokens.push({ kind: lowered, value: clean });
    } else if (clean) {
      const first = tok[0], last = tok[tok.length - 1];
      if (tok.length >= 2 && (first === '"' || first === "'") && first === last) {
        tokens.push({ kind: "string", value: tok.slice(1, -1) });
      } else {
        tokens.push({ kind: "check", value: parseCheck(clean) });
      }
    }
    for (let i = 0; i < trail; i++) tokens.push({ kind: ")", value: ")" });
  }
  return tokens;
}
