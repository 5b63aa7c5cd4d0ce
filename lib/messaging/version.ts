/**
 * RPC interface versions, with oslo.messaging's compatibility rule.
 *
 * @module
 */

/**
 * Whether an endpoint implementing `implemented` can serve a call asking for
 * `requested`: same major, requested minor no greater, and when the minors are
 * equal, requested revision no greater. No implemented version accepts
 * anything; no requested version is refused (oslo's `version_is_compatible`).
 *
 * @example Endpoint 1.3
 * ```ts
 * import { versionIsCompatible } from "./version.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(versionIsCompatible("1.3", "1.2"), true);
 * assert.equal(versionIsCompatible("1.3", "1.4"), false);
 * assert.equal(versionIsCompatible("1.3", "2.0"), false);
 * assert.equal(versionIsCompatible("1.3.1", "1.3.2"), false);
 * ```
 */
export function versionIsCompatible(
  implemented: string | undefined,
  requested: string | undefined,
): boolean {
  if (implemented === undefined) return true;
  if (requested === undefined) return false;
  const [rMaj, rMin, rRev] = parseVersion(requested);
  const [iMaj, iMin, iRev] = parseVersion(implemented);
  if (rMaj !== iMaj) return false;
  if (rMin > iMin) return false;
  if (rMin === iMin && rRev > iRev) return false;
  return true;
}

/**
 * `[major, minor, revision]`; throws `TypeError` unless the text is `N.N` or `N.N.N`.
 *
 * @example
 * ```ts
 * import { parseVersion } from "./version.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseVersion("2.1"), [2, 1, 0]);
 * assert.throws(() => parseVersion("2"), TypeError);
 * ```
 */
export function parseVersion(version: string): [number, number, number] {
  const m = /^\s*(\d+)\.(\d+)(?:\.(\d+))?\s*$/.exec(version);
  if (!m) {
    throw new TypeError(
      `Cannot use version "${version}": it must contain a major and minor integer (like "1.0")`,
    );
  }
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}
