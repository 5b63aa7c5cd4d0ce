/**
 * The check tree: `@`, `!`, `not`, `and`, `or` and the base class of kinded
 * checks (`kind:match`). `String(check)` gives oslo.policy's canonical text,
 * which parses back to the same tree.
 *
 * Evaluation is synchronous where it can be and returns a promise only when a
 * check has to wait (remote and OPA checks), so plain rules cost no promise.
 * A check that cannot be evaluated throws; `Enforcer.enforce()` turns that
 * into a deny and a warning.
 *
 * @module
 */
import { CheckError } from "./errors.ts";

/** What the operation acts on: flat keys (`target.user.id`), as oslo.policy sees it. */
export type Target = Readonly<Record<string, unknown>>;
/** oslo.context's `to_policy_values()`: who is asking. */
export type Creds = Readonly<Record<string, unknown>>;
/** A check's answer: a boolean now, or later. */
export type Decision = boolean | Promise<boolean>;

/** Services a check may need while it is evaluated. */
export interface EvalContext {
  /** Looks a rule up by name, falling back to the default rule as oslo.policy's `Rules` does. */
  rule(name: string): Check | undefined;
  /** The name of the rule being enforced, or null for an ad-hoc check tree. */
  readonly currentRule: string | null;
  /** Extra services by name (`http`, `opa`), provided by the enforcer. */
  readonly services: Readonly<Record<string, unknown>>;
}

/** Deepest rule-to-rule nesting before evaluation gives up (a cycle). */
export const MAX_RULE_DEPTH = 200;

/** Base of every check. */
export abstract class Check {
  /** Scope types carried by the check itself (custom checks), checked before it runs. */
  scopeTypes: readonly string[] | undefined = undefined;
  /** Evaluates the check. `depth` counts `rule:` indirections. */
  abstract evaluate(target: Target, creds: Creds, ctx: EvalContext, depth: number): Decision;
  /** The canonical rule-language text of this check. */
  abstract toString(): string;
}

/** `!`: always denies. */
export class FalseCheck extends Check {
  evaluate(): Decision {
    return false;
  }
  toString(): string {
    return "!";
  }
}

/**
 * What oslo.policy makes of a rule that parses to a bare word (`'foo'`,
 * `AND`): the word itself, not a check, so evaluating it raises. Here it
 * throws {@linkcode CheckError}, which denies the whole decision however deep
 * it is (`not rule:x` does not turn it into an allow). Prints as the word, as
 * `str()` does in oslo.policy.
 */
export class UnevaluableCheck extends Check {
  constructor(readonly word: string) {
    super();
  }
  evaluate(): Decision {
    throw new CheckError(
      `Cannot evaluate the rule "${this.word}": it parses to a bare word, not a check`,
    );
  }
  toString(): string {
    return this.word;
  }
}

/** `@`: always allows. */
export class TrueCheck extends Check {
  evaluate(): Decision {
    return true;
  }
  toString(): string {
    return "@";
  }
}

/** `not <check>`. */
export class NotCheck extends Check {
  constructor(readonly rule: Check) {
    super();
  }
  evaluate(target: Target, creds: Creds, ctx: EvalContext, depth: number): Decision {
    const r = this.rule.evaluate(target, creds, ctx, depth);
    return typeof r === "boolean" ? !r : r.then((v) => !v);
  }
  toString(): string {
    return `not ${this.rule}`;
  }
}

async function andFrom(
  pending: Promise<boolean>,
  rules: readonly Check[],
  from: number,
  args: [Target, Creds, EvalContext, number],
): Promise<boolean> {
  if (!(await pending)) return false;
  for (let i = from; i < rules.length; i++) {
    if (!(await (rules[i] as Check).evaluate(...args))) return false;
  }
  return true;
}

async function orFrom(
  pending: Promise<boolean>,
  rules: readonly Check[],
  from: number,
  args: [Target, Creds, EvalContext, number],
): Promise<boolean> {
  if (await pending) return true;
  for (let i = from; i < rules.length; i++) {
    if (await (rules[i] as Check).evaluate(...args)) return true;
  }
  return false;
}

/** `(a and b and ...)`: every check must allow; stops at the first deny. */
export class AndCheck extends Check {
  readonly rules: Check[];
  constructor(rules: Check[]) {
    super();
    this.rules = rules;
  }
  /** Appends a check (used while parsing); returns this. */
  addCheck(rule: Check): this {
    this.rules.push(rule);
    return this;
  }
  evaluate(target: Target, creds: Creds, ctx: EvalContext, depth: number): Decision {
    const rules = this.rules;
    for (let i = 0; i < rules.length; i++) {
      const r = (rules[i] as Check).evaluate(target, creds, ctx, depth);
      if (r === false) return false;
      if (r !== true) return andFrom(r, rules, i + 1, [target, creds, ctx, depth]);
    }
    return true;
  }
  toString(): string {
    return `(${this.rules.join(" and ")})`;
  }
}

/** `(a or b or ...)`: one check must allow; stops at the first allow. */
export class OrCheck extends Check {
  readonly rules: Check[];
  constructor(rules: Check[]) {
    super();
    this.rules = rules;
  }
  /** Appends a check (used while parsing); returns this. */
  addCheck(rule: Check): this {
    this.rules.push(rule);
    return this;
  }
  /** Removes and returns the last check (used while parsing). */
  popCheck(): Check {
    return this.rules.pop() as Check;
  }
  evaluate(target: Target, creds: Creds, ctx: EvalContext, depth: number): Decision {
    const rules = this.rules;
    for (let i = 0; i < rules.length; i++) {
      const r = (rules[i] as Check).evaluate(target, creds, ctx, depth);
      if (r === true) return true;
      if (r !== false) return orFrom(r, rules, i + 1, [target, creds, ctx, depth]);
    }
    return false;
  }
  toString(): string {
    return `(${this.rules.join(" or ")})`;
  }
}

/** Base of `kind:match` checks: `String(check)` is `kind:match`. */
export abstract class KindCheck extends Check {
  constructor(readonly kind: string, readonly match: string) {
    super();
  }
  toString(): string {
    return `${this.kind}:${this.match}`;
  }
}
