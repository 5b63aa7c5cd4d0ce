/**
 * `policyToRego()`: an oslo policy (policy file plus registered defaults, after
 * deprecations) as one Rego module, one rule per oslo rule, at the data paths
 * oslo-edge's OPA mode asks for (`identity:get_user` → `data.<package>.identity.get_user`).
 *
 * The input is what OPA mode and `opa:` checks send:
 * `{"rule", "target", "credentials"}`, targets with flat dotted keys.
 * Equivalent to oslo.policy for well-formed credentials and targets; where
 * oslo.policy raises (bad `%` formats, paths through scalars, cycles) the Rego
 * rule is false, and the module lists those checks in its header.
 *
 * @module
 */
import type { Check } from "./checks.ts";
import { rulePath } from "./opa_decider.ts";
import { compileRules, type Expr, type Fmt, type IrModule } from "./rego_ir.ts";

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = new Set([
  "as",
  "default",
  "else",
  "false",
  "import",
  "package",
  "not",
  "null",
  "true",
  "with",
  "some",
  "in",
  "every",
  "if",
  "contains",
  "input",
  "data",
]); // deno-fmt-ignore

const HELPERS = `# oslo.policy's str() of a JSON value, and its "any element of a list" path walk.
_oslo_str(v) := v if is_string(v)

_oslo_str(v) := "True" if v == true

_oslo_str(v) := "False" if v == false

_oslo_str(v) := "None" if is_null(v)

_oslo_str(v) := sprintf("%v", [v]) if is_number(v)

_oslo_each(v) := v if is_array(v)

_oslo_each(v) := [v] if not is_array(v)

# role:NAME — a case-insensitive match against the credentials' roles.
_oslo_has_role(name) if {
	some r in input.credentials.roles
	lower(r) == name
}

# opa:PATH — allowed when the document is true or has allow == true.
_oslo_allow(d) if d == true

_oslo_allow(d) if d.allow == true
`;

function fmtExpr(fmt: Fmt): string {
  const parts = fmt.map((p) =>
    typeof p === "string" ? JSON.stringify(p) : `_oslo_str(input.target[${JSON.stringify(p.key)}])`
  );
  if (parts.length === 0) return '""';
  return parts.length === 1 ? parts[0]! : `concat("", [${parts.join(", ")}])`;
}

function exprLines(e: Expr, fresh: () => string): string[] {
  switch (e.kind) {
    case "const":
      return [String(e.value)];
    case "ref":
      return [e.rule];
    case "not":
      return [`not ${exprLines(e.expr, fresh)[0]}`];
    case "role":
      return [
        `_oslo_has_role(${
          e.match.every((p) => typeof p === "string")
            ? JSON.stringify(e.match.join("").toLowerCase())
            : `lower(${fmtExpr(e.match)})`
        })`,
      ];
    case "literal":
      return [`${JSON.stringify(e.literal)} == ${fmtExpr(e.match)}`];
    case "path": {
      const lines: string[] = [];
      let prev = "input.credentials";
      for (const seg of e.segments) {
        const v = fresh();
        lines.push(`some ${v} in _oslo_each(${prev}[${JSON.stringify(seg)}])`);
        prev = v;
      }
      lines.push(`_oslo_str(${prev}) == ${fmtExpr(e.match)}`);
      return lines;
    }
    case "opa":
      return [
        `_oslo_allow(data${
          e.path.split("/").filter(Boolean).map((s) => `[${JSON.stringify(s)}]`).join("")
        })`,
      ];
  }
}

function body(exprs: Expr[]): string {
  let n = 0;
  const fresh = () => `v${++n}`;
  const lines = exprs.flatMap((e) => exprLines(e, fresh));
  return lines.length === 0 ? "true" : lines.join("\n\t");
}

