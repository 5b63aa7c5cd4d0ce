/**
 * Errors of lib/policy. Every error carries a stable `code`; callers switch on
 * codes, never on message text. Messages that oslo.policy shows to services
 * (`<rule> is disallowed by policy`) keep oslo.policy's wording.
 *
 * @module
 */

/** Base class of every lib/policy error. */
export class PolicyError extends Error {
  /** Stable code, `ERR_POLICY_*` or `ERR_OPA_*`. */
  readonly code: string;
  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = "PolicyError";
    this.code = code;
  }
}

/**
 * The policy denies the request (oslo.policy's `PolicyNotAuthorized`).
 *
 * @example Code and message
 * ```ts
 * import { PolicyNotAuthorized } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const e = new PolicyNotAuthorized("identity:get_user");
 * assert.equal(e.code, "ERR_POLICY_NOT_AUTHORIZED");
 * assert.equal(e.message, "identity:get_user is disallowed by policy");
 * ```
 */
export class PolicyNotAuthorized extends PolicyError {
  /** The rule that denied. */
  readonly rule: string;
  constructor(rule: string) {
    super("ERR_POLICY_NOT_AUTHORIZED", `${rule} is disallowed by policy`);
    this.name = "PolicyNotAuthorized";
    this.rule = rule;
  }
}

/** `authorize()` was called with a rule that no default registers. */
export class PolicyNotRegistered extends PolicyError {
  /** The unregistered rule. */
  readonly rule: string;
  constructor(rule: string) {
    super("ERR_POLICY_NOT_REGISTERED", `Policy ${rule} has not been registered`);
    this.name = "PolicyNotRegistered";
    this.rule = rule;
  }
}

/** The token's scope is not one of the rule's scope types (with `enforceScope`). */
export class InvalidScope extends PolicyError {
  /** The rule checked. */
  readonly rule: string;
  /** The rule's scope types. */
  readonly scopeTypes: readonly string[];
  /** The scope of the credentials: `system`, `domain` or `project`. */
  readonly tokenScope: string;
  constructor(rule: string, scopeTypes: readonly string[], tokenScope: string) {
    super(
      "ERR_POLICY_INVALID_SCOPE",
      `${rule} requires a scope of [${
        scopeTypes.map((s) => `'${s}'`).join(", ")
      }], request was made with ${tokenScope} scope.`,
    );
    this.name = "InvalidScope";
    this.rule = rule;
    this.scopeTypes = scopeTypes;
    this.tokenScope = tokenScope;
  }
}

/** Two defaults registered under one name. */
export class DuplicatePolicyError extends PolicyError {
  constructor(name: string) {
    super("ERR_POLICY_DUPLICATE", `Policy ${name} is already registered`);
    this.name = "DuplicatePolicyError";
  }
}

/** A rule default is malformed (bad scope types, operations, deprecation fields). */
export class InvalidRuleDefault extends PolicyError {
  constructor(message: string) {
    super("ERR_POLICY_INVALID_DEFAULT", `Invalid policy rule default: ${message}`);
    this.name = "InvalidRuleDefault";
  }
}

/** Rules reference undefined rules or form cycles (`checkRules({ raiseOnViolation })`). */
export class InvalidDefinitionError extends PolicyError {
  /** The offending rule names. */
  readonly names: readonly string[];
  constructor(names: readonly string[], detail = "") {
    super(
      "ERR_POLICY_INVALID_DEFINITION",
      `Policies ${JSON.stringify(names)} are not well defined${detail ? `: ${detail}` : ""}`,
    );
    this.name = "InvalidDefinitionError";
    this.names = names;
  }
}

/** The credentials are not an object (oslo.policy's `InvalidContextObject`). */
export class InvalidContextObject extends PolicyError {
  constructor(got: string) {
    super(
      "ERR_POLICY_INVALID_CONTEXT",
      `Invalid context object: expected credentials as an object (to_policy_values()), got ${got}`,
    );
    this.name = "InvalidContextObject";
  }
}

/** A policy file cannot be read or parsed; names the file and line. */
export class PolicyFileError extends PolicyError {
  /** File name (or the name given for in-memory text). */
  readonly file: string;
  /** 1-based line, where known. */
  readonly line: number | undefined;
  /** 1-based column, where known. */
  readonly column: number | undefined;
  constructor(
    file: string,
    message: string,
    options: { line?: number; column?: number; cause?: unknown } = {},
  ) {
    const at = options.line === undefined ? file : `${file}:${options.line}`;
    super("ERR_POLICY_FILE", `Cannot load policy file ${at}: ${message}`, options);
    this.name = "PolicyFileError";
    this.file = file;
    this.line = options.line;
    this.column = options.column;
  }
}

/**
 * A check could not be evaluated (a bad `%` format, a path through a scalar,
 * a remote failure). Never escapes `enforce()`: the decision becomes a deny
 * and a warning.
 */
export class CheckError extends PolicyError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("ERR_POLICY_CHECK", message, options);
    this.name = "CheckError";
  }
}

/**
 * Rules nest deeper than `MAX_RULE_DEPTH` (a cycle): the whole decision is
 * abandoned at once, never treated as one unknown branch among others (which
 * would evaluate the other branches of every level again).
 */
export class RuleDepthError extends CheckError {
  constructor(message: string) {
    super(message);
    this.name = "RuleDepthError";
  }
}

/** OPA answered with an error, a malformed body, or not at all. */
export class OpaError extends PolicyError {
  /** HTTP status, when OPA answered. */
  readonly status: number | undefined;
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super("ERR_OPA", message, options);
    this.name = "OpaError";
    this.status = options.status;
  }
}
