/**
 * The policy language's shift-reduce parser, as oslo.policy's `ParseState`:
 * every token is shifted, then the first reduction in {@linkcode REDUCTIONS}
 * whose pattern ends the stack is applied, again and again (greedy). A rule
 * that does not reduce to one check fails closed: `!` and a warning.
 *
 * `not` binds tighter than `and`, `and` tighter than `or`; chains flatten
 * into one `and`/`or` node; `a or b and c` is `(a or (b and c))`.
 *
 * @module
 */
import {
  AndCheck,
  type Check,
  FalseCheck,
  NotCheck,
  OrCheck,
  TrueCheck,
  UnevaluableCheck,
} from "./checks.ts";
import { CheckRegistry, type WarnFn } from "./registry.ts";
import { tokenize } from "./tokenizer.ts";

/** Stack symbols: the token kinds plus the two intermediate expressions. */
export type Symbol = "(" | ")" | "and" | "or" | "not" | "string" | "check" | "and_expr" | "or_expr";

/** One reduction: when the stack ends with `pattern`, replace those entries with `reduce(values)`. */
export interface Reduction {
  readonly pattern: readonly Symbol[];
  /** oslo.policy's method name, for tests and errors. */
  readonly name: string;
  readonly reduce: (values: unknown[]) => [Symbol, unknown][];
}

const wrapCheck = (v: unknown[]): [Symbol, unknown][] => [["check", v[1]]];
const makeOrExpr = (v: unknown[]): [Symbol, unknown][] => [[
  "or_expr",
  new OrCheck([v[0] as Check, v[2] as Check]),
]];

/**
 * The reductions in oslo.policy's order (decorators apply bottom-up, so a
 * method's last `@reducer` comes first). The first match wins.
 */
export const REDUCTIONS: readonly Reduction[] = [
  { pattern: ["(", "or_expr", ")"], name: "_wrap_check", reduce: wrapCheck },
  { pattern: ["(", "and_expr", ")"], name: "_wrap_check", reduce: wrapCheck },
  { pattern: ["(", "check", ")"], name: "_wrap_check", reduce: wrapCheck },
  {
    pattern: ["check", "and", "check"],
    name: "_make_and_expr",
    reduce: (v) => [["and_expr", new AndCheck([v[0] as Check, v[2] as Check])]],
  },
  {
    pattern: ["or_expr", "and", "check"],
    name: "_mix_or_and_expr",
    reduce: (v) => {
      const or = v[0] as OrCheck;
      const last = or.popCheck();
      const and = last instanceof AndCheck
        ? last.addCheck(v[2] as Check)
        : new AndCheck([last, v[2] as Check]);
      return [["or_expr", or.addCheck(and)]];
    },
  },
  {
    pattern: ["and_expr", "and", "check"],
    name: "_extend_and_expr",
    reduce: (v) => [["and_expr", (v[0] as AndCheck).addCheck(v[2] as Check)]],
  },
  { pattern: ["and_expr", "or", "check"], name: "_make_or_expr", reduce: makeOrExpr },
  { pattern: ["check", "or", "check"], name: "_make_or_expr", reduce: makeOrExpr },
  {
    pattern: ["or_expr", "or", "check"],
    name: "_extend_or_expr",
    reduce: (v) => [["or_expr", (v[0] as OrCheck).addCheck(v[2] as Check)]],
  },
  {
    pattern: ["not", "check"],
    name: "_make_not_expr",
    reduce: (v) => [["check", new NotCheck(v[1] as Check)]],
  },
];

/** The parser's stack. */
export class ParseState {
  readonly tokens: Symbol[] = [];
  readonly values: unknown[] = [];

  /** Applies reductions until none matches the top of the stack. */
  reduce(): void {
    for (;;) {
      const r = REDUCTIONS.find((red) => this.#endsWith(red.pattern));
      if (!r) return;
      const n = r.pattern.length;
      const results = r.reduce(this.values.slice(-n));
      this.tokens.splice(-n, n, ...results.map((x) => x[0]));
      this.values.splice(-n, n, ...results.map((x) => x[1]));
    }
  }

  #endsWith(pattern: readonly Symbol[]): boolean {
    const n = pattern.length, off = this.tokens.length - n;
    if (off < 0) return false;
    for (let i = 0; i < n; i++) if (this.tokens[off + i] !== pattern[i]) return false;
    return true;
  }

