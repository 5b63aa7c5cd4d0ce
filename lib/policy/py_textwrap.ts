/**
 * Python's `textwrap.wrap()` (3.11) with its defaults (tabs expanded,
 * whitespace replaced and dropped, long words and hyphenated words broken),
 * so generated policy samples wrap byte for byte as oslo.policy's do.
 *
 * @module
 */

const WS = "[\\t\\n\\x0b\\x0c\\r ]";
const NWS = "[^\\t\\n\\x0b\\x0c\\r ]";
const WP = "[\\p{L}\\p{N}_!\"'&.,?]";
const LT = "[\\p{L}_]";
const W = "[\\p{L}\\p{N}_]";
// textwrap.TextWrapper.wordsep_re, with Python's Unicode \w spelled out.
const WORDSEP = new RegExp(
  `(${WS}+|(?<=${WP})-{2,}(?=${W})|${NWS}+?(?:-(?:(?<=${LT}{2}-)|(?<=${LT}-${LT}-))(?=${LT}-?${LT})|(?=${WS}|$)|(?<=${WP})(?=-{2,}${W})))`,
  "u",
);

/** Options of {@linkcode pyWrap}. */
export interface WrapOptions {
  initialIndent?: string;
  subsequentIndent?: string;
}

function expandTabs(text: string, size = 8): string {
  let out = "";
  let col = 0;
  for (const ch of text) {
    if (ch === "\t") {
      const n = size - (col % size);
      out += " ".repeat(n);
      col += n;
    } else {
      out += ch;
      col = ch === "\n" || ch === "\r" ? 0 : col + 1;
    }
  }
  return out;
}

const len = (s: string) => [...s].length;
const isBlank = (s: string) => s.trim() === "";

/**
 * Wraps `text` to `width` columns, as `textwrap.wrap(text, width, ...)`.
 *
 * @example Hyphenated words break after the hyphen
 * ```ts
 * import { pyWrap } from "./py_textwrap.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(pyWrap("a well-known example of wrapping", 12), ["a well-known", "example of", "wrapping"]);
 * assert.deepEqual(pyWrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
 * ```
 */
export function pyWrap(text: string, width: number, options: WrapOptions = {}): string[] {
  const initial = options.initialIndent ?? "", subsequent = options.subsequentIndent ?? "";
  // deno-lint-ignore no-control-regex
  const munged = expandTabs(text).replace(/[\t\n\x0b\x0c\r]/g, " ");
  const chunks = munged.split(WORDSEP).filter((c) => c !== undefined && c !== "");
  chunks.reverse();
  const lines: string[] = [];
  while (chunks.length > 0) {
    const cur: string[] = [];
    let curLen = 0;
    const indent = lines.length > 0 ? subsequent : initial;
    const w = width - len(indent);
    if (isBlank(chunks[chunks.length - 1]!) && lines.length > 0) chunks.pop();
    while (chunks.length > 0) {
      const l = len(chunks[chunks.length - 1]!);
      if (curLen + l <= w) {
        cur.push(chunks.pop()!);
        curLen += l;
      } else break;
    }
    if (chunks.length > 0 && len(chunks[chunks.length - 1]!) > w) {
      const spaceLeft = w < 1 ? 1 : w - curLen;
      const chunk = [...chunks[chunks.length - 1]!];
      let end = spaceLeft;
      if (chunk.length > spaceLeft) {
        const hyphen = chunk.slice(0, spaceLeft).lastIndexOf("-");
        if (hyphen > 0 && chunk.slice(0, hyphen).some((c) => c !== "-")) end = hyphen + 1;
      }
      cur.push(chunk.slice(0, end).join(""));
      chunks[chunks.length - 1] = chunk.slice(end).join("");
      curLen = cur.reduce((n, c) => n + len(c), 0);
    }
    if (cur.length > 0 && isBlank(cur[cur.length - 1]!)) {
      curLen -= len(cur[cur.length - 1]!);
      cur.pop();
    }
    if (cur.length > 0) lines.push(indent + cur.join(""));
  }
  return lines;
}
