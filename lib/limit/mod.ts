/**
 * lib/limit: oslo.limit's semantics for Deno. An {@linkcode Enforcer} checks
 * usage plus deltas against Keystone unified limits (flat or strict-two-level),
 * with limits from a static object or YAML file, from Keystone, or replicated
 * to edge sites over NATS KV; usage stores count claims exactly across sites.
 *
 * @example Enforce static limits
 * ```ts
 * import { Enforcer, ProjectOverLimit } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const enforcer = new Enforcer(() => ({ cores: 4, ram_mb: 1024 }), {
 *   limits: { registeredLimits: { cores: 4, ram_mb: 4096 } },
 * });
 * await enforcer.enforce("p1", { ram_mb: 2048 });
 * await assert.rejects(enforcer.enforce("p1", { cores: 1, ram_mb: 4096 }), ProjectOverLimit);
 * ```
 *
 * @module
 */
export { Enforcer } from "./enforcer.ts";
export type {
  EnforcerOptions,
  EnforcerStats,
  ProjectUsage,
  RejectEvent,
  TreeUsageCallback,
  UsageCallback,
} from "./enforcer.ts";
export type { CacheOption } from "./limit_reader.ts";
export { MAX_LIMIT, normalizeModel } from "./limit_source.ts";
export type { EnforcementModel, LimitsData, LimitSource, MaybePromise } from "./limit_source.ts";
export { loadLimitsFile, parseLimitsYaml, StaticLimitSource } from "./static_source.ts";
export { validateLimitsData } from "./limits_data.ts";
export type { LimitsIssue } from "./limits_data.ts";
export {
  ClaimNotFoundError,
  EndpointNotFoundError,
  HierarchyError,
  KeystoneAuthError,
  KeystoneError,
  LimitError,
  LimitsNotReadyError,
  LimitSourceError,
  ProjectNotFoundError,
  ProjectOverLimit,
  UsageStoreError,
  UsageUnavailableError,
} from "./errors.ts";
export type { OverLimitInfo } from "./errors.ts";
export { LIMIT_OPTS } from "./options.ts";
export { authBody, KeystoneClient } from "./keystone_client.ts";
export type { KeystoneAuthOptions } from "./keystone_client.ts";
export { KeystoneLimitSource } from "./keystone_source.ts";
export type { EndpointOptions } from "./keystone_source.ts";
export { keystoneSourceFromOptions } from "./from_options.ts";
export type { LimitOptionValues } from "./from_options.ts";
export { UsageStore } from "./usage_store.ts";
export type { Claim, UsageStoreOptions } from "./usage_store.ts";
export { MemoryUsageBackend } from "./usage_backend.ts";
export type { UsageBackend } from "./usage_backend.ts";
export { claimProjectId } from "./usage_scope.ts";
export type { UsageScope } from "./usage_scope.ts";
export type { UsageDoc } from "./usage_doc.ts";
export { KvUsageBackend } from "./kv_usage_backend.ts";
export type { KvUsageBackendOptions } from "./kv_usage_backend.ts";
export { openLimitsBucket, ReplicatedLimitSource } from "./replicated_source.ts";
export type { LimitsBucketOptions, ReplicationEvent } from "./replicated_source.ts";
export { LimitsPublisher, replicateKeystoneLimits } from "./replication.ts";
export type { Replication } from "./replication.ts";
