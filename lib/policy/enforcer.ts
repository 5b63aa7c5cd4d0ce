/**
 * The `Enforcer`: oslo.policy's enforcement semantics over a policy file (text
 * or path), policy directories and defaults registered in code.
 *
 * Decision trace for `enforce(rule, target, creds)`:
 * 1. (Re)load when the source changed (text set with `setPolicy`, or file
 *    modification times, checked at most every `reloadInterval` ms).
 * 2. `creds.system_scope`, when truthy, is copied to `creds.system` (on a copy).
 * 3. No rules at all, or an unknown rule with no default rule → deny. In OPA
 *    mode too: a rule neither registered nor in a policy file is decided as
 *    the default rule (OPA is asked for the default rule's document) when that
 *    exists, else denied without asking OPA; `authorize()` throws
 *    PolicyNotRegistered for it, as everywhere.
 * 4. A registered rule with scope types: a token scope outside them denies
 *    with `enforceScope` (InvalidScope from `authorize`), else warns once.
 * 5. The check tree is evaluated in Kleene's three-valued logic (or, in OPA
 *    mode, OPA decides): a check that fails (OPA down, a bad `%` format) is
 *    "unknown", `opa:x or role:admin` still allows an admin, and a rule that
 *    ends unknown denies (fail closed). Every failure is logged with the rule
 *    name, at most one line per rule per second (then the count held back).
 *    `onDecision(rule, allowed, { error? })` is told.
 *
 * @module
 */
import { Check, type Creds, type Decision, type Target, TrueCheck } from "./checks.ts";
import {
  DuplicatePolicyError,
  InvalidContextObject,
  InvalidDefinitionError,
  InvalidScope,
  PolicyNotAuthorized,
  PolicyNotRegistered,
} from "./errors.ts";
import { parseRule } from "./parser.ts";
import { PolicyLoader } from "./policy_loader.ts";
import { CheckRegistry } from "./registry.ts";
import { withSystem } from "./token_scope.ts";
import { type RuleDefault, validateRuleDefault } from "./rule_default.ts";
import {
  buildRuleSet,
  emptyRules,
  findViolations,
  type Registered,
  type RuleSet,
  type Violations,
} from "./rule_set.ts";
import { describeRules, type RuleInfo } from "./rule_info.ts";
import { DecisionEntries, type Entry, scopeAllows, type ScopeOptions } from "./decision_entries.ts";
import { FailureLog } from "./failure_log.ts";
import type { DecisionRequest, EnforcerOptions, PolicyStatus } from "./enforcer_options.ts";

const MAX_RUNTIME_WARNINGS = 1000;
// Settled promises are immutable: every local decision shares these two.
const ALLOWED: Promise<boolean> = Promise.resolve(true);
const DENIED: Promise<boolean> = Promise.resolve(false);

/**
 * Enforces oslo.policy rules.
 *
 * @example Defaults, a policy file and a decision
 * ```ts
 * import { Enforcer } from "./enforcer.ts";
 * import assert from "node:assert/strict";
 *
 * const enforcer = new Enforcer({
 *   policy: '"admin_required": "role:admin"\n',
 *   defaults: [{ name: "identity:get_user", checkStr: "rule:admin_required or user_id:%(target.user.id)s" }],
 * });
 * assert.equal(await enforcer.enforce("identity:get_user", { "target.user.id": "u1" }, { user_id: "u1", roles: [] }), true);
 * assert.equal(await enforcer.enforce("identity:get_user", {}, { user_id: "u2", roles: ["Admin"] }), true);
 * assert.equal(await enforcer.enforce("identity:get_user", {}, { user_id: "u2", roles: ["member"] }), false);
 * ```
 */
export class Enforcer {
  readonly #opts: EnforcerOptions;
  readonly #registry: CheckRegistry;
  readonly #registered = new Map<string, Registered>();
  readonly #onWarning: (message: string) => void;
  readonly #warned = new Set<string>();
  readonly #failures: FailureLog;
  readonly #loader: PolicyLoader;
  readonly #entries: DecisionEntries;
  readonly #scope: ScopeOptions;

