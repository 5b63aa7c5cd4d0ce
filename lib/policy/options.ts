/**
 * `[oslo_policy]` options, declared with lib/config under oslo.policy's names
 * (`oslo_policy/opts.py`), plus the options oslo.policy does not have: the
 * opt-in for remote `http:`/`https:` checks and the OPA ones.
 *
 * @module
 */
import { boolOpt, floatOpt, intOpt, multiStrOpt, optGroup, strOpt, uriOpt } from "../config/mod.ts";

/** The `[oslo_policy]` group. */
export const POLICY_OPTS = optGroup("oslo_policy", [
  boolOpt("enforce_scope", {
    default: false,
    help:
      "This option controls whether or not to enforce scope when evaluating policies. If ``True``, the scope of the token used in the request is compared to the ``scope_types`` of the policy being enforced. If the scopes do not match, an ``InvalidScope`` exception will be raised. If ``False``, a message will be logged informing operators that policies are being invoked with mismatching scope.",
  }),
  boolOpt("enforce_new_defaults", {
    default: false,
    help:
      "This option controls whether or not to use old deprecated defaults when evaluating policies. If ``True``, the old deprecated defaults are not going to be evaluated. This means if any existing token is allowed for old defaults but is disallowed for new defaults, it will be disallowed. It is encouraged to enable this flag along with the ``enforce_scope`` flag so that you can get the benefits of new defaults and ``scope_type`` together. If ``False``, the deprecated policy check string is logically OR'd with the new policy check string, allowing for a graceful upgrade experience between releases with new policies, which is the default behavior.",
  }),
  strOpt("policy_file", {
    default: "policy.yaml",
    deprecatedGroup: "DEFAULT",
    help:
      "The relative or absolute path of a file that maps roles to permissions for a given service. Relative paths must be specified in relation to the configuration file setting this option. When left at its default and policy.yaml does not exist, policy.json is read if it exists.",
  }),
  strOpt("policy_default_rule", {
    default: "default",
    deprecatedGroup: "DEFAULT",
    help: "Default rule. Enforced when a requested rule is not found.",
  }),
  multiStrOpt("policy_dirs", {
    default: ["policy.d"],
    deprecatedGroup: "DEFAULT",
    help:
      "Directories where policy configuration files are stored. They can be relative to any directory in the search path defined by the config_dir option, or absolute paths. Missing or empty directories are ignored.",
  }),
  strOpt("remote_content_type", {
    default: "application/x-www-form-urlencoded",
    choices: ["application/x-www-form-urlencoded", "application/json"],
    help: "Content Type to send and receive data for REST based policy check",
  }),
  boolOpt("remote_ssl_verify_server_crt", {
    default: false,
    help: "server identity verification for REST based policy check",
  }),
  strOpt("remote_ssl_ca_crt_file", {
    help: "Absolute path to ca cert file for REST based policy check",
  }),
  strOpt("remote_ssl_client_crt_file", {
    help: "Absolute path to client cert for REST based policy check",
  }),
  strOpt("remote_ssl_client_key_file", {
    help: "Absolute path client key file REST based policy check",
  }),
  floatOpt("remote_timeout", {
    default: 60,
    min: 0,
    help: "Timeout in seconds for REST based policy checks.",
  }),
  boolOpt("enable_remote_checks", {
    default: false,
    help:
      "Allow http: and https: checks to call out (oslo-edge). Off: such checks deny, with a warning naming the rule.",
  }),
  uriOpt("opa_url", {
    schemes: ["http", "https"],
    help: "Base URL of an Open Policy Agent server for opa: checks and OPA mode (oslo-edge).",
  }),
  floatOpt("opa_timeout", {
    default: 1,
    min: 0,
    help: "Seconds to wait for OPA; a slower answer denies (oslo-edge).",
  }),
  boolOpt("opa_mode", {
    default: false,
    help:
      "Decide every rule with OPA at the data path derived from the rule name (identity:get_user → identity/get_user), with a decision cache and batching (oslo-edge).",
  }),
  strOpt("opa_engine", {
    default: "rest",
    choices: ["rest", "wasm"],
    help:
      "How opa: checks (without an explicit opa:rest: or opa:wasm:) and OPA mode reach OPA: the REST Data API at opa_url, or the compiled policy in opa_wasm_file in-process (oslo-edge).",
  }),
  strOpt("opa_wasm_file", {
    help:
      "A compiled OPA policy (opa build -t wasm): bundle.tar.gz or policy.wasm, for the wasm engine (oslo-edge).",
  }),
  strOpt("opa_path_prefix", {
    default: "",
    help:
      "Data path prefix for OPA mode: with 'oslo', identity:get_user is oslo/identity/get_user (oslo-edge).",
  }),
  floatOpt("opa_cache_ttl", {
    default: 5,
    min: 0,
    help:
      "Seconds an OPA-mode decision is cached (keyed by rule and input); 0 turns the cache off (oslo-edge).",
  }),
  intOpt("opa_cache_size", {
    default: 10000,
    min: 0,
    help: "Most OPA-mode decisions kept in the cache (oslo-edge).",
  }),
  intOpt("opa_batch_size", {
    default: 64,
    min: 1,
    help: "Most decisions sent to OPA in one request when several are needed at once (oslo-edge).",
  }),
]);
