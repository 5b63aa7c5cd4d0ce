/**
 * The intermediate form between oslo.policy check trees and Rego: each oslo
 * rule becomes a boolean Rego rule whose alternatives (one Rego definition
 * each) are conjunctions of expressions; an `or` nested inside an `and` or a
 * `not` becomes a helper rule. {@linkcode compileRules} builds it; `rego_text.ts`
 * prints it.
 *
 * @module
 */
import { GenericCheck, RoleCheck, RuleCheck } from "./builtin_checks.ts";
import {
  AndCheck,
  type Check,
  FalseCheck,
  NotCheck,
  OrCheck,
  TrueCheck,
  UnevaluableCheck,
} from "./checks.ts";
import { OpaCheck } from "./opa_check.ts";
import { classifyKind } from "./py_literal.ts";
import { findViolations } from "./rule_set.ts";

/** A `%`-format as Rego builds it: literal text and `%(key)s` target lookups. */
export type Fmt = readonly (string | { key: string })[];

/** One expression of a rule body. */
export type Expr =
  | { kind: "const"; value: boolean; note?: string }
  | { kind: "ref"; rule: string }
  | { kind: "not"; expr: Expr }
  | { kind: "role"; match: Fmt }
  | { kind: "literal"; literal: string; match: Fmt }
  | { kind: "path"; segments: readonly string[]; match: Fmt }
  | { kind: "opa"; path: string };

/** A boolean rule: true when any alternative's expressions all hold. */
export interface IrRule {
  /** Flat Rego name (`r_identity__get_user`, `_h3`). */
  name: string;
  alternatives: Expr[][];
  /** Rules exported for oslo names get `default name := false`; helpers do not. */
  exported: boolean;
  /** The oslo rule name and its check text, for exported rules. */
  oslo?: { name: string; check: string };
}

/** The whole export. */
export interface IrModule {
  rules: IrRule[];
  /** oslo rule name → flat Rego name. */
  names: Map<string, string>;
  /** Notes about checks that cannot be exported faithfully. */
  notes: string[];
}

function parseFmt(match: string): Fmt | null {
  const parts: (string | { key: string })[] = [];
  let lit = "";
  const re = /%(?:%|\(([^()]*)\)s)/g;
  let last = 0;
  for (const m of match.matchAll(re)) {
    lit += match.slice(last, m.index);
    last = (m.index ?? 0) + m[0].length;
    if (m[0] === "%%") lit += "%";
    else {
      if (lit) parts.push(lit), lit = "";
      parts.push({ key: m[1]! });
    }
  }
  const rest = match.slice(last);
  if (rest.includes("%")) return null;
  lit += rest;
  if (lit) parts.push(lit);
  return parts;
}

const flatName = (name: string) =>
  "r_" +
  name.replace(/:/g, "__").replace(/-/g, "_").replace(/[^A-Za-z0-9_]/g, (c) =>
    `_x${c.charCodeAt(0).toString(16)}_`);

/** Compiles effective oslo rules into the Rego form. */
export function compileRules(
  checks: ReadonlyMap<string, Check>,
  defaultRule: string | null,
): IrModule {
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const name of checks.keys()) {
    let flat = flatName(name);
    while (used.has(flat)) flat += "_";
    used.add(flat);
    names.set(name, flat);
  }
  const rules: IrRule[] = [];
  const notes: string[] = [];
  let helpers = 0;
  const cyclic = new Set(findViolations(checks).cyclic.map((c) => c.name));

  const helper = (alternatives: Expr[][]): Expr => {
    const name = `_h${++helpers}`;
    rules.push({ name, alternatives, exported: false });
    return { kind: "ref", rule: name };
  };
  const asOne = (alts: Expr[][]): Expr[] | null => {
    if (alts.length === 0) return null;
    if (alts.length === 1) return alts[0]!;
    return [helper(alts)];
  };
  const unsupported = (check: Check, why: string): Expr[][] => {
    notes.push(`${check}: ${why}; exported as false`);
    return [];
  };

  const compile = (check: Check): Expr[][] => {
    if (check instanceof TrueCheck) return [[]];
    if (check instanceof FalseCheck) return [];
    if (check instanceof OrCheck) return check.rules.flatMap(compile);
    if (check instanceof AndCheck) {
      const body: Expr[] = [];
      for (const c of check.rules) {
        const one = asOne(compile(c));
        if (!one) return [];
        body.push(...one);
      }
      return [body];
    }
    if (check instanceof NotCheck) {
      const alts = compile(check.rule);
      if (alts.length === 0) return [[]];
      const only = alts.length === 1 && alts[0]!.length === 1 ? alts[0]![0]! : null;
      if (alts.length === 1 && alts[0]!.length === 0) return [];
      const inner = only && only.kind !== "path" && only.kind !== "not" ? only : helper(alts);
      return [[{ kind: "not", expr: inner }]];
    }
    if (check instanceof RuleCheck) {
      const target = checks.has(check.match)
        ? check.match
        : defaultRule && checks.has(defaultRule)
        ? defaultRule
        : null;
      if (!target) return [];
      if (cyclic.has(target)) {
        return unsupported(check, "part of a cyclical reference (Rego has no recursion)");
      }
      return [[{ kind: "ref", rule: names.get(target)! }]];
    }
    if (check instanceof RoleCheck) {
      const match = parseFmt(check.match);
      return match
        ? [[{ kind: "role", match }]]
        : unsupported(check, "a % conversion other than %(key)s");
    }
    if (check instanceof OpaCheck) return [[{ kind: "opa", path: check.path }]];
    if (check instanceof GenericCheck) {
      const match = parseFmt(check.match);
      if (!match) return unsupported(check, "a % conversion other than %(key)s");
      const k = classifyKind(check.kind);
      if (k.type === "error") return unsupported(check, "oslo.policy raises on this check");
      if (k.type === "literal") {
        if (match.every((p) => typeof p === "string")) return match.join("") === k.str ? [[]] : [];
        return [[{ kind: "literal", literal: k.str, match }]];
      }
      return [[{ kind: "path", segments: k.segments, match }]];
    }
    if (check instanceof UnevaluableCheck) {
      return unsupported(check, "a bare word, which oslo.policy cannot evaluate");
    }
    return unsupported(
      check,
      `the "${(check as { kind?: string }).kind ?? check.constructor.name}" kind has no Rego form`,
    );
  };

  for (const [name, check] of checks) {
    const flat = names.get(name)!;
    let alternatives: Expr[][];
    if (cyclic.has(name)) {
      notes.push(
        `${name}: part of a cyclical reference (Rego has no recursion); exported as false`,
      );
      alternatives = [];
    } else alternatives = compile(check);
    rules.push({ name: flat, alternatives, exported: true, oslo: { name, check: String(check) } });
  }
  return { rules, names, notes };
}
