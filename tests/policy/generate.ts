/**
 * Seeded generators for the differential suite: rule expressions (valid and
 * broken), credentials, targets, policies and rule defaults. Same seed, same
 * cases, on every machine.
 *
 * @module
 */
import type { RuleDefault } from "../../lib/policy/mod.ts";

/** A seeded PRNG (mulberry32) with helpers. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    let t = (this.#s += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  subset<T>(xs: readonly T[], p = 0.5): T[] {
    return xs.filter(() => this.chance(p));
  }
}

const ROLE_MATCHES = [
  "admin",
  "Admin",
  "member",
  "reader",
  "READER",
  "service",
  "%(role)s",
  "%(missing)s",
];
const GENERIC = [
  "user_id:%(user_id)s",
  "user_id:%(target.user.id)s",
  "project_id:%(project_id)s",
  "domain_id:%(target.domain.id)s",
  "is_admin:True",
  "is_admin:1",
  "is_admin_project:True",
  "system_scope:all",
  "system:all",
  "True:%(enabled)s",
  "'Member':%(role.name)s",
  "roles:admin",
  "memberships.name:foo",
  "tags:x",
  "nested.a.b:1",
  "project_id:'p1'",
  "domain_id:20",
  "1:%(n)s",
  "None:%(z)s",
  "user.id:u1",
  "1.2.3:x",
  "2020-01-01:%(missing)s",
  "a:100%",
  "group.name:%(g)s",
  "user_id:%(user_id)d",
  "n:%(n)r",
  "False:%(enabled)s",
  '"x":%(g)s',
  "domain_id:%(n)s",
  "project_id:%(project_id)s%(missing)s",
  "system_scope:%(scope)s",
  "enabled:%(enabled)s",
  "@",
  "!",
]; // deno-fmt-ignore

function kw(r: Rng, word: string): string {
  return r.chance(0.8) ? word : r.pick([word.toUpperCase(), word[0]!.toUpperCase() + word.slice(1)]);
}

function space(r: Rng): string {
  return r.chance(0.9) ? " " : r.pick(["  ", "\t", "\n", " \n "]);
}

/** A base check: role, rule, or generic. */
export function genAtom(r: Rng, ruleNames: readonly string[]): string {
  const x = r.next();
  if (x < 0.3) return `role:${r.pick(ROLE_MATCHES)}`;
  if (x < 0.45 && ruleNames.length > 0) {
    return `rule:${r.chance(0.9) ? r.pick(ruleNames) : "undefined_rule"}`;
  }
  return r.pick(GENERIC);
}

function genExpr(r: Rng, names: readonly string[], depth: number): string {
  const x = r.next();
  if (depth <= 0 || x < 0.35) {
    const atom = genAtom(r, names);
    return r.chance(0.15) ? `${kw(r, "not")}${space(r)}${atom}` : atom;
  }
  if (x < 0.45) return `(${genExpr(r, names, depth - 1)})`;
  if (x < 0.52) return `${kw(r, "not")}${space(r)}(${genExpr(r, names, depth - 1)})`;
  const op = kw(r, r.chance(0.5) ? "and" : "or");
  const n = 2 + r.int(3);
  const parts = Array.from({ length: n }, () => genExpr(r, names, depth - 1));
  return parts.join(`${space(r)}${op}${space(r)}`);
}

/** A rule expression; about one in twelve is broken on purpose. */
export function genRule(r: Rng, names: readonly string[] = []): string {
  let rule = genExpr(r, names, 3);
  if (r.chance(0.08)) {
    rule = r.pick([
      `${rule} and`,
      `(${rule}`,
      `${rule})`,
      `${rule} or 'quoted'`,
      `${rule} bareword`,
      "",
      "   ",
      "'only'",
      "NOT",
      `[${rule}]`,
    ]);
  }
  return rule;
}

