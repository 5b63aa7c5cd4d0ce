/**
 * Argument checks of the {@linkcode Enforcer}'s methods: a bad argument is a
 * TypeError naming it, before any lookup.
 *
 * @module
 */

/** Throws unless `projectId` is a non-empty string or null. */
export function checkProjectId(projectId: unknown): asserts projectId is string | null {
  if (projectId !== null && (typeof projectId !== "string" || projectId === "")) {
    throw new TypeError(
      `Cannot enforce limits: project id must be a non-empty string or null, got ${
        JSON.stringify(projectId) ?? String(projectId)
      }`,
    );
  }
}

/** The resource names of `deltas`, sorted as Python sorts them; throws on a bad delta. */
export function checkDeltas(deltas: unknown): string[] {
  if (typeof deltas !== "object" || deltas === null || Array.isArray(deltas)) {
    throw new TypeError(
      "Cannot enforce limits: deltas must be a non-empty object of resource → integer",
    );
  }
  const names = Object.keys(deltas);
  if (names.length === 0) {
    throw new TypeError(
      "Cannot enforce limits: deltas must be a non-empty object of resource → integer",
    );
  }
  for (const name of names) {
    const v = (deltas as Record<string, unknown>)[name];
    if (typeof v !== "number" || !Number.isInteger(v)) {
      throw new TypeError(
        `Cannot enforce limits: delta of "${name}" must be an integer, got ${
          JSON.stringify(v) ?? String(v)
        }`,
      );
    }
  }
  if (names.length > 1) names.sort(compareCodePoints);
  return names;
}

/** Throws unless `resources` is a non-empty array of strings. */
export function checkResources(resources: unknown): string[] {
  if (
    !Array.isArray(resources) || resources.length === 0 ||
    resources.some((r) => typeof r !== "string")
  ) {
    throw new TypeError(
      "Cannot read limits: resources must be a non-empty array of resource names",
    );
  }
  return resources as string[];
}

/** Python's `sorted()` order for strings: by code point (JS sorts by UTF-16 unit). */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!, y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
