/**
 * The effective rules: policy files (in order, later files override earlier
 * ones) over the registered defaults, deprecated rules handled as oslo.policy's
 * `_handle_deprecated_rule`, and the load-time checks for undefined `rule:`
 * references and cycles (`check_rules`).
 *
 * @module
 */
import { RuleCheck } from "./builtin_checks.ts";
import { AndCheck, type Check, type EvalContext, OrCheck, UnevaluableCheck } from "./checks.ts";
import { parseRule } from "./parser.ts";
import type { PolicyFile } from "./policy_file.ts";
import { pyStringRepr } from "./py_str.ts";
import type { CheckRegistry } from "./registry.ts";
import type { RuleDefault } from "./rule_default.ts";

/** A registered default with its parsed checks. */
export interface Registered {
  readonly def: RuleDefault;
  readonly check: Check;
  readonly deprecatedCheck: Check | undefined;
}

/** A rule as a file gave it. */
export interface FileRule {
  readonly name: string;
  /** The raw value (string or legacy list). */
  readonly value: unknown;
  readonly check: Check;
  readonly file: string;
  readonly line: number | undefined;
}

/** Where a rule name is defined, for messages: `policy.yaml:3` or `default`. */
export function whereDefined(set: RuleSet, name: string): string {
  const f = set.fileRules.get(name);
  if (!f) return "default";
  return f.line === undefined ? f.file : `${f.file}:${f.line}`;
}

/** How a {@linkcode RuleSet}'s checks are evaluated. */
export interface EvalOptions {
  /** Told of a check that failed without deciding its rule's result, with the rule's name. */
  onMaskedFailure?: (rule: string | null, error: unknown) => void;
  /** oslo.policy's evaluation (the first failure throws) instead of Kleene logic. */
  strict?: boolean;
}

