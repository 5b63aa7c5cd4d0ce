/**
 * lib/health: oslo.middleware's healthcheck for Deno. The `[healthcheck]`
 * options, the file backends (`disable_by_file`, `disable_by_files_ports`,
 * `enable_by_files`), dependency backends (`nats`, `keystone`, `opa`, status
 * providers for `config` and `policy`) probed in the background, replies in
 * text/plain, application/json and text/html chosen by `Accept` as
 * oslo.middleware chooses, the source restrictions, Kubernetes probes, and
 * the service's Prometheus metrics with the hooks other areas feed.
 *
 * @example A disable file takes the instance out of rotation
 * ```ts
 * import { ConfigOpts } from "../config/mod.ts";
 * import { createHealthcheck, HEALTHCHECK_OPTS } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const conf = await new ConfigOpts().register(HEALTHCHECK_OPTS).load({
 *   env: { OS_HEALTHCHECK__BACKENDS: "disable_by_file", OS_HEALTHCHECK__DISABLE_BY_FILE_PATH: `${dir}/off` },
 * });
 * await Deno.writeTextFile(`${dir}/off`, "");
 * await using health = createHealthcheck(conf.group(HEALTHCHECK_OPTS));
 * await health.start();
 * const reply = health.reply({ method: "GET", accept: "application/json", serverPort: 80 });
 * assert.equal(reply.status, 503);
 * assert.deepEqual(JSON.parse(reply.body), { detailed: false, reasons: ["DISABLED BY FILE"] });
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
export { createHealthcheck, Healthcheck } from "./healthcheck.ts";
export type { HealthcheckDeps, HealthReply, HealthRequestInfo } from "./healthcheck.ts";
export { createBackends, knownBackends } from "./backends.ts";
export type { BackendDeps, HealthcheckValues } from "./backends.ts";
export { defaultHealthcheckValues, HEALTHCHECK_OPTS, METRICS_OPTS } from "./options.ts";
export { HealthMonitor } from "./monitor.ts";
export type { CheckView, MonitorOptions, ProbeInfo } from "./monitor.ts";
export { resultFor } from "./plugin.ts";
export type { HealthcheckResult, HealthPlugin, Observation, PerPortResult } from "./plugin.ts";
export {
  disableByFile,
  disableByFilesPorts,
  enableByFiles,
  parsePortPaths,
} from "./file_plugins.ts";
export type { WarningSink } from "./file_plugins.ts";
export { natsCheck } from "./nats_check.ts";
export type { NatsCheckOptions } from "./nats_check.ts";
export { keystoneCheck, opaCheck } from "./http_checks.ts";
export type { HttpCheckOptions } from "./http_checks.ts";
export { statusCheck } from "./status_check.ts";
export type { ComponentStatus, StatusProvider } from "./status_check.ts";
export { acceptableOffers, negotiate, negotiator } from "./accept.ts";
export { createSourceFilter, PROXY_HEADERS } from "./source_filter.ts";
export type { SourceFilter, SourceFilterOptions, SourceInfo } from "./source_filter.ts";
export { inNetwork, parseIpAddress, parseIpNetwork } from "./ip_network.ts";
export type { IpAddress, IpNetwork } from "./ip_network.ts";
export { detailedReasons, jsonBody, plainBody, pythonJsonDumps } from "./reply_formats.ts";
export type { DetailedReason } from "./reply_formats.ts";
export { escapeHtml, formatAge, renderHealthPage } from "./page_html.ts";
export type { HealthPage } from "./page_html.ts";
export { pythonUtcNow, runtimeDetails, staticRuntime } from "./runtime.ts";
export type { RuntimeDetails, StaticRuntime } from "./runtime.ts";
export { HealthConfigError, HealthError, MetricsError } from "./errors.ts";
export { MetricsRegistry } from "./metrics_registry.ts";
export type { Counter, Gauge, Histogram, Labels, MetricSpec } from "./metrics_registry.ts";
export { HTTP_BUCKETS, ServiceMetrics } from "./service_metrics.ts";
export { RPC_BUCKETS, RPC_CLIENT_LABELS, RPC_SERVER_LABELS, rpcMetrics } from "./rpc_metrics.ts";
export { rpcHooks } from "./rpc_hooks.ts";
export type { RpcHooks, RpcHooksOptions } from "./rpc_hooks.ts";
export type { DecisionResult } from "./service_metrics.ts";
export type { RpcClientLabels, RpcServerLabels, RpcTimer } from "./rpc_metrics.ts";
