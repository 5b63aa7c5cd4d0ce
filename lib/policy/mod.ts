/**
 * lib/policy: oslo.policy's semantics for Deno. The policy language (parser,
 * check tree, registry of check kinds), the `Enforcer` over policy files and
 * defaults registered in code, fail-closed evaluation.
 *
 * @example Enforce and authorize
 * ```ts
 * import { Enforcer, PolicyNotAuthorized } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const enforcer = new Enforcer({
 *   policy: '"admin": "role:admin"\n"default": "rule:admin"\n',
 *   defaults: [{ name: "thing:get", checkStr: "rule:admin or project_id:%(project_id)s", scopeTypes: ["project"] }],
 *   enforceScope: true,
 * });
 * const member = { roles: ["member"], project_id: "p1" };
 * assert.equal(await enforcer.enforce("thing:get", { project_id: "p1" }, member), true);
 * await assert.rejects(enforcer.authorize("thing:get", { project_id: "p2" }, member), PolicyNotAuthorized);
 * ```
 *
 * @module
 */
export { Enforcer } from "./enforcer.ts";
export { tokenScope } from "./token_scope.ts";
export { FailureLog } from "./failure_log.ts";
export type { FailureLogOptions } from "./failure_log.ts";
export type {
  DecisionInfo,
  DecisionRequest,
  EnforcerOptions,
  PolicyStatus,
  RuleDecider,
} from "./enforcer_options.ts";
export {
  AndCheck,
  Check,
  FalseCheck,
  KindCheck,
  MAX_RULE_DEPTH,
  NotCheck,
  OrCheck,
  TrueCheck,
  UnevaluableCheck,
} from "./checks.ts";
export type { Creds, Decision, EvalContext, Target } from "./checks.ts";
export { GenericCheck, RoleCheck, RuleCheck } from "./builtin_checks.ts";
export { compileCheck } from "./compiled.ts";
export type { Compiled } from "./compiled.ts";
export { CheckRegistry } from "./registry.ts";
export type { CheckFactory, WarnFn } from "./registry.ts";
export { parseRule, ParseState, REDUCTIONS } from "./parser.ts";
export type { ParseOptions, Reduction, Symbol } from "./parser.ts";
export { tokenize } from "./tokenizer.ts";
export type { Token } from "./tokenizer.ts";
export { parsePolicyFile, WARN_JSON } from "./policy_file.ts";
export type { PolicyEntry, PolicyFile } from "./policy_file.ts";
export { validateRuleDefault } from "./rule_default.ts";
export type { DeprecatedRule, Operation, RuleDefault } from "./rule_default.ts";
export { findViolations } from "./rule_set.ts";
export type { Violations } from "./rule_set.ts";
export type { RuleInfo } from "./rule_info.ts";
export { pyRepr, pyStr } from "./py_str.ts";
export {
  CheckError,
  DuplicatePolicyError,
  InvalidContextObject,
  InvalidDefinitionError,
  InvalidRuleDefault,
  InvalidScope,
  OpaError,
  PolicyError,
  PolicyFileError,
  PolicyNotAuthorized,
  PolicyNotRegistered,
  RuleDepthError,
} from "./errors.ts";
export { POLICY_OPTS } from "./options.ts";
export { enforcerFromConfig, findPolicyPath } from "./from_config.ts";
export type { ConfigEnforcerOptions } from "./from_config.ts";
export { HttpCheck, remoteCheckService } from "./remote_check.ts";
export type { RemoteCheckService } from "./remote_check.ts";
export { RuleSet, rulesFromPolicy, whereDefined } from "./rule_set.ts";
export type { EvalOptions, FileRule, RulesFromPolicyOptions } from "./rule_set.ts";
export { formatHelpText, formatRuleJson, formatRuleYaml, generateSample } from "./sample.ts";
export type { RuleYamlOptions, SampleOptions } from "./sample.ts";
export { pyWrap } from "./py_textwrap.ts";
export { dataRef, isAllowResult, OpaClient, pathSegments } from "./opa_client.ts";
export type { OpaClientOptions, OpaRequest } from "./opa_client.ts";
export { OpaCheck, opaInput } from "./opa_check.ts";
export type { OpaEngine, OpaService } from "./opa_check.ts";
export { OpaDecider, rulePath } from "./opa_decider.ts";
export type { OpaDeciderOptions } from "./opa_decider.ts";
export { loadOpaWasm, loadOpaWasmBytes, OpaWasmEngine, readOpaBundle, untar } from "./opa_wasm.ts";
export { opaSetup } from "./opa_setup.ts";
export type { OpaConfig, OpaSetup } from "./opa_setup.ts";
export { compileRules } from "./rego_ir.ts";
export type { Expr as RegoExpr, Fmt as RegoFmt, IrModule, IrRule } from "./rego_ir.ts";
export { policyToRego } from "./rego_text.ts";
export type { RegoOptions } from "./rego_text.ts";