/** The effective rules, looked up with the default-rule fallback. */
export class RuleSet {
  readonly checks: Map<string, Check>;
  readonly fileRules: Map<string, FileRule>;
  readonly defaultRule: string | null;
  readonly #services: Readonly<Record<string, unknown>>;
  readonly #eval: EvalOptions;
  readonly #contexts = new Map<string | null, EvalContext>();
  constructor(
    checks: Map<string, Check>,
    fileRules: Map<string, FileRule>,
    defaultRule: string | null,
    services: Readonly<Record<string, unknown>>,
    evalOptions: EvalOptions = {},
  ) {
    this.checks = checks;
    this.fileRules = fileRules;
    this.defaultRule = defaultRule;
    this.#services = services;
    this.#eval = evalOptions;
  }
  /** Whether `name` is a rule here, or falls back to a default rule that is. */
  has(name: string): boolean {
    return this.checks.has(name) || (!!this.defaultRule && this.checks.has(this.defaultRule));
  }
  /** A rule by name; a missing one falls back to the default rule if that exists. */
  lookup(name: string): Check | undefined {
    const c = this.checks.get(name);
    if (c !== undefined || !this.defaultRule) return c;
    return this.checks.get(this.defaultRule);
  }
  /** The evaluation context for a decision on `name` (cached). */
  context(name: string | null): EvalContext {
    let ctx = this.#contexts.get(name);
    if (!ctx) {
      const { onMaskedFailure, strict } = this.#eval;
      ctx = {
        rule: (n) => this.lookup(n),
        currentRule: name,
        services: this.#services,
        ...(onMaskedFailure ? { report: (e: unknown) => onMaskedFailure(name, e) } : {}),
        ...(strict ? { strict } : {}),
      };
      if (this.#contexts.size < 10_000) this.#contexts.set(name, ctx);
    }
    return ctx;
  }
}

/** Inputs of {@linkcode buildRuleSet}. */
export interface BuildOptions extends EvalOptions {
  registry: CheckRegistry;
  defaultRule: string | null;
  enforceNewDefaults: boolean;
  services: Readonly<Record<string, unknown>>;
  warn: (message: string) => void;
}

const pyList = (names: readonly string[]) => `[${names.map(pyStringRepr).join(", ")}]`;

function deprecatedMessage(reg: Registered): string {
  const d = reg.def, dep = d.deprecatedRule!;
  return `Policy "${dep.name}":"${dep.checkStr}" was deprecated in ${
    dep.deprecatedSince ?? d.deprecatedSince ?? "None"
  } in favor of "${d.name}":"${d.checkStr}". Reason: ${
    dep.deprecatedReason ?? d.deprecatedReason ?? "None"
  }. Either ensure your deployment is ready for the new default or copy/paste the deprecated policy into your policy file and maintain it manually.`;
}

function handleDeprecated(
  reg: Registered,
  fileRules: Map<string, FileRule>,
  options: BuildOptions,
): Check {
  const d = reg.def, dep = d.deprecatedRule!;
  if (dep.name !== d.name && fileRules.has(dep.name)) {
    options.warn(deprecatedMessage(reg));
    const old = fileRules.get(dep.name)!;
    // oslo.policy compares the check objects with `!=`: by identity, which never matches,
    // except for two bare words (Python strings), which compare by value.
    const same = old.check instanceof UnevaluableCheck &&
      reg.deprecatedCheck instanceof UnevaluableCheck &&
      old.check.word === reg.deprecatedCheck.word;
    if (!same && String(old.check) !== `rule:${d.name}` && !fileRules.has(d.name)) {
      return old.check;
    }
  }
  if (!options.enforceNewDefaults && dep.checkStr !== d.checkStr && !fileRules.has(d.name)) {
    options.warn(deprecatedMessage(reg));
    return new OrCheck([reg.check, reg.deprecatedCheck!]);
  }
  return reg.check;
}

/** Builds the effective rules from policy files (in order) and registered defaults. */
export function buildRuleSet(
  files: readonly PolicyFile[],
  registered: ReadonlyMap<string, Registered>,
  options: BuildOptions,
): RuleSet {
  const checks = new Map<string, Check>();
  const fileRules = new Map<string, FileRule>();
  for (const file of files) {
    const redundant: string[] = [];
    for (const e of file.entries) {
      const at = e.line === undefined ? file.file : `${file.file}:${e.line}`;
      if (e.value === null || e.value === undefined) {
        options.warn(`Policy "${e.name}" (${at}) has an empty value, which allows everyone ("@")`);
      }
      const check = parseRule(e.value, {
        registry: options.registry,
        warn: (m) => options.warn(`${m} (policy "${e.name}", ${at})`),
      });
      checks.set(e.name, check);
      fileRules.set(e.name, { name: e.name, value: e.value, check, file: file.file, line: e.line });
      const reg = registered.get(e.name);
      if (reg && String(reg.check) === String(check)) redundant.push(e.name);
    }
    if (redundant.length > 0) {
      options.warn(
        `Policy Rules ${
          pyList(redundant)
        } specified in policy files are the same as the defaults provided by the service. You can remove these rules from policy files which will make maintenance easier. You can detect these redundant rules by \`\`oslopolicy-list-redundant\`\` tool also.`,
      );
    }
  }
  for (const reg of registered.values()) {
    const d = reg.def;
    if (d.deprecatedForRemoval && fileRules.has(d.name)) {
      options.warn(
        `Policy "${d.name}":"${d.checkStr}" was deprecated for removal in ${d.deprecatedSince}. Reason: ${d.deprecatedReason}. Its value may be silently ignored in the future.`,
      );
    }
    if (checks.has(d.name)) continue;
    checks.set(d.name, d.deprecatedRule ? handleDeprecated(reg, fileRules, options) : reg.check);
  }
  const set = new RuleSet(checks, fileRules, options.defaultRule, options.services, {
    ...(options.onMaskedFailure ? { onMaskedFailure: options.onMaskedFailure } : {}),
    ...(options.strict ? { strict: true } : {}),
  });
  const v = findViolations(checks);
  if (v.undefined.length > 0) {
    const detail = v.undefined.map((u) =>
      `${u.name} (${whereDefined(set, u.name)}) → ${u.refs.map((r) => `rule:${r}`).join(", ")}`
    );
    options.warn(
      `Policies ${pyList(v.undefined.map((u) => u.name))} reference a rule that is not defined: ${
        detail.join("; ")
      }`,
    );
  }
  if (v.cyclic.length > 0) {
    const detail = v.cyclic.map((c) =>
      `${c.name} (${whereDefined(set, c.name)}): ${c.path.join(" → ")}`
    );
    options.warn(
      `Policies ${pyList(v.cyclic.map((c) => c.name))} are part of a cyclical reference: ${
        detail.join("; ")
      }`,
    );
  }
  return set;
}

/** Rules with undefined references or cycles. */
export interface Violations {
  /** Rules that reference undefined rules, with the names they reference. */
  undefined: { name: string; refs: string[] }[];
  /** Rules that reach a cycle, with the path that repeats. */
  cyclic: { name: string; path: string[] }[];
}

function children(check: Check): readonly Check[] | undefined {
  return check instanceof AndCheck || check instanceof OrCheck ? check.rules : undefined;
}

function undefinedRefs(check: Check, checks: ReadonlyMap<string, Check>, out: string[]): void {
  if (check instanceof RuleCheck && !checks.has(check.match)) out.push(check.match);
  for (const c of children(check) ?? []) undefinedRefs(c, checks, out);
}

function cyclePath(
  check: Check,
  checks: ReadonlyMap<string, Check>,
  seen: string[],
): string[] | null {
  if (check instanceof RuleCheck) {
    if (seen.includes(check.match)) return [...seen, check.match];
    seen = [...seen, check.match];
    const next = checks.get(check.match);
    if (next) {
      const p = cyclePath(next, checks, seen);
      if (p) return p;
    }
  }
  for (const c of children(check) ?? []) {
    const p = cyclePath(c, checks, seen);
    if (p) return p;
  }
  return null;
}

/**
 * oslo.policy's `check_rules`: undefined `rule:` references and cycles,
 * following `and`/`or` branches (each with its own path) but, as oslo.policy
 * does, not looking inside `not`.
 */
export function findViolations(checks: ReadonlyMap<string, Check>): Violations {
  const out: Violations = { undefined: [], cyclic: [] };
  for (const [name, check] of checks) {
    const refs: string[] = [];
    undefinedRefs(check, checks, refs);
    if (refs.length > 0) out.undefined.push({ name, refs });
    const path = cyclePath(check, checks, []);
    if (path) {
      const shown: string[] = [];
      for (const step of [name, ...path]) {
        shown.push(step);
        if (shown.indexOf(step) !== shown.length - 1) break;
      }
      out.cyclic.push({ name, path: shown });
    }
  }
  return out;
}

/** Options of {@linkcode rulesFromPolicy}. */
export interface RulesFromPolicyOptions {
  /** Default rule name (`default` unless given; null for none). */
  defaultRule?: string | null;
  registry?: CheckRegistry;
  services?: Readonly<Record<string, unknown>>;
  warn?: (message: string) => void;
  /** oslo.policy's evaluation: the first failure throws through `and`/`or` (oslopolicy-checker). */
  strict?: boolean;
}

/**
 * The rules of policy files alone, with no defaults, as oslopolicy-checker
 * loads them (`Rules.load(data, "default")`): look rules up and evaluate
 * their checks directly.
 */
export function rulesFromPolicy(
  files: readonly PolicyFile[],
  registry: CheckRegistry,
  options: RulesFromPolicyOptions = {},
): RuleSet {
  return buildRuleSet(files, new Map(), {
    registry: options.registry ?? registry,
    defaultRule: options.defaultRule === undefined ? "default" : options.defaultRule,
    enforceNewDefaults: false,
    services: options.services ?? {},
    warn: options.warn ?? (() => {}),
    ...(options.strict ? { strict: true } : {}),
  });
}

let empty: RuleSet | undefined;
/** A rule set with no rules (for ad-hoc check trees before anything is loaded). */
export function emptyRules(): RuleSet {
  return empty ??= new RuleSet(new Map(), new Map(), null, {});
}
