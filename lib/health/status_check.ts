/**
 * The `config` and `policy` backends: they ask a status provider (a function
 * the area that loads the config or the policy exposes) whether something is
 * loaded and whether the last reload worked. A failed reload leaves the
 * service on the version it had, so it is reported (reason `... RELOAD
 * FAILED`) without making the instance unavailable.
 *
 * @module
 */
import type { HealthcheckResult, HealthPlugin } from "./plugin.ts";

/** What a loaded component (config, policy) says about itself. */
export interface ComponentStatus {
  /** A usable version is loaded. */
  loaded: boolean;
  /** When the version in use was loaded. */
  loadedAt?: Date;
  /** Where it came from (file names, a KV bucket); never secrets. */
  source?: string;
  /** Successful reloads since start. */
  reloads?: number;
  /** The last failed load or reload. */
  lastError?: { at: Date; message: string };
}

/** A function giving a component's status; may be async. */
export type StatusProvider = () => ComponentStatus | Promise<ComponentStatus>;

/**
 * Builds a status backend named `name`; reasons are `OK`, `<LABEL> NOT
 * LOADED` (unavailable) and `<LABEL> RELOAD FAILED` (still available).
 *
 * @example
 * ```ts
 * import { statusCheck } from "./status_check.ts";
 * import { resultFor } from "./plugin.ts";
 * import assert from "node:assert/strict";
 *
 * const loadedAt = new Date("2026-01-01T00:00:00Z");
 * const plugin = statusCheck("config", () => ({
 *   loaded: true,
 *   loadedAt,
 *   source: "/etc/oslo-edge/oslo-edge.conf",
 *   lastError: { at: new Date("2026-01-01T00:05:00Z"), message: "line 3: bad value" },
 * }));
 * const r = resultFor(await plugin.probe(AbortSignal.timeout(1000)), 80);
 * assert.equal(r.available, true);
 * assert.equal(r.reason, "CONFIG RELOAD FAILED");
 * ```
 */
export function statusCheck(name: string, provider: StatusProvider): HealthPlugin {
  const label = name.toUpperCase();
  return {
    name,
    kind: "dependency",
    failReason: `${label} NOT LOADED`,
    async probe(): Promise<HealthcheckResult> {
      const s = await provider();
      const from = s.source ? ` from ${s.source}` : "";
      if (!s.loaded) {
        return {
          available: false,
          reason: `${label} NOT LOADED`,
          details: s.lastError
            ? `Loading${from} failed at ${s.lastError.at.toISOString()}: ${s.lastError.message}`
            : `Nothing loaded yet${from}`,
        };
      }
      const at = s.loadedAt ? ` at ${s.loadedAt.toISOString()}` : "";
      if (s.lastError && (!s.loadedAt || s.lastError.at >= s.loadedAt)) {
        return {
          available: true,
          reason: `${label} RELOAD FAILED`,
          details:
            `Serving the version loaded${at}${from}; the reload at ${s.lastError.at.toISOString()} failed: ${s.lastError.message}`,
        };
      }
      const reloads = s.reloads === undefined
        ? ""
        : `, ${s.reloads} ${s.reloads === 1 ? "reload" : "reloads"}`;
      return { available: true, reason: "OK", details: `Loaded${at}${from}${reloads}` };
    },
  };
}
