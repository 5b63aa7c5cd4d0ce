/**
 * The few Python behaviours oslo.config's answers depend on: `str.strip()`'s
 * idea of whitespace, `repr()` of strings, `str()` of values, `%g`, and the
 * `int()`/`float()` literal grammars (Unicode digits and `_` separators included).
 *
 * @module
 */

/** Python's `str.isspace()` set, which `strip()` with no argument removes. */
const WS =
  "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
// int() and float() strip the same set but for the separators \x1c-\x1f.
const NUM_WS = WS.replace("\\x1c-\\x20", "\\x20");
const NUM_EDGES = new RegExp(`^[${NUM_WS}]+|[${NUM_WS}]+$`, "g");

/** Whether a UTF-16 unit is in Python's whitespace set. */
export function isPyWs(c: number): boolean {
  return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c === 0x85 || c === 0xa0 ||
    (c >= 0x1680 && (c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
      c === 0x202f || c === 0x205f || c === 0x3000));
}

/** Python's `str.strip()`. */
export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isPyWs(s.charCodeAt(start))) start++;
  while (end > start && isPyWs(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** Python's `s[from:end].strip()`, with one slice. */
export function pyStripSlice(s: string, from: number, end: number): string {
  while (from < end && isPyWs(s.charCodeAt(from))) from++;
  while (end > from && isPyWs(s.charCodeAt(end - 1))) end--;
  return s.slice(from, end);
}

// Python's str.isprintable() is false for these categories (space excepted).
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function escapeChar(ch: string, quote: string): string {
  if (ch === "\\") return "\\\\";
  if (ch === quote) return `\\${quote}`;
  if (ch === "\n") return "\\n";
  if (ch === "\r") return "\\r";
  if (ch === "\t") return "\\t";
  if (ch === " " || !NON_PRINTABLE.test(ch)) return ch;
  const cp = ch.codePointAt(0) as number;
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, "0")}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, "0")}`;
  return `\\U${cp.toString(16).padStart(8, "0")}`;
}

/**
 * Python's `repr()` of a str: single quotes unless the text holds a single
 * quote and no double quote, non-printable characters escaped.
 *
 * @example
 * ```ts
 * import { pyRepr } from "./py.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pyRepr("it's"), `"it's"`);
 * assert.equal(pyRepr("a\tb"), "'a\\tb'");
 * ```
 */
export function pyRepr(value: unknown): string {
  if (typeof value !== "string") return pyStr(value, true);
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = "";
  for (const ch of value) out += escapeChar(ch, quote);
  return quote + out + quote;
}

/** Python's `repr()` of a float (the shortest round-trip form, `1e+20` style exponents). */
export function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return "nan";
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
  if (n === 0) return Object.is(n, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(n);
  if (abs >= 1e16 || abs < 1e-4) {
    const [m, e] = n.toExponential().split("e") as [string, string];
    const exp = Number(e);
    return `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  const s = String(n);
  return s.includes(".") ? s : `${s}.0`;
}

/** A float-typed number (so `str()` prints `5.0`, not `5`). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/**
 * Python's `str()` of a value as oslo.config's interpolation prints it:
 * `True`, `None`, `['a', 'b']`, `{'k': 'v'}`.
 */
export function pyStr(value: unknown, nested = false): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string") return nested ? pyRepr(value) : value;
  if (typeof value === "number") return String(value);
  if (value instanceof PyFloat) return pyFloatRepr(value.value);
  if (Array.isArray(value)) return `[${value.map((v) => pyStr(v, true)).join(", ")}]`;
  if (typeof value === "object") {
    if ("start" in value && "stop" in value && "step" in value) {
      const r = value as { start: number; stop: number; step: number };
      return r.step === 1
        ? `range(${r.start}, ${r.stop})`
        : `range(${r.start}, ${r.stop}, ${r.step})`;
    }
    const items = Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyStr(v, true)}`);
    return `{${items.join(", ")}}`;
  }
  return String(value);
}

/**
 * Python's `'%g' % x`.
 *
 * @example
 * ```ts
 * import { pyFormatG } from "./py.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pyFormatG(5), "5");
 * assert.equal(pyFormatG(1e6), "1e+06");
 * assert.equal(pyFormatG(0.5), "0.5");
 * ```
 */
export function pyFormatG(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const [mant, e] = x.toExponential(5).split("e") as [string, string];
  const exp = Number(e);
  if (exp >= -4 && exp < 6) return stripZeros(x.toFixed(5 - exp));
  return `${stripZeros(mant)}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

