/**
 * The plugin contract, after oslo.middleware's `HealthcheckBaseExtension`:
 * a plugin answers with a `HealthcheckResult` (available, reason, details).
 * Unlike oslo.middleware, where every request calls every plugin, plugins here
 * are probed in the background and requests read the last observation, so a
 * request never waits on a file system or a dependency.
 *
 * @module
 */

/** oslo.middleware's `HealthcheckResult`. */
export interface HealthcheckResult {
  /** False makes the whole check fail (503). */
  available: boolean;
  /** Short upper-case reason (`OK`, `DISABLED BY FILE`); shown in every format. */
  reason: string;
  /** Longer explanation; shown only in detailed mode. */
  details?: string;
}

/** An observation that depends on the port the request came in on (disable_by_files_ports). */
export interface PerPortResult {
  /** Result for each configured port. */
  byPort: ReadonlyMap<number, HealthcheckResult>;
  /** Result for any other port. */
  otherPorts: HealthcheckResult;
  /** Called when a request comes in on a port not in `byPort` (to warn). */
  onOtherPort?: (port: number) => void;
}

/** What one probe observed. */
export type Observation = HealthcheckResult | PerPortResult;

/**
 * A health check backend, named as in `[healthcheck] backends`.
 *
 * @example A plugin that is always available
 * ```ts
 * import { type HealthPlugin, resultFor } from "./plugin.ts";
 * import assert from "node:assert/strict";
 *
 * const always: HealthPlugin = {
 *   name: "always",
 *   kind: "dependency",
 *   probe: () => Promise.resolve({ available: true, reason: "OK" }),
 * };
 * assert.equal(resultFor(await always.probe(AbortSignal.timeout(1000)), 80).reason, "OK");
 * ```
 */
export interface HealthPlugin {
  /** Backend name (`disable_by_file`, `nats`, ...). */
  readonly name: string;
  /**
   * `file`: probed every `file_check_interval`; `dependency`: every
   * `check_interval`, with `check_timeout`.
   */
  readonly kind: "file" | "dependency";
  /** Reason shown when the probe throws or times out (default `CHECK FAILED`). */
  readonly failReason?: string;
  /** Looks once; should give up when `signal` aborts. A throw counts as unavailable. */
  probe(signal: AbortSignal): Promise<Observation>;
  /** Releases what the plugin holds (connections). */
  close?(): void | Promise<void>;
}

/** The result an observation gives for a request on `serverPort`. *
 * @example
 * ```ts
 * import { resultFor } from "./plugin.ts";
 * import assert from "node:assert/strict";
 *
 * const observed = {
 *   byPort: new Map([[81, { available: false, reason: "DISABLED BY FILE" }]]),
 *   otherPorts: { available: true, reason: "OK" },
 * };
 * assert.equal(resultFor(observed, 81).available, false);
 * assert.equal(resultFor(observed, 80).reason, "OK");
 * ```
 */
export function resultFor(observation: Observation, serverPort: number): HealthcheckResult {
  if ("byPort" in observation) {
    const result = observation.byPort.get(serverPort);
    if (result) return result;
    observation.onOtherPort?.(serverPort);
    return observation.otherPorts;
  }
  return observation;
}
