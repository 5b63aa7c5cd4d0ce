/**
 * Python's `str()` and `repr()` of JSON values, because oslo.policy compares
 * `match == str(value)`: `True` is `"True"`, `None` is `"None"`, a list is
 * `"['a', 'b']"`, `0.1` is `"0.1"` and `1e-05` is `"1e-05"`.
 *
 * JSON as JavaScript reads it cannot tell `1.0` from `1`: a whole number up
 * to 2^53 is formatted as Python formats an `int`.
 *
 * @module
 */

const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** Python's `repr()` of a string (quote choice and escapes as `unicode_repr`). */
export function pyStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x7f) out += ch;
    else if (ch !== " " && NOT_PRINTABLE.test(ch)) {
      out += cp <= 0xff
        ? `\\x${hex(cp, 2)}`
        : cp <= 0xffff
        ? `\\u${hex(cp, 4)}`
        : `\\U${hex(cp, 8)}`;
    } else out += ch;
  }
  return out + quote;
}

/** Python's `repr()` of a float (the shortest round-trip digits, Python's layout). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mant, expText] = x.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith("-");
  const digits = mant.replace("-", "").replace(".", "");
  const sign = neg ? "-" : "";
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, "0");
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || "0"}`;
}

/**
 * Python's `str()` of a number from JSON. A whole number up to 2^53 is an
 * `int`; beyond that (where JSON numbers are floats in practice: `1e22`) and
 * anything fractional is a `float`.
 */
export function pyNumberStr(x: number): string {
  if (Number.isSafeInteger(x)) return String(x);
  return pyFloatRepr(x);
}

/**
 * Python's `repr()` of a JSON value.
 *
 * @example Lists and dicts
 * ```ts
 * import { pyRepr } from "./py_str.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pyRepr(["a", 1, true, null]), "['a', 1, True, None]");
 * assert.equal(pyRepr({ "it's": 0.5 }), `{"it's": 0.5}`);
 * ```
 */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return pyNumberStr(v);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "string") return pyStringRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (typeof v === "object") {
    const items = Object.entries(v as Record<string, unknown>).map(([k, x]) =>
      `${pyStringRepr(k)}: ${pyRepr(x)}`
    );
    return `{${items.join(", ")}}`;
  }
  return String(v);
}

/**
 * Python's `str()` of a JSON value: strings as they are, everything else as `repr()`.
 *
 * @example Scalars
 * ```ts
 * import { pyStr } from "./py_str.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pyStr(true), "True");
 * assert.equal(pyStr(null), "None");
 * assert.equal(pyStr(1e-5), "1e-05");
 * assert.equal(pyStr("abc"), "abc");
 * ```
 */
export function pyStr(v: unknown): string {
  return typeof v === "string" ? v : pyRepr(v);
}

/** Python truthiness of a JSON value. */
export function pyTruthy(v: unknown): boolean {
  if (typeof v === "string") return v.length > 0; // the common cases first: ids and null
  if (v === null || v === undefined || v === false || v === 0) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v as object).length > 0;
  return true;
}
