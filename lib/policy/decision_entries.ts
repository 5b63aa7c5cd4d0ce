/**
 * What the enforcer's local decisions need per rule name, looked up once per
 * rule set and kept while that rule set is current: the effective check (the
 * default rule's for an unknown name), its evaluation context, the compiled
 * check (lib/policy/compiled.ts), the registered scope types, and which token
 * scopes were already warned about; and the scope check they feed (a
 * mismatch builds its warning once per rule and token scope, not on every
 * decision).
 *
 * @module
 */
import type { Check, Creds, EvalContext } from "./checks.ts";
import { compileCheck, type Compiled, type CompileMemo } from "./compiled.ts";
import { InvalidScope } from "./errors.ts";
import type { RuleDefault } from "./rule_default.ts";
import { scopeWarning, tokenScope } from "./token_scope.ts";
import type { Registered, RuleSet } from "./rule_set.ts";

/** Rule names whose entries are kept per rule set (entries for unknown names beyond are built per call). */
const MAX_ENTRIES = 10_000;
const SCOPE_BIT = { system: 1, domain: 2, project: 4 } as const;

/** One rule name's decision entry. */
export interface Entry {
  readonly check: Check | undefined;
  /** The check compiled, or null where only the interpreter will do. */
  readonly fast: Compiled | null;
  readonly ctx: EvalContext;
  readonly def: RuleDefault | undefined;
  /** The registered scope types; undefined when there are none. */
  readonly scopes: readonly string[] | undefined;
  /** Token scopes already warned about (bits of SCOPE_BIT). */
  warned: number;
}

/** True the first time `token` is marked on `entry`. */
function firstMismatch(entry: Entry, token: keyof typeof SCOPE_BIT): boolean {
  const bit = SCOPE_BIT[token];
  if ((entry.warned & bit) !== 0) return false;
  entry.warned |= bit;
  return true;
}

/** How the scope check reacts to a token scope outside a rule's scope types. */
export interface ScopeOptions {
  /** Deny (InvalidScope) rather than only warn. */
  readonly enforceScope: boolean;
  /** Where the warning goes. */
  readonly warn: (message: string) => void;
}

/**
 * oslo.policy's scope check: true when the token scope of `creds` is one of
 * `scopes`. Otherwise it warns (once per rule and token scope where an entry
 * keeps count) and, with `enforceScope`, denies: false, or InvalidScope
 * thrown when `raise` (`authorize()`).
 */
export function scopeAllows(
  rule: string,
  entry: Entry | null,
  scopes: readonly string[],
  creds: Creds,
  options: ScopeOptions,
  raise: boolean,
): boolean {
  const token = tokenScope(creds);
  if (scopes.includes(token)) return true;
  if (entry === null || firstMismatch(entry, token)) {
    const def = entry?.def;
    options.warn(scopeWarning(def ? `"${def.name}": "${def.checkStr}"` : rule, token, scopes));
  }
  if (!options.enforceScope) return true;
  if (raise) throw new InvalidScope(rule, scopes, token);
  return false;
}

/** The entries of the current rule set. */
export class DecisionEntries {
  readonly #registered: ReadonlyMap<string, Registered>;
  readonly #compile: boolean;
  #set: RuleSet | null = null;
  #entries = new Map<string, Entry>();
  #memo: CompileMemo = new Map();
  /** Compiled checks by check: unknown rule names share the default rule's. */
  #compiled = new Map<Check, Compiled | null>();

  /** `compile` false: every decision by the interpreter (OPA mode, `noCompile`). */
  constructor(registered: ReadonlyMap<string, Registered>, compile: boolean) {
    this.#registered = registered;
    this.#compile = compile;
  }

  /** Forgets every entry (a default was registered). */
  clear(): void {
    this.#set = null;
  }

  /** The entry of `rule` in `set`. */
  get(set: RuleSet, rule: string): Entry {
    if (this.#set !== set) {
      this.#entries = new Map();
      this.#memo = new Map();
      this.#compiled = new Map();
      this.#set = set;
    }
    let entry = this.#entries.get(rule);
    if (entry === undefined) {
      const def = this.#registered.get(rule)?.def;
      const scopes = def?.scopeTypes;
      const check = set.lookup(rule);
      entry = {
        check,
        fast: check && this.#compile ? this.#compiledOf(set, check) : null,
        ctx: set.context(rule),
        def,
        scopes: scopes && scopes.length > 0 ? scopes : undefined,
        warned: 0,
      };
      if (this.#entries.size < MAX_ENTRIES) this.#entries.set(rule, entry);
    }
    return entry;
  }

  #compiledOf(set: RuleSet, check: Check): Compiled | null {
    let fast = this.#compiled.get(check);
    if (fast === undefined) {
      fast = compileCheck(check, (n) => set.lookup(n), this.#memo);
      this.#compiled.set(check, fast); // one per check of the rule set: bounded
    }
    return fast;
  }
}
