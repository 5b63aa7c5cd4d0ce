/**
 * The `Enforcer`'s options and the shapes it reports.
 *
 * @module
 */
import type { Creds, Target } from "./checks.ts";
import type { CheckRegistry } from "./registry.ts";
import type { RuleDefault } from "./rule_default.ts";

/** Decides named rules somewhere else (OPA mode). */
export interface RuleDecider {
  /** Decides one rule; resolves false on any failure (fail closed). */
  decide(rule: string, target: Target, creds: Creds): Promise<boolean>;
  /** Decides several at once (one round trip where the decider can). */
  decideMany?(requests: readonly DecisionRequest[]): Promise<boolean[]>;
}

/** One decision of a batch. */
export interface DecisionRequest {
  rule: string;
  target?: Target;
  creds: Creds;
}

/** What `onDecision` is told besides the rule and the result. */
export interface DecisionInfo {
  /** Why the decision failed (OPA unreachable, a check that cannot run): it denied. */
  error?: unknown;
}

/** Options of {@linkcode Enforcer}. */
export interface EnforcerOptions {
  /** The text of a policy file (YAML or JSON). */
  policy?: string;
  /** Name of that text in messages (default `policy.yaml`). */
  policyName?: string;
  /** Path of a policy file, read and re-read when it changes. A missing file means defaults only. */
  policyFile?: string;
  /** Policy directories, applied in order over the policy file. */
  policyDirs?: readonly string[];
  /** Rule defaults registered in code. */
  defaults?: readonly RuleDefault[];
  /** Rule used for unknown rule names (oslo `policy_default_rule`, default `default`). */
  defaultRule?: string | null;
  /** Deny (InvalidScope) when the token scope is not in a rule's scope types; else warn. */
  enforceScope?: boolean;
  /** Ignore deprecated defaults instead of OR-ing them with the new ones. */
  enforceNewDefaults?: boolean;
  /**
   * Decide local rules with the check interpreter only, never compiled
   * (lib/policy/compiled.ts); the answers are the same, the tests compare both.
   */
  noCompile?: boolean;
  /** Kinds → checks (the built-ins plus `http`/`https`/`opa` where the caller adds them). */
  registry?: CheckRegistry;
  /** Services handed to checks (`http`, `opa`). */
  services?: Readonly<Record<string, unknown>>;
  /** Told of every decision (metrics); `info.error` when it failed (and so denied). */
  onDecision?: (rule: string, allowed: boolean, info?: DecisionInfo) => void;
  /**
   * Receives warnings; console.warn by default. Load problems once per load;
   * enforce-time failures (a check that fails, OPA down) each, with the rule
   * name, at most one line per rule per `failureLogInterval`.
   */
  onWarning?: (message: string) => void;
  /** Milliseconds between two failure lines for one rule (default 1000; 0 logs every one). */
  failureLogInterval?: number;
  /** Milliseconds between checks of policy file modification times; 0 checks on every decision. */
  reloadInterval?: number;
  /** OPA mode: named rules are decided here instead of by the local rules. */
  decider?: RuleDecider;
}

/** What the health area reports. */
export interface PolicyStatus {
  loaded: boolean;
  loadedAt: Date | null;
  rules: number;
  defaults: number;
  sources: string[];
  /** Policy files configured but not found (registered defaults apply). */
  missing: string[];
  warnings: string[];
  error: string | null;
  mode: "local" | "opa";
}
