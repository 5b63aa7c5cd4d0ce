/**
 * oslo-config-validator's `--exclude-options`: regular expressions an option
 * name must match in full (`re.fullmatch`) to be left out of
 * `--check-defaults`. They are JavaScript RegExps here.
 *
 * Patterns from an untrusted caller (the HTTP API) are held to limits that
 * bound what a backtracking engine can be made to do (ReDoS): at most
 * {@linkcode UNTRUSTED_PATTERN_LIMITS}`.count` patterns of at most `length`
 * characters; no backreferences or lookarounds; no quantifier on a group that
 * holds a quantifier or an alternation (nested quantifiers are exponential);
 * at most `unbounded` repetitions (`*`, `+`, `{m,}`, `{m,n}`) per pattern
 * (k of them cost O(n^k)). The subject is an option name, itself bounded (see
 * `functions/config.ts`): with names of at most 80 characters, a worst-case
 * pattern costs about 35 µs a match, so a request (at most 16 patterns against
 * the options of a body-limited config) stays under about a second.
 *
 * @module
 */
import { ConfigError } from "./errors.ts";

/** An `--exclude-options` pattern is not a valid (or, untrusted, an allowed) regular expression. */
export class ExcludePatternError extends ConfigError {
  override readonly code = "ERR_CONFIG_EXCLUDE_PATTERN";
  /** The pattern. */
  readonly pattern: string;
  /** Its 0-based position in the list. */
  readonly index: number;
  constructor(pattern: string, index: number, reason: string) {
    super(`Cannot use exclude pattern ${JSON.stringify(pattern)}: ${reason}`);
    this.name = "ExcludePatternError";
    this.pattern = pattern;
    this.index = index;
  }
}

/** The limits on untrusted patterns. */
export const UNTRUSTED_PATTERN_LIMITS = { count: 16, length: 128, unbounded: 2 } as const;

/**
 * Compiles `--exclude-options` patterns, anchored as `re.fullmatch`; throws
 * {@linkcode ExcludePatternError} naming the first bad one.
 *
 * @example A pattern that does not compile is named
 * ```ts
 * import { compileExcludePatterns, ExcludePatternError } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(compileExcludePatterns(["host(name)?"])[0]?.test("hostname"), true);
 * assert.throws(() => compileExcludePatterns(["ok", "a(b"]), (e) =>
 *   e instanceof ExcludePatternError && e.index === 1 && /Unterminated group/.test(e.message));
 * assert.throws(() => compileExcludePatterns(["(a+)+"], { untrusted: true }), (e) =>
 *   e instanceof ExcludePatternError && /nested/.test(e.message));
 * ```
 */
export function compileExcludePatterns(
  patterns: readonly string[],
  options: { untrusted?: boolean } = {},
): RegExp[] {
  const limits = UNTRUSTED_PATTERN_LIMITS;
  if (options.untrusted && patterns.length > limits.count) {
    throw new ExcludePatternError(
      patterns[limits.count] as string,
      limits.count,
      `give at most ${limits.count} patterns`,
    );
  }
  return patterns.map((p, i) => {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${p})$`);
    } catch (e) {
      throw new ExcludePatternError(p, i, (e as Error).message.replace(/^.*: /, ""));
    }
    if (options.untrusted) {
      const why = p.length > limits.length
        ? `it is longer than ${limits.length} characters`
        : unsafe(p);
      if (why) throw new ExcludePatternError(p, i, why);
    }
    return re;
  });
}

/** Why a (compilable) pattern is not allowed from an untrusted caller, or undefined. */
function unsafe(p: string): string | undefined {
  // Per open group: whether it holds a quantifier or an alternation.
  const groups: { risky: boolean }[] = [];
  let unbounded = 0;
  let lastGroupRisky = false; // the token just closed was a group holding one
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    let quantifier: "optional" | "repeat" | "unbounded" | undefined;
    if (c === "\\") {
      const n = p[i + 1] ?? "";
      if (/[1-9]/.test(n) || n === "k") return "backreferences are not allowed";
      i++;
      lastGroupRisky = false;
      continue;
    }
    if (c === "[") {
      i++;
      if (p[i] === "^") i++;
      if (p[i] === "]") i++;
      while (i < p.length && p[i] !== "]") i += p[i] === "\\" ? 2 : 1;
      lastGroupRisky = false;
      continue;
    }
    if (c === "(") {
      if (/^\(\?<?[=!]/.test(p.slice(i))) return "lookarounds are not allowed";
      groups.push({ risky: false });
      const prefix = /^\(\?(:|<[^>]*>)/.exec(p.slice(i)); // (?:  (?<name>
      if (prefix) i += prefix[0].length - 1;
      lastGroupRisky = false;
      continue;
    }
    if (c === ")") {
      const g = groups.pop();
      lastGroupRisky = !!g?.risky;
      if (g?.risky && groups.length > 0) {
        (groups[groups.length - 1] as { risky: boolean }).risky = true;
      }
      continue;
    }
    if (c === "|") {
      if (groups.length > 0) (groups[groups.length - 1] as { risky: boolean }).risky = true;
      continue;
    }
    if (c === "*" || c === "+") quantifier = "unbounded";
    else if (c === "?") quantifier = "optional";
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
      if (m) {
        const [min, max] = [
          Number(m[1]),
          m[2] === undefined ? Number(m[1]) : Number(m[3] || Infinity),
        ];
        quantifier = max <= 1 ? "optional" : max > min ? "unbounded" : "repeat";
        i += m[0].length - 1;
      }
    }
    if (quantifier) {
      if (p[i + 1] === "?") i++; // lazy
      if (lastGroupRisky && quantifier !== "optional") {
        return "nested quantifiers (a repeated group holding a quantifier or |) are not allowed";
      }
      if (quantifier === "unbounded" && ++unbounded > UNTRUSTED_PATTERN_LIMITS.unbounded) {
        return `it repeats (*, +, {m,n}) more than ${UNTRUSTED_PATTERN_LIMITS.unbounded} times`;
      }
      if (groups.length > 0) (groups[groups.length - 1] as { risky: boolean }).risky = true;
      lastGroupRisky = false;
      continue;
    }
    lastGroupRisky = false;
  }
  return undefined;
}
