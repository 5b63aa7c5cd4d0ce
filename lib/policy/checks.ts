/**
 * The check tree: `@`, `!`, `not`, `and`, `or` and the base class of kinded
 * checks (`kind:match`). `String(check)` gives oslo.policy's canonical text,
 * which parses back to the same tree.
 *
 * Evaluation is synchronous where it can be and returns a promise only when a
 * check has to wait (remote and OPA checks), so plain rules cost no promise.
 *
 * A check that cannot be evaluated (an OPA or remote failure, a bad `%`
 * format, a path through a scalar) throws: its value is "unknown", and `and`,
 * `or` and `not` combine it in Kleene's three-valued logic. `or` is true if
 * any branch is true, else unknown if any branch failed, else false; `and` is
 * false if any branch is false, else unknown if any failed, else true; `not`
 * of unknown is unknown. A rule whose value is unknown throws its first
 * failure, which `Enforcer.enforce()` turns into a deny and a warning (fail
 * closed).
 *
 * @module
 */
import { CheckError, RuleDepthError } from "./errors.ts";

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
  /**
   * Told of a check that failed without deciding the result (`opa:x or
   * role:admin` for an admin while OPA is down), so that it is logged too.
   */
  readonly report?: (error: unknown) => void;
  /**
   * oslo.policy's own evaluation: the first failure throws through `and` and
   * `or` (oslopolicy-checker's output). Off: Kleene's three-valued logic.
   */
  readonly strict?: boolean;
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
 * throws {@linkcode CheckError}: unknown, so `not rule:x` does not turn it
 * into an allow, and `rule:x or role:admin` allows an admin. Prints as the word, as
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

/** `not <check>`; `not` of a failure (unknown) is a failure. */
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

/**
 * The failures seen while a `and`/`or` is evaluated, in Kleene's three-valued
 * logic: a failed branch is "unknown". Allocated only when a branch fails.
 */
class Unknowns {
  readonly errors: unknown[] = [];
  constructor(readonly ctx: EvalContext) {}
  /** The combination is decided regardless of the failures: they are reported, not thrown. */
  decided(value: boolean): boolean {
    for (const e of this.errors) this.ctx.report?.(e);
    return value;
  }
  /** Nothing decided it: the result is unknown, thrown as the first failure (the rest reported). */
  unknown(): never {
    for (const e of this.errors.slice(1)) this.ctx.report?.(e);
    throw this.errors[0];
  }
}

function failed(unknowns: Unknowns | undefined, e: unknown, ctx: EvalContext): Unknowns {
  if (ctx.strict || e instanceof RuleDepthError) throw e;
  const u = unknowns ?? new Unknowns(ctx);
  u.errors.push(e);
  return u;
}

/**
 * The rest of an `and` or `or` once a branch has answered with a promise:
 * `stop` is the value that decides (false for `and`, true for `or`).
 */
async function settleFrom(
  pending: Promise<boolean>,
  stop: boolean,
  rules: readonly Check[],
  from: number,
  args: [Target, Creds, EvalContext, number],
  unknowns: Unknowns | undefined,
): Promise<boolean> {
  const ctx = args[2];
  try {
    if ((await pending) === stop) return unknowns ? unknowns.decided(stop) : stop;
  } catch (e) {
    unknowns = failed(unknowns, e, ctx);
  }
  for (let i = from; i < rules.length; i++) {
    try {
      if ((await (rules[i] as Check).evaluate(...args)) === stop) {
        return unknowns ? unknowns.decided(stop) : stop;
      }
    } catch (e) {
      unknowns = failed(unknowns, e, ctx);
    }
  }
  return unknowns ? unknowns.unknown() : !stop;
}

/**
 * The rest of an `and` or `or` once the branch at `from` has failed (kept out
 * of `evaluate` so that the common path has no per-branch bookkeeping).
 */
function afterFailure(
  error: unknown,
  stop: boolean,
  rules: readonly Check[],
  from: number,
  args: [Target, Creds, EvalContext, number],
): Decision {
  const [target, creds, ctx, depth] = args;
  const unknowns = failed(undefined, error, ctx);
  for (let i = from + 1; i < rules.length; i++) {
    let r: Decision;
    try {
      r = (rules[i] as Check).evaluate(target, creds, ctx, depth);
    } catch (e) {
      failed(unknowns, e, ctx);
      continue;
    }
    if (r === stop) return unknowns.decided(stop);
    if (typeof r !== "boolean") return settleFrom(r, stop, rules, i + 1, args, unknowns);
  }
  return unknowns.unknown();
}

/**
 * `(a and b and ...)`: false as soon as one check is false; true when every
 * check is true; otherwise (some failed, none false) the decision is unknown
 * and throws the first failure. With `ctx.strict`, as oslo.policy: the first
 * failure throws.
 */
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
    let i = 0;
    try {
      for (; i < rules.length; i++) {
        const r = (rules[i] as Check).evaluate(target, creds, ctx, depth);
        if (r === false) return false;
        if (r !== true) {
          return settleFrom(r, false, rules, i + 1, [target, creds, ctx, depth], undefined);
        }
      }
    } catch (e) {
      return afterFailure(e, false, rules, i, [target, creds, ctx, depth]);
    }
    return true;
  }
  toString(): string {
    return `(${this.rules.join(" and ")})`;
  }
}

/**
 * `(a or b or ...)`: true as soon as one check is true; false when every
 * check is false; otherwise (some failed, none true) the decision is unknown
 * and throws the first failure. With `ctx.strict`, as oslo.policy: the first
 * failure throws.
 */
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
    let i = 0;
    try {
      for (; i < rules.length; i++) {
        const r = (rules[i] as Check).evaluate(target, creds, ctx, depth);
        if (r === true) return true;
        if (r !== false) {
          return settleFrom(r, true, rules, i + 1, [target, creds, ctx, depth], undefined);
        }
      }
    } catch (e) {
      return afterFailure(e, true, rules, i, [target, creds, ctx, depth]);
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
