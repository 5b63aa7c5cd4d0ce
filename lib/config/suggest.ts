/**
 * "Did you mean" suggestions for mistyped option, group and flag names.
 *
 * @module
 */

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (prev2[j - 2] as number) + 1);
      }
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n] as number;
}

/**
 * The closest candidate to `name` (ignoring case, `-` as `_`), when close
 * enough to be a typo: at most a third of the name's length in edits.
 *
 * @example
 * ```ts
 * import { suggest } from "./suggest.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(suggest("devug", ["verbose", "debug"]), "debug");
 * assert.equal(suggest("zzz", ["debug"]), undefined);
 * ```
 */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const norm = (s: string) => s.toLowerCase().replaceAll("-", "_");
  const target = norm(name);
  const limit = Math.max(1, Math.floor(target.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const cn = norm(c);
    if (Math.abs(cn.length - target.length) > limit) continue;
    const d = cn === target ? 0 : editDistance(target, cn);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= limit && best !== name ? best : undefined;
}