  /** Pushes a token and reduces greedily. */
  shift(token: Symbol, value: unknown): void {
    this.tokens.push(token);
    this.values.push(value);
    this.reduce();
  }

  /** The parse result: one check, or null when the tokens did not reduce to one check. */
  get result(): Check | null {
    if (this.values.length !== 1 || this.tokens[0] === "string") return null;
    const v = this.values[0];
    return typeof v === "object" && v !== null ? v as Check : null;
  }
}

/** Options of {@linkcode parseRule}. */
export interface ParseOptions {
  /** Kinds → checks; the built-ins by default. */
  registry?: CheckRegistry;
  /** Receives "Failed to understand rule" warnings. */
  warn?: WarnFn;
}

let builtins: CheckRegistry | undefined;

function parseTextRule(rule: string, registry: CheckRegistry, warn?: WarnFn): Check {
  if (!rule) return new TrueCheck();
  const state = new ParseState();
  for (const tok of tokenize(rule, (t) => registry.parseCheck(t, warn))) {
    state.shift(tok.kind, tok.value);
  }
  const result = state.result;
  if (result) return result;
  if (state.values.length === 1) {
    warn?.(`Failed to understand rule ${rule}: it is a bare word, not a check; it denies`);
    return new UnevaluableCheck(String(state.values[0]));
  }
  warn?.(`Failed to understand rule ${rule}: it does not reduce to one check`);
  return new FalseCheck();
}

function parseListRule(rule: unknown, registry: CheckRegistry, warn?: WarnFn): Check {
  const items = Array.isArray(rule) ? rule : Object.keys(rule as object);
  if (items.length === 0) return new TrueCheck();
  const ors: Check[] = [];
  for (const inner of items) {
    if (!inner || (Array.isArray(inner) && inner.length === 0)) continue;
    if (typeof inner === "object" && !Array.isArray(inner) && Object.keys(inner).length === 0) {
      continue;
    }
    if (typeof inner !== "string" && typeof inner !== "object") {
      warn?.(
        `Failed to understand rule ${JSON.stringify(rule)}: ${JSON.stringify(inner)} is not a list`,
      );
      return new FalseCheck();
    }
    const list: unknown[] = typeof inner === "string"
      ? [inner]
      : Array.isArray(inner)
      ? inner
      : Object.keys(inner);
    const ands = list.map((r) => {
      if (typeof r === "string") return registry.parseCheck(r, warn);
      warn?.(`Failed to understand rule ${JSON.stringify(r)}: not a string`);
      return new FalseCheck();
    });
    ors.push(ands.length === 1 ? ands[0] as Check : new AndCheck(ands));
  }
  if (ors.length === 0) return new FalseCheck();
  return ors.length === 1 ? ors[0] as Check : new OrCheck(ors);
}

/**
 * Parses a rule: text in the policy language, or the legacy list-of-lists
 * form (outer list OR, inner lists AND). Never throws: what cannot be
 * understood is `!` and a warning.
 *
 * @example Precedence and flattening
 * ```ts
 * import { parseRule } from "./parser.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(String(parseRule("a:1 or b:2 and not c:3 or d:4")), "(a:1 or (b:2 and not c:3) or d:4)");
 * assert.equal(String(parseRule([["a:1", "b:2"], ["c:3"]])), "((a:1 and b:2) or c:3)");
 * const warnings: string[] = [];
 * assert.equal(String(parseRule("(a:1", { warn: (w) => warnings.push(w) })), "!");
 * assert.match(warnings[0]!, /Failed to understand rule \(a:1/);
 * ```
 */
export function parseRule(rule: unknown, options: ParseOptions = {}): Check {
  const registry = options.registry ?? (builtins ??= CheckRegistry.withBuiltins());
  if (typeof rule === "string") return parseTextRule(rule, registry, options.warn);
  if (rule === null || rule === undefined || rule === false || rule === 0) return new TrueCheck();
  if (typeof rule === "object") return parseListRule(rule, registry, options.warn);
  options.warn?.(`Failed to understand rule ${JSON.stringify(rule)}: not a string or a list`);
  return new FalseCheck();
}
