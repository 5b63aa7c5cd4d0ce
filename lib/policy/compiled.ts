/**
 * Check trees compiled to closures for the enforcer's local decisions.
 *
 * The interpreter (`Check.evaluate`) calls `evaluate` on every node through
 * one call site per `and`/`or`, which V8 sees with every check class and so
 * cannot inline; a compiled tree is nested closures, each bound to its
 * children, with `rule:` references resolved once per rule set.
 *
 * A compiled tree answers only where the answer is certain: anything the
 * interpreter treats with care (a failing check, a promise, roles that are not
 * a list of strings, a path through a scalar, a `%` format error) makes it
 * answer `undefined`, and the enforcer asks the interpreter, which gives the
 * three-valued result, the failure and its log line. Local checks have no side
 * effects, so evaluating twice changes nothing. Trees with checks that are not
 * local (`http:`, `opa:`, custom kinds), `rule:` cycles or chains deeper than
 * the interpreter allows are not compiled at all.
 *
 * @module
 */
import {
  AndCheck,
  type Check,
  type Creds,
  FalseCheck,
  MAX_RULE_DEPTH,
  NotCheck,
  OrCheck,
  type Target,
  TrueCheck,
} from "./checks.ts";
import { GenericCheck, RoleCheck, RuleCheck } from "./builtin_checks.ts";
import { compilePyFormat, MISSING_KEY, type PyFormat } from "./py_format.ts";
import { classifyKind } from "./py_literal.ts";
import { pyStr } from "./py_str.ts";

/** A compiled tree: true or false where certain, `undefined` where the interpreter must decide. */
export type Compiled = (target: Target, creds: Creds) => boolean | undefined;

/** Compiled `rule:` targets of one rule set, by name (null: not compilable). */
export type CompileMemo = Map<string, { fn: Compiled; depth: number } | null | "pending">;

interface Unit {
  readonly fn: Compiled;
  /** Longest chain of `rule:` indirections below. */
  readonly depth: number;
}

const ALWAYS: Unit = { fn: () => true, depth: 0 };
const NEVER: Unit = { fn: () => false, depth: 0 };

/**
 * Compiles `check`, resolving `rule:NAME` with `lookup` (the rule set's, with
 * its default-rule fallback); null when the tree cannot be compiled.
 *
 * @example
 * ```ts
 * import { compileCheck } from "./compiled.ts";
 * import { parseRule } from "./parser.ts";
 * import assert from "node:assert/strict";
 *
 * const fn = compileCheck(parseRule("role:admin or project_id:%(project_id)s"), () => undefined)!;
 * assert.equal(fn({ project_id: "p1" }, { roles: ["member"], project_id: "p1" }), true);
 * assert.equal(fn({ project_id: "p2" }, { roles: ["Admin"] }), true);
 * assert.equal(fn({}, { roles: ["member"], project_id: "p1" }), false); // missing key: false
 * assert.equal(fn({ project_id: "p1" }, { roles: "admin" }), undefined); // the interpreter decides
 * ```
 */
export function compileCheck(
  check: Check,
  lookup: (name: string) => Check | undefined,
  memo: CompileMemo = new Map(),
): Compiled | null {
  const unit = compile(check, lookup, memo);
  return unit && unit.depth <= MAX_RULE_DEPTH ? unit.fn : null;
}

function compile(
  check: Check,
  lookup: (name: string) => Check | undefined,
  memo: CompileMemo,
): Unit | null {
  const kind = check.constructor;
  if (kind === TrueCheck) return ALWAYS;
  if (kind === FalseCheck) return NEVER;
  if (kind === NotCheck) {
    const inner = compile((check as NotCheck).rule, lookup, memo);
    if (!inner) return null;
    const f = inner.fn;
    return {
      fn: (t, c) => {
        const r = f(t, c);
        return r === undefined ? undefined : !r;
      },
      depth: inner.depth,
    };
  }
  if (kind === AndCheck || kind === OrCheck) {
    const units: Unit[] = [];
    for (const child of (check as AndCheck | OrCheck).rules) {
      const u = compile(child, lookup, memo);
      if (!u) return null;
      units.push(u);
    }
    const depth = Math.max(0, ...units.map((u) => u.depth));
    return { fn: junction(units.map((u) => u.fn), kind === OrCheck), depth };
  }
  if (kind === RuleCheck) return ruleRef((check as RuleCheck).match, lookup, memo);
  if (kind === RoleCheck) return { fn: roleCheck(check as RoleCheck), depth: 0 };
  if (kind === GenericCheck) return { fn: genericCheck(check as GenericCheck), depth: 0 };
  return null; // http:, opa:, custom kinds, bare words: the interpreter's
}

