/**
 * The service's own options, declared with lib/config in oslo's groups where
 * oslo has them (`[oslo_middleware] max_request_body_size`).
 *
 * @module
 */
import { boolOpt, dictOpt, intOpt, listOpt, optGroup, strOpt, uriOpt } from "../lib/config/mod.ts";
import { LIMIT_OPTS } from "../lib/limit/mod.ts";
import { POLICY_OPTS } from "../lib/policy/mod.ts";
import { HEALTHCHECK_OPTS, METRICS_OPTS } from "../lib/health/mod.ts";

/** `[DEFAULT]`: process-wide switches. */
export const DEFAULT_OPTS = optGroup("DEFAULT", [
  boolOpt("dev", {
    default: false,
    cli: true,
    help:
      "Development mode: embedded sample policy, limits and schema; authentication may be off (noauth), with a warning at start.",
  }),
  boolOpt("debug", {
    default: false,
    cli: true,
    short: "d",
    mutable: true,
    help: "Log at debug level.",
  }),
]);

/** `[oslo_middleware]`: as oslo.middleware's sizelimit. */
export const MIDDLEWARE_OPTS = optGroup("oslo_middleware", [
  intOpt("max_request_body_size", {
    default: 114688,
    min: 0,
    help: "The maximum body size for each request, in bytes.",
    deprecatedOpts: [{ name: "osapi_max_request_body_size", group: "DEFAULT" }, {
      name: "max_request_body_size",
      group: "DEFAULT",
    }],
  }),
]);

/** `[auth]`: bearer JWT verification. */
export const AUTH_OPTS = optGroup("auth", [
  strOpt("strategy", {
    default: "jwt",
    choices: ["jwt", "noauth"],
    help:
      "jwt: every request but /healthcheck needs a verified bearer token. noauth: only with --dev.",
  }),
  uriOpt("jwks_url", { schemes: ["http", "https"], help: "JWKS endpoint with the signing keys." }),
  strOpt("public_key_file", {
    help: "A public key (PEM SPKI or certificate, JWK or JWK set) used when jwks_url is not set.",
  }),
  strOpt("issuer", {
    help: "The issuer (iss) every token must carry; required with strategy = jwt.",
  }),
  listOpt("audience", {
    default: [],
    help: "Accepted audiences (aud); empty accepts any, with a warning at start.",
  }),
  listOpt("algorithms", {
    default: ["RS256", "PS256", "ES256", "EdDSA"],
    help: "Accepted signing algorithms; none is never accepted.",
  }),
  intOpt("clock_skew", { default: 0, min: 0, max: 600, help: "Seconds of clock skew tolerated." }),
  dictOpt("claim_map", {
    default: {},
    help:
      "Credential key to claim path, e.g. roles:realm_access.roles,user_id:sub (merged over the defaults).",
  }),
]);

/** `[config]`: the config functions (validate, migrate). */
export const CONFIG_OPTS = optGroup("config", [
  strOpt("sample_dir", {
    help: "Directory of oslo-config-generator --format yaml (or json) samples, each served as a " +
      "built-in schema named after its file (keystone.yaml is schema keystone).",
  }),
]);

/** Every group the service registers, in sample order. */
export const SERVICE_GROUPS = [
  DEFAULT_OPTS,
  MIDDLEWARE_OPTS,
  AUTH_OPTS,
  CONFIG_OPTS,
  POLICY_OPTS,
  LIMIT_OPTS,
  HEALTHCHECK_OPTS,
  METRICS_OPTS,
] as const;
