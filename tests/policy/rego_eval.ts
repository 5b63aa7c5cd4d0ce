/**
 * An evaluator of the exported Rego form (lib/policy/rego_ir.ts) with Rego's
 * semantics as the printed module spells them (undefined is not true, `not`
 * of undefined is true, `some x in` iterates, `_oslo_str` of objects and
 * arrays is undefined). It lets the translation be checked against
 * lib/policy on thousands of decisions without an OPA here.
 *
 * @module
 */
import type { IrModule, RegoExpr, RegoFmt } from "../../lib/policy/mod.ts";

type Input = { target: Record<string, unknown>; credentials: Record<string, unknown> };

function str(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (v === true) return "True";
  if (v === false) return "False";
  if (v === null) return "None";
  if (typeof v === "number") return String(v);
  return undefined;
}

function fmt(f: RegoFmt, input: Input): string | undefined {
  let out = "";
  for (const p of f) {
    if (typeof p === "string") out += p;
    else {
      if (!Object.hasOwn(input.target, p.key)) return undefined;
      const s = str(input.target[p.key]);
      if (s === undefined) return undefined;
      out += s;
    }
  }
  return out;
}

const each = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

function index(v: unknown, key: string): unknown {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
  return Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined;
}

/** Evaluates exported rule `name` (flat Rego name) for an input. */
export function evalRego(ir: IrModule, name: string, input: Input): boolean {
  const byName = new Map(ir.rules.map((r) => [r.name, r]));
  const memo = new Map<string, boolean>();
  const rule = (n: string): boolean => {
    if (memo.has(n)) return memo.get(n)!;
    const r = byName.get(n)!;
    const v = r.alternatives.some((alt) => alt.every(expr));
    memo.set(n, v);
    return v;
  };
  const expr = (e: RegoExpr): boolean => {
    switch (e.kind) {
      case "const":
        return e.value;
      case "ref":
        return rule(e.rule);
      case "not":
        return !expr(e.expr);
      case "role": {
        const m = fmt(e.match, input);
        const roles = input.credentials.roles;
        if (m === undefined || !Array.isArray(roles)) return false;
        return roles.some((r) => typeof r === "string" && r.toLowerCase() === m.toLowerCase());
      }
      case "literal":
        return fmt(e.match, input) === e.literal;
      case "path": {
        const m = fmt(e.match, input);
        if (m === undefined) return false;
        let values: unknown[] = [input.credentials];
        for (const seg of e.segments) {
          values = values.flatMap((v) => {
            const x = index(v, seg);
            return x === undefined ? [] : each(x);
          });
        }
        return values.some((v) => str(v) === m);
      }
      case "opa":
        return false;
    }
  };
  return rule(name);
}
