/**
 * `[oslo_limit]` options, declared with lib/config under oslo.limit's names:
 * its own (`endpoint_*`), and the keystoneauth auth, session and adapter
 * options it registers, so an existing `[oslo_limit]` section loads as it is.
 * Options marked "(oslo-edge)" are this project's additions.
 *
 * @module
 */
import { boolOpt, floatOpt, intOpt, listOpt, optGroup, strOpt, uriOpt } from "../config/mod.ts";

const unused = " (Accepted for compatibility with oslo.limit; not used by oslo-edge.)";

/** The `[oslo_limit]` group. */
export const LIMIT_OPTS = optGroup("oslo_limit", [
  // oslo.limit's own
  strOpt("endpoint_id", { help: "The service's endpoint id which is registered in Keystone." }),
  strOpt("endpoint_service_name", { help: "Service name for endpoint discovery" }),
  strOpt("endpoint_service_type", { help: "Service type for endpoint discovery" }),
  strOpt("endpoint_region_name", { help: "Region to which the endpoint belongs" }),
  strOpt("endpoint_interface", {
    default: "publicURL",
    choices: ["public", "publicURL", "internal", "internalURL", "admin", "adminURL"],
    help: "The interface for endpoint discovery",
  }),
  // keystoneauth: auth plugin
  strOpt("auth_type", {
    choices: ["password", "v3password", "v3applicationcredential"],
    help:
      "Authentication type to load: password or v3password (username or user_id and password) or v3applicationcredential (application_credential_id or _name and _secret).",
    deprecatedName: "auth_plugin",
  }),
  strOpt("auth_section", {
    help: `Config Section from which to load plugin specific options.${unused}`,
  }),
  uriOpt("auth_url", { schemes: ["http", "https"], help: "Authentication URL" }),
  strOpt("system_scope", { help: "Scope for system operations" }),
  strOpt("domain_id", { help: "Domain ID to scope to" }),
  strOpt("domain_name", { help: "Domain name to scope to" }),
  strOpt("project_id", { help: "Project ID to scope to" }),
  strOpt("project_name", { help: "Project name to scope to" }),
  strOpt("tenant_id", { help: `Tenant ID (Identity v2)${unused}` }),
  strOpt("tenant_name", { help: `Tenant Name (Identity v2)${unused}` }),
  strOpt("project_domain_id", { help: "Domain ID containing project" }),
  strOpt("project_domain_name", { help: "Domain name containing project" }),
  strOpt("trust_id", { help: `ID of the trust to use as a trustee use${unused}` }),
  strOpt("default_domain_id", {
    help:
      "Optional domain ID to use with v3 and v2 parameters. Used for both the user and project domain in v3.",
  }),
  strOpt("default_domain_name", {
    help:
      "Optional domain name to use with v3 API and v2 parameters. Used for both the user and project domain in v3.",
  }),
  strOpt("user_id", { help: "User id" }),
  strOpt("username", { help: "Username", deprecatedName: "user_name" }),
  strOpt("user_domain_id", { help: "User's domain id" }),
  strOpt("user_domain_name", { help: "User's domain name" }),
  strOpt("password", { secret: true, help: "User's password" }),
  strOpt("application_credential_id", { help: "Application credential ID" }),
  strOpt("application_credential_name", { help: "Application credential name" }),
  strOpt("application_credential_secret", {
    secret: true,
    help: "Application credential auth secret",
  }),
  // keystoneauth: session
  strOpt("cafile", {
    help: "PEM encoded Certificate Authority to use when verifying HTTPs connections.",
  }),
  strOpt("certfile", { help: `PEM encoded client certificate cert file${unused}` }),
  strOpt("keyfile", { help: `PEM encoded client certificate key file${unused}` }),
  boolOpt("insecure", { default: false, help: `Verify HTTPS connections.${unused}` }),
  intOpt("timeout", { min: 1, help: "Timeout value for http requests (seconds; default 30)" }),
  boolOpt("collect_timing", {
    default: false,
    help: `Collect per-API call timing information.${unused}`,
  }),
  boolOpt("split_loggers", { default: false, help: `Log requests to multiple loggers.${unused}` }),
  // keystoneauth: adapter (how oslo.limit reaches Keystone's own endpoint)
  strOpt("service_type", { help: `The default service_type for endpoint URL discovery.${unused}` }),
  strOpt("service_name", { help: `The default service_name for endpoint URL discovery.${unused}` }),
  listOpt("valid_interfaces", {
    help: `List of interfaces, in order of preference, for endpoint URL.${unused}`,
  }),
  strOpt("region_name", { help: `The default region_name for endpoint URL discovery.${unused}` }),
  strOpt("endpoint_override", {
    help: "Always use this endpoint URL for requests to Keystone (default: auth_url).",
  }),
  strOpt("version", {
    help: `Minimum Major API version within a given Major API version${unused}`,
  }),
  strOpt("min_version", { help: `The minimum major version of a given API${unused}` }),
  strOpt("max_version", { help: `The maximum major version of a given API${unused}` }),
  intOpt("connect_retries", {
    min: 0,
    help: "The maximum number of retries that should be attempted for connection errors.",
  }),
  floatOpt("connect_retry_delay", {
    help: "Delay (in seconds) between two retries for connection errors (default 0.5).",
  }),
  intOpt("status_code_retries", {
    help: `The maximum number of retries for retriable status codes.${unused}`,
  }),
  floatOpt("status_code_retry_delay", {
    help: `Delay between two retries for retriable status codes.${unused}`,
  }),
  // oslo-edge additions
  strOpt("limits_file", {
    help:
      "(oslo-edge) A YAML file of static limits ({registeredLimits, projectLimits, parents, model}); when set, limits come from it instead of Keystone.",
  }),
  intOpt("cache_ttl", {
    default: 0,
    min: 0,
    help:
      "(oslo-edge) Seconds a limit read from Keystone is cached; 0 caches it for the enforcer's lifetime, as oslo.limit does.",
  }),
  strOpt("transport_url", {
    secret: true,
    help:
      "(oslo-edge) NATS transport URL (nats://user:pass@host:port/) of the usage store and of replicated limits.",
  }),
  strOpt("limits_bucket", {
    help:
      "(oslo-edge) NATS KV bucket holding limits replicated from central control; when set (with transport_url), edge sites read limits from it.",
  }),
  strOpt("usage_bucket", {
    help:
      "(oslo-edge) NATS KV bucket counting usage and claims across edge sites; when set (with transport_url), claims are counted there, else in memory.",
  }),
  strOpt("usage_domain", {
    default: "hub",
    help:
      "(oslo-edge) JetStream domain of usage_bucket and limits_bucket: the hub's, so every leaf node compares and sets against one copy.",
  }),
  intOpt("claim_ttl", {
    default: 60,
    min: 1,
    help:
      "(oslo-edge) Seconds a reserved claim holds usage before it expires if not committed or released.",
  }),
]);
