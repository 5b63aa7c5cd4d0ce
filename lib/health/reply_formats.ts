/**
 * The text/plain and application/json bodies, byte for byte as
 * oslo.middleware renders them (its jinja template for text, Python's
 * `json.dumps(indent=4, sort_keys=True)` for JSON).
 *
 * @module
 */
import type { HealthcheckResult } from "./plugin.ts";

/**
 * oslo.middleware's plain body: its template puts each reason on its own line
 * (an empty reason leaves an empty line) and the whole is stripped.
 *
 * @example
 * ```ts
 * import { plainBody } from "./reply_formats.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   plainBody([{ available: false, reason: "DISABLED BY FILE" }, { available: true, reason: "OK" }]),
 *   "DISABLED BY FILE\nOK",
 * );
 * assert.equal(plainBody([]), "");
 * ```
 */
export function plainBody(results: readonly HealthcheckResult[]): string {
  return `\n${results.map((r) => `\n${r.reason ?? ""}`).join("")}\n`.trim();
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/**
 * Python's `json.dumps(value, indent=4, sort_keys=True)`: keys sorted at every
 * level, four-space indent, every character outside printable ASCII escaped
 * as `\uXXXX` (`ensure_ascii`).
 *
 * @example
 * ```ts
 * import { pythonJsonDumps } from "./reply_formats.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pythonJsonDumps({ b: ["é"], a: {} }), '{\n    "a": {},\n    "b": [\n        "\\u00e9"\n    ]\n}');
 * ```
 */
export function pythonJsonDumps(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 4).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** One entry of the detailed JSON's `reasons`, as oslo.middleware builds it. */
export interface DetailedReason {
  reason: string;
  details: string;
  class: string;
}

/**
 * `reasons` entries for detailed replies: `details` is `""` when absent, `class` the result class.
 *
 * @example
 * ```ts
 * import { detailedReasons } from "./reply_formats.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(detailedReasons([{ available: true, reason: "OK" }]), [
 *   { reason: "OK", details: "", class: "HealthcheckResult" },
 * ]);
 * ```
 */
export function detailedReasons(results: readonly HealthcheckResult[]): DetailedReason[] {
  return results.map((r) => ({
    reason: r.reason,
    details: r.details ?? "",
    class: "HealthcheckResult",
  }));
}

/**
 * oslo.middleware's JSON body. Not detailed: `{"detailed": false, "reasons":
 * [reason, ...]}`. Detailed: `detailed`, `reasons` as
 * {@linkcode detailedReasons} and every key of `extra` (runtime details, checks).
 *
 * @example
 * ```ts
 * import { jsonBody } from "./reply_formats.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   jsonBody([{ available: true, reason: "OK" }], { detailed: false }),
 *   '{\n    "detailed": false,\n    "reasons": [\n        "OK"\n    ]\n}',
 * );
 * ```
 */
export function jsonBody(
  results: readonly HealthcheckResult[],
  options: { detailed: boolean; extra?: Readonly<Record<string, unknown>> },
): string {
  if (!options.detailed) {
    return pythonJsonDumps({ detailed: false, reasons: results.map((r) => r.reason) });
  }
  return pythonJsonDumps({ ...options.extra, detailed: true, reasons: detailedReasons(results) });
}
