/**
 * Unified diffs of two texts (line-based, Myers' algorithm), as `diff -u` prints them.
 *
 * @module
 */

type Op = { kind: " " | "-" | "+"; line: string };

/** The shortest edit script from `a` to `b` (Myers, O((N+M)D)). */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max;
  let v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let done = false;
  for (let d = 0; d <= max && !done; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
        ? v[offset + k + 1]!
        : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
    v = next;
  }
  trace.push(v);
  // Walk back through the trace.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 2; d >= 0 && (x > 0 || y > 0); d--) {
    const vd = trace[d] as Int32Array;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!)
      ? k + 1
      : k - 1;
    const prevX = d === 0 ? 0 : vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) ops.push({ kind: " ", line: a[--x]! }) && y--;
    if (d > 0) {
      if (x === prevX) ops.push({ kind: "+", line: b[--y]! });
      else ops.push({ kind: "-", line: a[--x]! });
    }
  }
  while (x > 0 && y > 0) ops.push({ kind: " ", line: a[--x]! }) && y--;
  return ops.reverse();
}

/** A last line without a line break carries this mark, so it differs from the same text with one. */
const NO_EOL = "\n";

const lines = (text: string) => {
  const all = text.split(/\r\n|\r|\n/);
  if (all[all.length - 1] === "") all.pop();
  else if (all.length > 0) all[all.length - 1] += NO_EOL;
  return all;
};

/** One line of a hunk, with `diff -u`'s marker after a last line that has no line break. */
const hunkLine = (kind: string, line: string) =>
  line.endsWith(NO_EOL)
    ? `${kind}${line.slice(0, -1)}\n\\ No newline at end of file\n`
    : `${kind}${line}\n`;

/**
 * A unified diff from `before` to `after` with `context` lines around each
 * change; empty when they are the same. Every line of it ends with a line
 * break; a text whose last line has none gets `\ No newline at end of file`,
 * as `diff -u` writes, so `patch` rebuilds it exactly.
 *
 * @example
 * ```ts
 * import { unifiedDiff } from "./diff.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   unifiedDiff("a\nb\nc\n", "a\nB\nc\n", { from: "x.conf", to: "x.conf" }),
 *   "--- x.conf\n+++ x.conf\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n",
 * );
 * ```
 */
export function unifiedDiff(
  before: string,
  after: string,
  options: { from?: string; to?: string; context?: number } = {},
): string {
  const ops = editScript(lines(before), lines(after));
  const context = options.context ?? 3;
  const changed = ops.map((o, i) => o.kind !== " " ? i : -1).filter((i) => i >= 0);
  if (changed.length === 0) return "";
  const hunks: [number, number][] = [];
  for (const i of changed) {
    const start = Math.max(0, i - context);
    const end = Math.min(ops.length, i + context + 1);
    const last = hunks[hunks.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else hunks.push([start, end]);
  }
  let out = `--- ${options.from ?? "a"}\n+++ ${options.to ?? "b"}\n`;
  for (const [start, end] of hunks) {
    let aLine = 1;
    let bLine = 1;
    for (let i = 0; i < start; i++) {
      if (ops[i]!.kind !== "+") aLine++;
      if (ops[i]!.kind !== "-") bLine++;
    }
    const body = ops.slice(start, end);
    const aLen = body.filter((o) => o.kind !== "+").length;
    const bLen = body.filter((o) => o.kind !== "-").length;
    const range = (l: number, len: number) =>
      `${len === 0 ? l - 1 : l}${len === 1 ? "" : `,${len}`}`;
    out += `@@ -${range(aLine, aLen)} +${range(bLine, bLen)} @@\n`;
    for (const o of body) out += hunkLine(o.kind, o.line);
  }
  return out;
}
