/**
 * `[healthcheck]` and `[metrics]` options. The `[healthcheck]` names, types and
 * defaults are oslo.middleware's (5.0.0 plus `allowed_source_ranges`,
 * `ignore_proxied_requests` and `enable_by_file_paths` from later releases);
 * the options after them are this project's (dependency checks, refresh).
 *
 * @module
 */
import {
  boolOpt,
  floatOpt,
  type GroupValues,
  listOpt,
  optGroup,
  strOpt,
  uriOpt,
} from "../config/mod.ts";

/** The `[healthcheck]` group. */
export const HEALTHCHECK_OPTS = optGroup("healthcheck", [
  strOpt("path", {
    default: "/healthcheck",
    deprecatedForRemoval: true,
    help: "The path to respond to healtcheck requests on.",
  }),
  boolOpt("detailed", {
    default: false,
    help: "Show more detailed information as part of the response. Security note: Enabling " +
      "this option may expose sensitive details about the service being monitored. Be sure to " +
      "verify that it will not violate your security policies.",
  }),
  listOpt("backends", {
    default: [],
    help: "Additional backends that can perform health checks and report that information " +
      "back as part of a request. Known: disable_by_file, disable_by_files_ports, " +
      "enable_by_files, nats, keystone, opa, config, policy.",
  }),
  listOpt("allowed_source_ranges", {
    default: [],
    help: "A list of network addresses to limit source ip allowed to access healthcheck " +
      "information. Any request from ip outside of these network addresses are ignored.",
  }),
  boolOpt("ignore_proxied_requests", {
    default: false,
    help: "Ignore requests with proxy headers.",
  }),
  strOpt("disable_by_file_path", {
    help: "Check the presence of a file to determine if an application is running on a port. " +
      "Used by DisableByFileHealthcheck plugin.",
  }),
  listOpt("disable_by_file_paths", {
    default: [],
    help: "Check the presence of a file based on a port to determine if an application is " +
      'running on a port. Expects a "port:path" list of strings. Used by ' +
      "DisableByFilesPortsHealthcheck plugin.",
  }),
  listOpt("enable_by_file_paths", {
    default: [],
    help: "Check the presence of files. Used by EnableByFilesHealthcheck plugin.",
  }),
  floatOpt("file_check_interval", {
    default: 0.5,
    min: 0.05,
    max: 1,
    help: "Seconds between two looks at the files of the file backends (at most 1, so a " +
      "disable file takes effect within a second).",
  }),
  floatOpt("check_interval", {
    default: 5,
    min: 0.1,
    help: "Seconds between two background checks of each dependency (nats, keystone, opa, " +
      "config, policy). Requests read the last result and never wait on a dependency.",
  }),
  floatOpt("check_timeout", {
    default: 2,
    min: 0.05,
    help: "Seconds a dependency check may take before it counts as failed.",
  }),
  strOpt("nats_url", {
    secret: true,
    help: "Transport URL (nats://host:port,...) of the NATS servers the nats backend checks. " +
      "Default: the service's --nats or [DEFAULT] transport_url; when the service joins its " +
      "site (--site) and this is unset, the nats backend checks that connection.",
  }),
  uriOpt("keystone_url", {
    schemes: ["http", "https"],
    help: "Keystone endpoint whose version document the keystone backend fetches, e.g. " +
      "http://keystone:5000/v3.",
  }),
  uriOpt("opa_url", {
    schemes: ["http", "https"],
    help: "Base URL of the OPA server whose /health endpoint the opa backend checks.",
  }),
  boolOpt("opa_check_bundles", {
    default: false,
    help: "Ask OPA's /health to report unhealthy until every bundle is activated (?bundles).",
  }),
]);

/** The `[metrics]` group: the Prometheus endpoint. */
export const METRICS_OPTS = optGroup("metrics", [
  boolOpt("enabled", { default: true, help: "Serve Prometheus metrics." }),
  strOpt("path", { default: "/metrics", help: "The path metrics are served on." }),
  listOpt("allowed_source_ranges", {
    default: [],
    help: "Networks (CIDR) allowed to read metrics; requests from elsewhere are not " +
      "answered (404). Empty allows every source.",
  }),
  boolOpt("ignore_proxied_requests", {
    default: false,
    help: "Do not answer metrics requests that carry X-Forwarded* headers.",
  }),
  boolOpt("process_metrics", {
    default: true,
    help: "Include the process metrics (CPU, memory, event loop lag, GC) prom-client collects.",
  }),
]);

/**
 * The `[healthcheck]` values when nothing is configured (oslo.middleware's
 * defaults: no backends, not detailed), for apps built without a config.
 *
 * @example
 * ```ts
 * import { defaultHealthcheckValues } from "./options.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(defaultHealthcheckValues().path, "/healthcheck");
 * assert.deepEqual(defaultHealthcheckValues().backends, []);
 * ```
 */
export function defaultHealthcheckValues(): GroupValues<typeof HEALTHCHECK_OPTS.opts> {
  return Object.fromEntries(
    HEALTHCHECK_OPTS.opts.map((o) => [o.name, structuredClone(o.default)]),
  ) as GroupValues<typeof HEALTHCHECK_OPTS.opts>;
}