  constructor(options: EnforcerOptions = {}) {
    if (options.policy !== undefined && options.policyFile !== undefined) {
      throw new TypeError("Cannot use both policy (text) and policyFile (path): give one");
    }
    this.#opts = options;
    this.#entries = new DecisionEntries(this.#registered, !options.decider && !options.noCompile);
    this.#scope = { enforceScope: options.enforceScope ?? false, warn: (m) => this.#warnOnce(m) };
    this.#registry = options.registry ?? CheckRegistry.withBuiltins();
    const onWarning = options.onWarning ?? ((m) => console.warn(`policy: ${m}`));
    this.#onWarning = onWarning;
    this.#failures = new FailureLog({
      warn: onWarning,
      ...(options.failureLogInterval !== undefined
        ? { intervalMs: options.failureLogInterval }
        : {}),
    });
    this.#loader = new PolicyLoader({
      ...(options.policy !== undefined ? { policyText: options.policy } : {}),
      ...(options.policyName !== undefined ? { policyName: options.policyName } : {}),
      ...(options.policyFile !== undefined ? { policyFile: options.policyFile } : {}),
      ...(options.policyDirs !== undefined ? { policyDirs: options.policyDirs } : {}),
      ...(options.reloadInterval !== undefined ? { reloadInterval: options.reloadInterval } : {}),
      build: (files, warn) =>
        buildRuleSet(files, this.#registered, {
          registry: this.#registry,
          defaultRule: options.defaultRule === undefined ? "default" : options.defaultRule,
          enforceNewDefaults: options.enforceNewDefaults ?? false,
          services: options.services ?? {},
          warn,
          onMaskedFailure: (rule, e) =>
            this.#failures.log(
              rule ?? "(check)",
              `${rule ?? "A check"}: ${messageOf(e)} (decided without it)`,
            ),
        }),
      // Load warnings recur on every reload: tell each once, as Python's warnings module does.
      onWarning: (m) => this.#warnOnce(m),
    });
    this.registerDefaults(options.defaults ?? []);
  }

  /** Registers one default; throws DuplicatePolicyError or InvalidRuleDefault. */
  registerDefault(def: RuleDefault): void {
    validateRuleDefault(def);
    if (this.#registered.has(def.name)) throw new DuplicatePolicyError(def.name);
    const warn = (m: string) => this.#warnOnce(`${m} (default "${def.name}")`);
    const check = parseRule(def.checkStr, { registry: this.#registry, warn });
    const deprecatedCheck = def.deprecatedRule
      ? parseRule(def.deprecatedRule.checkStr, { registry: this.#registry, warn })
      : undefined;
    this.#registered.set(def.name, { def: structuredClone(def), check, deprecatedCheck });
    this.#entries.clear();
    this.#loader?.invalidate();
  }

  /** Registers defaults in order. */
  registerDefaults(defs: readonly RuleDefault[]): void {
    for (const d of defs) this.registerDefault(d);
  }

  /** The registered defaults. */
  get defaults(): RuleDefault[] {
    return [...this.#registered.values()].map((r) => r.def);
  }

  /** Replaces the policy text (for example from a KV watch); applies on the next decision. */
  setPolicy(text: string): void {
    if (this.#opts.policyFile !== undefined) {
      throw new TypeError("Cannot set policy text on an enforcer that reads policyFile");
    }
    this.#loader.setText(text);
  }

  /** Loads (or reloads) now; throws PolicyFileError for unreadable or unparseable files. */
  async load(): Promise<this> {
    await this.#loader.load(true);
    return this;
  }

  #warnOnce(message: string): void {
    if (this.#warned.has(message)) return;
    if (this.#warned.size < MAX_RUNTIME_WARNINGS) this.#warned.add(message);
    this.#onWarning(message);
  }

  #ensure(): Promise<void> | null {
    return this.#loader.ensure();
  }

  get #rules(): RuleSet | null {
    return this.#loader.rules;
  }

  /** Whether `rule` is allowed for `creds` on `target`. Never rejects. */
  enforce(rule: string | Check, target: Target = {}, creds: Creds = {}): Promise<boolean> {
    const pending = this.#ensure();
    if (pending) return pending.then(() => this.#safe(rule, target, creds), () => false);
    return this.#safe(rule, target, creds);
  }

  /** Decides several requests; in OPA mode, in one round trip where the decider can batch. */
  async enforceMany(requests: readonly DecisionRequest[]): Promise<boolean[]> {
    await this.#ensure()?.catch(() => {});
    const decider = this.#opts.decider;
    if (!decider?.decideMany) {
      return Promise.all(requests.map((r) => this.#safe(r.rule, r.target ?? {}, r.creds)));
    }
    // As in #decide: the scope check and OPA see `system_scope` copied to `system`.
    const asked = requests.map((r) => ({ ...r, creds: withSystem(r.creds) }));
    const out: (false | null)[] = asked.map((r) =>
      this.#precheck(r.rule, r.target ?? {}, r.creds) === false ? false : null
    );
    const todo = asked.filter((_, i) => out[i] === null);
    const decided = todo.length
      ? await decider.decideMany(todo.map((r) => ({ ...r, rule: this.#opaRule(r.rule)! })))
      : [];
    let j = 0;
    return out.map((v, i) => {
      const allowed = v ?? decided[j++] === true;
      this.#opts.onDecision?.(requests[i]!.rule, allowed);
      return allowed;
    });
  }

  /**
   * Whether `rule` allows everyone without deciding anything: registered with
   * no scope types, its effective check `@` (the empty rule), local mode, the
   * rules loaded and no reload due. Callers may skip `authorize(rule)` then
   * (it could only allow, and is not reported to `onDecision`).
   */
  isOpen(rule: string): boolean {
    if (this.#opts.decider || this.#ensure() !== null) return false;
    const reg = this.#registered.get(rule);
    if (!reg || (reg.def.scopeTypes?.length ?? 0) > 0) return false;
    return this.#rules?.checks.get(rule) instanceof TrueCheck;
  }

  /** Like {@linkcode enforce}, but the rule must be registered; throws PolicyNotRegistered, InvalidScope, PolicyNotAuthorized. */
  authorize(rule: string, target: Target = {}, creds: Creds = {}): Promise<true> {
    const pending = this.#ensure();
    if (pending) return pending.catch(() => {}).then(() => this.#authorizeNow(rule, target, creds));
    return this.#authorizeNow(rule, target, creds);
  }

  #authorizeNow(rule: string, target: Target, creds: Creds): Promise<true> {
    if (!this.#registered.has(rule)) return Promise.reject(new PolicyNotRegistered(rule));
    let decision: Decision;
    try {
      decision = this.#decide(rule, target, creds, true);
    } catch (e) {
      if (e instanceof InvalidScope || e instanceof InvalidContextObject) return Promise.reject(e);
      decision = this.#failed(rule, e);
    }
    const verdict = (allowed: boolean): true => {
      if (!allowed) throw new PolicyNotAuthorized(rule);
      return true;
    };
    if (typeof decision === "boolean") {
      return decision ? Promise.resolve(true) : Promise.reject(new PolicyNotAuthorized(rule));
    }
    return this.#settle(decision, rule).then(verdict);
  }

  #safe(rule: string | Check, target: Target, creds: Creds): Promise<boolean> {
    const name = typeof rule === "string" ? rule : String(rule);
    let d: Decision;
    try {
      d = this.#decide(rule, target, creds, false);
    } catch (e) {
      d = this.#failed(name, e);
    }
    return d === true ? ALLOWED : d === false ? DENIED : this.#settle(d, name);
  }

  #settle(d: Decision, name: string): Promise<boolean> {
    if (typeof d === "boolean") return Promise.resolve(d);
    return d.catch((e) => this.#failed(name, e));
  }

  /** A rule whose value is unknown (a check failed and nothing else decided): deny, and log. */
  #failed(name: string, e: unknown): false {
    this.#failures.log(name, `Denied ${name}: ${messageOf(e)}`);
    this.#opts.onDecision?.(name, false, { error: e });
    return false;
  }

  /**
   * OPA mode: the rule OPA decides for `rule`: itself when it is registered or
   * in a policy file, else the default rule when that is (oslo.policy's
   * fallback), else none (denied without asking OPA).
   */
  #opaRule(rule: string): string | null {
    const set = this.#rules;
    if (!set) return null;
    if (set.checks.has(rule)) return rule;
    const fallback = set.defaultRule;
    return fallback && set.checks.has(fallback) ? fallback : null;
  }

  /** Checks that apply before any rule runs: false (denied), or the rule's entry when it must decide. */
  #precheck(rule: string, target: Target, creds: Creds, raise = false): false | Entry {
    if (creds === null || typeof creds !== "object" || Array.isArray(creds)) {
      const err = new InvalidContextObject(Array.isArray(creds) ? "a list" : typeof creds);
      if (raise) throw err;
      this.#warnOnce(`Denied ${rule}: ${err.message}`);
      return false;
    }
    if (target === null || typeof target !== "object" || Array.isArray(target)) {
      this.#warnOnce(`Denied ${rule}: the target must be an object`);
      return false;
    }
    const set = this.#rules;
    if (!set) return false;
    const entry = this.#entries.get(set, rule);
    if (this.#opts.decider ? this.#opaRule(rule) === null : !entry.check) return false;
    const scopes = entry.scopes;
    if (scopes && !scopeAllows(rule, entry, scopes, creds, this.#scope, raise)) return false;
    return entry;
  }

  #decide(rule: string | Check, target: Target, creds: Creds, raise: boolean): Decision {
    let result: Decision;
    let name: string;
    if (rule instanceof Check) {
      name = String(rule);
      if (typeof creds !== "object" || creds === null) throw new InvalidContextObject(typeof creds);
      const c = withSystem(creds);
      const scopes = rule.scopeTypes;
      if (scopes?.length && !scopeAllows(name, null, scopes, c, this.#scope, raise)) return false;
      result = rule.evaluate(target, c, (this.#rules ?? emptyRules()).context(null), 0);
    } else {
      name = rule;
      const c = withSystem(creds);
      const entry = this.#precheck(rule, target, c, raise);
      if (entry === false) result = false;
      else if (this.#opts.decider) {
        result = this.#opts.decider.decide(this.#opaRule(rule)!, target, c);
      } else {
        const fast = entry.fast === null ? undefined : entry.fast(target, c);
        result = fast ?? (entry.check as Check).evaluate(target, c, entry.ctx, 0);
      }
    }
    const onDecision = this.#opts.onDecision;
    if (!onDecision) return result;
    if (typeof result === "boolean") return onDecision(name, result), result;
    return result.then((v) => (onDecision(name, v), v));
  }

  /** Undefined references and cycles in the current rules; throws InvalidDefinitionError with `raiseOnViolation`. */
  async checkRules(options: { raiseOnViolation?: boolean } = {}): Promise<Violations> {
    await this.#ensure();
    const v = findViolations(this.#rules?.checks ?? new Map());
    const names = [...v.undefined.map((u) => u.name), ...v.cyclic.map((c) => c.name)];
    if (options.raiseOnViolation && names.length > 0) {
      throw new InvalidDefinitionError(names, "Check logs for more details.");
    }
    return v;
  }

  /** The effective rules with their sources, scope types and deprecations. */
  async rules(): Promise<RuleInfo[]> {
    await this.#ensure();
    return describeRules(this.#rules ?? emptyRules(), this.#registered);
  }

  /**
   * Whether `name` is a rule of the rules in force now (registered or in a
   * policy file), without waiting for a due reload; false before the first load.
   */
  hasRule(name: string): boolean {
    return this.#rules?.checks.has(name) ?? false;
  }

  /** The effective check of a rule (after files, defaults and deprecations), if any. */
  async ruleCheck(name: string): Promise<Check | undefined> {
    await this.#ensure();
    return this.#rules?.checks.get(name);
  }

  /** Every effective check by rule name, and the default rule's name (for exporters). */
  async effectiveRules(): Promise<
    { checks: ReadonlyMap<string, Check>; defaultRule: string | null }
  > {
    await this.#ensure();
    return {
      checks: new Map(this.#rules?.checks ?? []),
      defaultRule: this.#rules?.defaultRule ?? null,
    };
  }

  /** Load state for health checks. */
  status(): PolicyStatus {
    return {
      loaded: this.#rules !== null,
      loadedAt: this.#loader.loadedAt,
      rules: this.#rules?.checks.size ?? 0,
      defaults: this.#registered.size,
      sources: [...this.#loader.sources],
      missing: [...this.#loader.missing],
      warnings: [...this.#loader.warnings],
      error: this.#loader.error,
      mode: this.#opts.decider ? "opa" : "local",
    };
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
