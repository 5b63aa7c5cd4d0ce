/**
 * Errors raised by lib/health, each with a stable `code`.
 *
 * @module
 */

/** Base class of every lib/health error. */
export class HealthError extends Error {
  /** Stable machine-readable code. */
  readonly code: string = "ERR_HEALTH";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "HealthError";
  }
}

/**
 * The health options cannot work as set: an unknown backend, a bad network
 * range, a `port:path` without a port, a backend without what it needs.
 *
 * @example
 * ```ts
 * import { createSourceFilter, HealthConfigError } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => createSourceFilter({ allowedSourceRanges: ["10.0.0.1/8"] }), (e) => {
 *   assert.ok(e instanceof HealthConfigError);
 *   assert.equal(e.code, "ERR_HEALTH_CONFIG");
 *   assert.equal(e.option, "healthcheck/allowed_source_ranges");
 *   return true;
 * });
 * ```
 */
export class HealthConfigError extends HealthError {
  override readonly code = "ERR_HEALTH_CONFIG";
  /** `group/option` at fault, e.g. `healthcheck/allowed_source_ranges`. */
  readonly option: string;
  constructor(option: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "HealthConfigError";
    this.option = option;
  }
}

/** A metric was declared twice with different shapes, or fed a label it does not have. */
export class MetricsError extends HealthError {
  override readonly code = "ERR_METRICS";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MetricsError";
  }
}