function stripZeros(s: string): string {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

const ND = /\p{Nd}/u;

/** Maps every Unicode decimal digit to ASCII (Python's int()/float() accept them). */
function asciiDigits(s: string): string {
  let out = "";
  for (const ch of s) {
    if (ch >= "0" && ch <= "9") out += ch;
    else if (ND.test(ch)) out += String(digitValue(ch.codePointAt(0) as number));
    else out += ch;
  }
  return out;
}

function digitValue(cp: number): number {
  // Decimal digits come in contiguous runs of ten starting at zero.
  let start = cp;
  while (start > 0 && ND.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

const DIGITPART = "[0-9](?:_?[0-9])*";
const INT_RE = new RegExp(`^[+-]?${DIGITPART}$`);
const FLOAT_RE = new RegExp(
  `^[+-]?(?:(?:(?:${DIGITPART})?\\.${DIGITPART}|${DIGITPART}\\.?)(?:[eE][+-]?${DIGITPART})?|inf|infinity|nan)$`,
  "i",
);

const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);

/**
 * The value of `[+-]digits` (`dot`: `[+-]digits.digits`, either side may be
 * empty) with 1 to 15 ASCII digits, else NaN. Exact: the digits make an
 * integer below 2^53 and 10^k is exact, so one division rounds correctly
 * (Clinger's fast path), as JavaScript's and Python's parsers do.
 */
function plainDecimal(text: string, dot: boolean): number {
  let i = 0;
  const sign = text.charCodeAt(0);
  if (sign === 43 || sign === 45) i = 1;
  let m = 0;
  let digits = 0;
  let frac = -1; // digits after the ".", -1 without one
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && dot && frac < 0) frac = 0;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = frac > 0 ? m / (POW10[frac] as number) : m;
  return sign === 45 ? -v : v;
}

/** Python's `int(text)` (base 10); throws `TypeError` with Python's message. */
export function pyInt(text: string): number {
  // The common case: an optionally signed run of at most 15 ASCII digits.
  const plain = plainDecimal(text, false);
  if (plain === plain) return plain === 0 ? 0 : plain; // not NaN; -0 is 0
  const s = asciiDigits(text.replace(NUM_EDGES, ""));
  if (!INT_RE.test(s)) {
    throw new TypeError(`invalid literal for int() with base 10: ${pyRepr(text)}`);
  }
  const n = Number(s.replaceAll("_", ""));
  if (!Number.isSafeInteger(n)) {
    throw new TypeError(
      `Integer ${
        pyRepr(text)
      } is outside the range this implementation holds exactly (±${Number.MAX_SAFE_INTEGER})`,
    );
  }
  return n === 0 ? 0 : n;
}

/** Python's `float(text)`; throws `TypeError` with Python's message. */
export function pyFloat(text: string): number {
  // The common case: at most 15 ASCII digits with at most one ".".
  const plain = plainDecimal(text, true);
  if (plain === plain) return plain; // not NaN
  const s = asciiDigits(text.replace(NUM_EDGES, ""));
  if (!FLOAT_RE.test(s)) throw new TypeError(`could not convert string to float: ${pyRepr(text)}`);
  const t = s.replaceAll("_", "").toLowerCase();
  if (/^[+-]?inf(inity)?$/.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return NaN;
  return Number(t);
}
