/**
 * The built-in kinds: `rule:NAME`, `role:NAME` and the generic `attr:value`
 * fallback, with oslo.policy's semantics to the letter (see each class).
 *
 * @module
 */
import {
  type Creds,
  type Decision,
  type EvalContext,
  KindCheck,
  MAX_RULE_DEPTH,
  type Target,
} from "./checks.ts";
import { CheckError, RuleDepthError } from "./errors.ts";
import { compilePyFormat, MISSING_KEY, type PyFormat, PyFormatError } from "./py_format.ts";
import { classifyKind, type KindInfo } from "./py_literal.ts";
import { pyStr } from "./py_str.ts";

/** Formats `match % target`; MISSING_KEY when a key is missing; CheckError on other format errors. */
export function formatMatch(
  format: PyFormat,
  target: Target,
  check: KindCheck,
): string | typeof MISSING_KEY {
  try {
    return format.format(target);
  } catch (e) {
    if (e instanceof PyFormatError) {
      throw new CheckError(`Cannot format "${check}" with the target: ${e.pyType}: ${e.message}`, {
        cause: e,
      });
    }
    throw e;
  }
}

/**
 * `rule:NAME`: evaluates the named rule. A missing rule falls back to the
 * default rule when that exists (oslo.policy's `Rules.__missing__`), else denies.
 */
export class RuleCheck extends KindCheck {
  evaluate(target: Target, creds: Creds, ctx: EvalContext, depth: number): Decision {
    const rule = ctx.rule(this.match);
    if (!rule) return false;
    if (depth >= MAX_RULE_DEPTH) {
      throw new RuleDepthError(
        `Cannot evaluate "${this}": rules nest deeper than ${MAX_RULE_DEPTH} (a cycle?)`,
      );
    }
    return rule.evaluate(target, creds, ctx, depth + 1);
  }
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  return typeof v;
}

/**
 * `role:NAME`: `NAME % target`, then a case-insensitive membership test in
 * `creds.roles`. No `roles` → false; a missing target key → false.
 */
export class RoleCheck extends KindCheck {
  readonly #format: PyFormat;
  readonly #lower: string | null;
  constructor(kind: string, match: string) {
    super(kind, match);
    this.#format = compilePyFormat(match);
    this.#lower = this.#format.dynamic ? null : match.toLowerCase();
  }
  evaluate(target: Target, creds: Creds): Decision {
    let want = this.#lower;
    if (want === null) {
      const m = formatMatch(this.#format, target, this);
      if (m === MISSING_KEY) return false;
      want = m.toLowerCase();
    }
    if (!Object.hasOwn(creds, "roles")) return false;
    const roles = creds.roles;
    let list: readonly unknown[];
    if (Array.isArray(roles)) list = roles;
    else if (typeof roles === "string") list = [...roles];
    else if (roles !== null && typeof roles === "object") list = Object.keys(roles);
    else throw new CheckError(`Cannot check "${this}": creds roles is a ${typeName(roles)}`);
    // Python lowers every role before looking: a non-string role fails even after a match.
    let found = false;
    for (const r of list) {
      if (typeof r !== "string") {
        throw new CheckError(`Cannot check "${this}": a role is a ${typeName(r)}, not a string`);
      }
      if (!found && (r === want || r.toLowerCase() === want)) found = true;
    }
    return found;
  }
}

/**
 * The generic `kind:match` check. `match % target` first (missing key →
 * false); then, if `kind` is a Python literal, `str(literal) == match`;
 * otherwise `kind` is a dotted path into the credentials, where a list on the
 * way means "any element", compared as `str(value) == match`.
 */
export class GenericCheck extends KindCheck {
  readonly #format: PyFormat;
  readonly #kind: KindInfo;
  constructor(kind: string, match: string) {
    super(kind, match);
    this.#format = compilePyFormat(match);
    this.#kind = classifyKind(kind);
  }
  evaluate(target: Target, creds: Creds): Decision {
    const m = this.#format.dynamic ? formatMatch(this.#format, target, this) : this.match;
    if (m === MISSING_KEY) return false;
    const k = this.#kind;
    if (k.type === "literal") return m === k.str;
    if (k.type === "error") throw new CheckError(`Cannot check "${this}": ${k.message}`);
    return this.#find(creds, k.segments, 0, m);
  }
  #find(value: unknown, segments: readonly string[], i: number, match: string): boolean {
    if (i === segments.length) return match === pyStr(value);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new CheckError(
        `Cannot check "${this}": "${segments.slice(0, i).join(".")}" is a ${
          Array.isArray(value) ? "list" : typeName(value)
        }, not a dict`,
      );
    }
    const key = segments[i] as string;
    if (!Object.hasOwn(value, key)) return false;
    const next = (value as Record<string, unknown>)[key];
    if (Array.isArray(next)) {
      for (const el of next) if (this.#find(el, segments, i + 1, match)) return true;
      return false;
    }
    return this.#find(next, segments, i + 1, match);
  }
}