/** `and` (stop at false) or `or` (stop at true); `undefined` from a branch stops too. */
function junction(fns: Compiled[], or: boolean): Compiled {
  if (fns.length === 1) return fns[0]!;
  if (fns.length === 2) {
    const [a, b] = fns as [Compiled, Compiled];
    return or
      ? (t, c) => {
        const r = a(t, c);
        return r === false ? b(t, c) : r;
      }
      : (t, c) => {
        const r = a(t, c);
        return r === true ? b(t, c) : r;
      };
  }
  const go = !or;
  return (t, c) => {
    for (let i = 0; i < fns.length; i++) {
      const r = fns[i]!(t, c);
      if (r !== go) return r;
    }
    return go;
  };
}

function ruleRef(
  name: string,
  lookup: (name: string) => Check | undefined,
  memo: CompileMemo,
): Unit | null {
  const known = memo.get(name);
  if (known === "pending") return null; // a cycle: the interpreter reports it
  if (known !== undefined) return known && { fn: known.fn, depth: known.depth + 1 };
  const target = lookup(name);
  if (!target) return NEVER; // as RuleCheck: a missing rule (and no default rule) denies
  memo.set(name, "pending");
  const unit = compile(target, lookup, memo);
  memo.set(name, unit);
  return unit && { fn: unit.fn, depth: unit.depth + 1 };
}

/** The match of a kinded check: the text, or `%` formatted from the target (null: static). */
function matcher(match: string): ((t: Target) => string | typeof MISSING_KEY | undefined) | null {
  const format: PyFormat = compilePyFormat(match);
  if (!format.dynamic) return null;
  return (t) => {
    try {
      return format.format(t);
    } catch {
      return undefined; // the interpreter throws the format error
    }
  };
}

function hasRole(c: Creds, want: string): boolean | undefined {
  if (!Object.hasOwn(c, "roles")) return false;
  const roles = c.roles;
  if (!Array.isArray(roles)) return undefined; // a string or a dict of roles: the interpreter's
  let found = false;
  for (let i = 0; i < roles.length; i++) {
    const r: unknown = roles[i];
    if (typeof r !== "string") return undefined; // Python fails on it even after a match
    if (!found && (r === want || r.toLowerCase() === want)) found = true;
  }
  return found;
}

function roleCheck(check: RoleCheck): Compiled {
  const m = matcher(check.match);
  if (!m) {
    const want = check.match.toLowerCase();
    return (_t, c) => hasRole(c, want);
  }
  return (t, c) => {
    const want = m(t);
    if (want === undefined) return undefined;
    if (want === MISSING_KEY) return false;
    return hasRole(c, want.toLowerCase());
  };
}

function genericCheck(check: GenericCheck): Compiled {
  const match = check.match;
  const m = matcher(match) ?? (() => match);
  const kind = classifyKind(check.kind);
  if (kind.type === "literal") {
    const str = kind.str;
    return (t) => {
      const v = m(t);
      if (v === undefined) return undefined;
      return v !== MISSING_KEY && v === str;
    };
  }
  if (kind.type === "error") {
    // The interpreter throws the kind's error once the match is known.
    return (t) => (m(t) === MISSING_KEY ? false : undefined);
  }
  const segments = kind.segments;
  return (t, c) => {
    const v = m(t);
    if (v === undefined) return undefined;
    if (v === MISSING_KEY) return false;
    return find(c, segments, 0, v);
  };
}

/** GenericCheck's walk: `undefined` where the interpreter throws (a path through a scalar or a list). */
function find(
  value: unknown,
  segments: readonly string[],
  i: number,
  match: string,
): boolean | undefined {
  if (i === segments.length) return match === pyStr(value);
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const key = segments[i]!;
  if (!Object.hasOwn(value, key)) return false;
  const next = (value as Record<string, unknown>)[key];
  return Array.isArray(next)
    ? findIn(next, segments, i + 1, match)
    : find(next, segments, i + 1, match);
}

function findIn(
  list: readonly unknown[],
  segments: readonly string[],
  i: number,
  match: string,
): boolean | undefined {
  for (const el of list) {
    const r = find(el, segments, i, match);
    if (r !== false) return r;
  }
  return false;
}
