/**
 * The check registry: `kind` → factory, with a generic fallback for kinds no
 * one registered (oslo.policy's `register(None)`). Parsing a base check
 * (`kind:match`, `@`, `!`) goes through here.
 *
 * @module
 */
import { GenericCheck, RoleCheck, RuleCheck } from "./builtin_checks.ts";
import { type Check, FalseCheck, TrueCheck } from "./checks.ts";
import { HttpCheck } from "./remote_check.ts";
import { OpaCheck } from "./opa_check.ts";

/** Makes a check of one kind. */
export type CheckFactory = (kind: string, match: string) => Check;

/** Receives parse and evaluation warnings. */
export type WarnFn = (message: string) => void;

/**
 * Kinds → check factories.
 *
 * @example A custom kind
 * ```ts
 * import { CheckRegistry } from "./registry.ts";
 * import { KindCheck } from "./checks.ts";
 * import assert from "node:assert/strict";
 *
 * class EvenCheck extends KindCheck {
 *   evaluate() { return Number(this.match) % 2 === 0; }
 * }
 * const registry = CheckRegistry.withBuiltins().register("even", (k, m) => new EvenCheck(k, m));
 * assert.equal(String(registry.parseCheck("even:4")), "even:4");
 * assert.equal(registry.parseCheck("even:4").constructor.name, "EvenCheck");
 * assert.equal(registry.parseCheck("other:4").constructor.name, "GenericCheck");
 * ```
 */
export class CheckRegistry {
  readonly #kinds = new Map<string, CheckFactory>();
  #fallback: CheckFactory | null = null;

  /** A registry with `http`, `https`, `opa`, `rule`, `role` and the generic fallback. */
  static withBuiltins(): CheckRegistry {
    return new CheckRegistry()
      .register("http", (k, m) => new HttpCheck(k, m))
      .register("opa", (k, m) => new OpaCheck(k, m))
      .register("https", (k, m) => new HttpCheck(k, m))
      .register("rule", (k, m) => new RuleCheck(k, m))
      .register("role", (k, m) => new RoleCheck(k, m))
      .register(null, (k, m) => new GenericCheck(k, m));
  }

  /** Registers a kind, or the fallback with `null`. Replaces an earlier registration. */
  register(kind: string | null, factory: CheckFactory): this {
    if (kind === null) this.#fallback = factory;
    else this.#kinds.set(kind, factory);
    return this;
  }

  /** Whether a kind is registered (the fallback does not count). */
  has(kind: string): boolean {
    return this.#kinds.has(kind);
  }

  /** Registered kinds, in registration order. */
  kinds(): string[] {
    return [...this.#kinds.keys()];
  }

  /** A copy to extend without touching this one. */
  clone(): CheckRegistry {
    const copy = new CheckRegistry();
    for (const [k, f] of this.#kinds) copy.register(k, f);
    copy.#fallback = this.#fallback;
    return copy;
  }

  /** Parses one base check as oslo.policy's `_parse_check`; a bad one is `!` and a warning. */
  parseCheck(text: string, warn?: WarnFn): Check {
    if (text === "!") return new FalseCheck();
    if (text === "@") return new TrueCheck();
    const colon = text.indexOf(":");
    if (colon < 0) {
      warn?.(`Failed to understand rule ${text}: a check needs "kind:match"`);
      return new FalseCheck();
    }
    const kind = text.slice(0, colon);
    const match = text.slice(colon + 1);
    const factory = this.#kinds.get(kind) ?? this.#fallback;
    if (!factory) {
      warn?.(`No handler for matches of kind ${kind}`);
      return new FalseCheck();
    }
    return factory(kind, match);
  }
}