function documents(ir: IrModule, notes: string[]): string[] {
  type Tree = Map<string, Tree | string>;
  const root: Tree = new Map();
  for (const [oslo, flat] of ir.names) {
    const segs = rulePath(oslo).split("/").filter(Boolean);
    let node = root;
    let ok = true;
    for (const s of segs.slice(0, -1)) {
      const next = node.get(s);
      if (typeof next === "string") ok = false;
      if (!ok) break;
      if (!next) node.set(s, new Map());
      node = node.get(s) as Tree;
    }
    const leaf = segs[segs.length - 1]!;
    if (!ok || node.get(leaf) instanceof Map) {
      notes.push(
        `${oslo}: its data path ${
          segs.join("/")
        } clashes with another rule's; not exported as a document`,
      );
      continue;
    }
    node.set(leaf, flat);
  }
  const render = (t: Tree, indent: string): string =>
    `{\n${
      [...t].map(([k, v]) =>
        `${indent}\t${JSON.stringify(k)}: ${typeof v === "string" ? v : render(v, `${indent}\t`)},`
      ).join("\n")
    }\n${indent}}`;
  const out: string[] = [];
  for (const [k, v] of root) {
    if (!IDENT.test(k) || KEYWORDS.has(k) || k.startsWith("_") || /^r_/.test(k)) {
      notes.push(`${k}: not a Rego rule name; its rules are not exported as documents`);
      continue;
    }
    out.push(`${k} := ${typeof v === "string" ? v : render(v, "")}`);
  }
  return out;
}

/** Options of {@linkcode policyToRego}. */
export interface RegoOptions {
  /** Package name (`oslo` → `data.oslo.*`; set `[oslo_policy] opa_path_prefix` to match). */
  packageName?: string;
  /** Where the rules came from, for the header. */
  source?: string;
}

/**
 * Exports effective oslo rules as a Rego module.
 *
 * @example One rule
 * ```ts
 * import { policyToRego } from "./rego_text.ts";
 * import { parseRule } from "./parser.ts";
 * import assert from "node:assert/strict";
 *
 * const rego = policyToRego(new Map([["svc:get", parseRule("role:admin or user_id:%(user_id)s")]]), null);
 * assert.match(rego, /^package oslo$/m);
 * assert.match(rego, /r_svc__get if \{\n\t_oslo_has_role\("admin"\)\n\}/);
 * assert.match(rego, /svc := \{\n\t"get": r_svc__get,\n\}/);
 * ```
 */
export function policyToRego(
  checks: ReadonlyMap<string, Check>,
  defaultRule: string | null,
  options: RegoOptions = {},
): string {
  const ir = compileRules(checks, defaultRule);
  const notes = [...ir.notes];
  const docs = documents(ir, notes);
  const pkg = options.packageName ?? "oslo";
  const out: string[] = [
    `# Generated by oslo-edge (deno task policy-to-rego)${
      options.source ? ` from ${options.source}` : ""
    }.`,
    `# One Rego rule per oslo.policy rule, at data.${pkg}.<rule name with ':' as '.' and '-' as '_'>.`,
    '# Input: {"rule", "target", "credentials"} as oslo-edge\'s OPA mode sends it (flat target keys).',
    ...(notes.length
      ? ["#", "# Not exported faithfully (false here; oslo.policy would raise or recurse):"]
      : []),
    ...notes.map((n) => `#   ${n}`),
    `package ${pkg}`,
    "",
    "import rego.v1",
    "",
  ];
  for (const r of ir.rules) {
    if (r.exported) {
      out.push(`# ${JSON.stringify(r.oslo!.name)}: ${JSON.stringify(r.oslo!.check)}`);
      out.push(`default ${r.name} := false`, "");
    }
    for (const alt of r.alternatives) out.push(`${r.name} if {\n\t${body(alt)}\n}`, "");
  }
  out.push("# Documents at the oslo rule names.", ...docs.flatMap((d) => [d, ""]), HELPERS);
  return out.join("\n");
}