/** Credentials in the shape of oslo.context's `to_policy_values()`, with oddities. */
export function genCreds(r: Rng): Record<string, unknown> {
  const creds: Record<string, unknown> = {};
  if (r.chance(0.95)) {
    const roles = r.subset(["admin", "member", "reader", "service", "foo"], 0.35)
      .map((x) => (r.chance(0.2) ? x.toUpperCase() : x));
    creds.roles = r.chance(0.03) ? [...roles, { name: "foo" }] : roles;
  }
  creds.user_id = r.pick(["u1", "u2", null]);
  creds.project_id = r.pick(["p1", "p2", null]);
  creds.domain_id = r.pick(["d1", null, null, 20]);
  creds.system_scope = r.pick(["all", "", null, null]);
  if (r.chance(0.1)) creds.system = r.pick(["all", ""]);
  creds.is_admin = r.pick([true, false, "True", 1]);
  creds.is_admin_project = r.pick([true, false]);
  if (r.chance(0.5)) creds.tags = r.pick([["x", "y"], ["z"], "x"]);
  if (r.chance(0.4)) {
    creds.nested = r.pick([{ a: { b: 1 } }, { a: [{ b: 1 }, { b: 2 }] }, { a: "s" }]);
  }
  if (r.chance(0.4)) {
    creds.memberships = r.pick([[{ name: "foo" }], [{ name: "bar" }], [], ["foo"]]);
  }
  if (r.chance(0.2)) creds.user = { id: r.pick(["u1", "u2"]) };
  if (r.chance(0.2)) creds.group = { name: r.pick(["g1", "g2"]) };
  if (r.chance(0.1)) creds.n = r.pick([1, "1", 2.5]);
  if (r.chance(0.1)) creds.enabled = r.pick([true, "True"]);
  return creds;
}

/** A flat target (dotted keys), sometimes a nested one that flat lookups miss. */
export function genTarget(r: Rng): Record<string, unknown> {
  const t: Record<string, unknown> = {};
  const maybe = (k: string, vs: unknown[]) => {
    if (r.chance(0.6)) t[k] = r.pick(vs);
  };
  maybe("user_id", ["u1", "u2"]);
  maybe("project_id", ["p1", "p2"]);
  maybe("target.user.id", ["u1", "u2", 7]);
  maybe("target.domain.id", ["d1", "d2", 20]);
  maybe("role", ["admin", "Reader", "member"]);
  maybe("enabled", [true, false, "True", null]);
  maybe("role.name", ["Member", "member"]);
  maybe("n", [1, "1", 2.5, true]);
  maybe("z", [null, "None"]);
  maybe("g", ["g1", "g2", "x"]);
  maybe("scope", ["all", ""]);
  if (r.chance(0.1)) t.target = { user: { id: "u1" } };
  return t;
}

/** A policy: named rules (some referencing others), sometimes a default rule. */
export function genPolicy(r: Rng): Record<string, string> {
  const n = 3 + r.int(6);
  const names = Array.from({ length: n }, (_, i) => `svc:r${i}`);
  const all = r.chance(0.5) ? [...names, "default"] : names;
  const policy: Record<string, string> = {};
  for (const name of all) {
    policy[name] = genRule(
      r,
      all.filter((x) => x !== name || r.chance(0.05)),
    );
  }
  return policy;
}

const yamlQuote = (s: string) => JSON.stringify(s);

/** A policy as YAML text (double-quoted strings, as operators write them). */
export function policyYaml(policy: Record<string, unknown>): string {
  return Object.entries(policy).map(([k, v]) =>
    `${yamlQuote(k)}: ${typeof v === "string" ? yamlQuote(v) : JSON.stringify(v)}\n`
  ).join("");
}

/** Rule defaults with scope types, renamed and re-defaulted deprecated rules, removals. */
export function genDefaults(r: Rng, n: number): RuleDefault[] {
  const names = Array.from({ length: n }, (_, i) => `api:op${i}`);
  return names.map((name, i) => {
    const d: RuleDefault = { name, checkStr: genRule(r, names.slice(0, i)) };
    if (r.chance(0.6)) d.scopeTypes = r.subset(["system", "domain", "project"], 0.5);
    const x = r.next();
    if (x < 0.3) {
      d.deprecatedRule = {
        name: r.chance(0.5) ? name : `api:old_op${i}`,
        checkStr: r.chance(0.2) ? d.checkStr : genRule(r, []),
        deprecatedReason: "changed",
        deprecatedSince: "Z",
      };
    } else if (x < 0.38) {
      d.deprecatedForRemoval = true;
      d.deprecatedReason = "going away";
      d.deprecatedSince = "Y";
    }
    return d;
  });
}

/** File overrides for some defaults: new names, old names, and the `rule:new` alias. */
export function genOverrides(r: Rng, defaults: readonly RuleDefault[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of defaults) {
    if (r.chance(0.15)) out[d.name] = genRule(r, []);
    const old = d.deprecatedRule;
    if (old && old.name !== d.name && r.chance(0.5)) {
      out[old.name] = r.pick([`rule:${d.name}`, old.checkStr, genRule(r, [])]);
    }
  }
  if (r.chance(0.3)) out.default = r.pick(["@", "!", "role:admin"]);
  return out;
}
