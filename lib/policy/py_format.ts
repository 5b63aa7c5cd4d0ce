/**
 * Python's `format % mapping`, as oslo.policy applies it to the right side of
 * every check (`user_id:%(target.user.id)s`): keys are looked up literally
 * (`target.user.id` is one flat key), a missing key makes the check false, and
 * other format errors (`100%`, `%(name)d` on a string) are errors, raised in
 * the order Python raises them.
 *
 * Supported conversions: `s r a d i u x X o c` with flags, width and
 * precision. Float conversions (`e f g`) are refused with an error.
 *
 * @module
 */
import { pyRepr, pyStr } from "./py_str.ts";

/** The key a `%(key)s` names is not in the target: the check is false. */
export const MISSING_KEY: unique symbol = Symbol("MISSING_KEY");

/** A Python `ValueError`/`TypeError` raised while formatting. */
export class PyFormatError extends Error {
  /** Python's exception class name. */
  readonly pyType: "ValueError" | "TypeError";
  constructor(pyType: "ValueError" | "TypeError", message: string) {
    super(message);
    this.name = "PyFormatError";
    this.pyType = pyType;
  }
}

interface Spec {
  key: string | null;
  flags: string;
  width: number | "*" | null;
  precision: number | "*" | null;
  conv: string;
}

type Part = string | Spec | PyFormatError;

/** A compiled format: format it against many targets. */
export interface PyFormat {
  /** The format text. */
  readonly source: string;
  /** Whether the text has any `%` at all (otherwise `format` returns it as is). */
  readonly dynamic: boolean;
  /** Formats against a mapping; {@linkcode MISSING_KEY} when a key is missing; throws {@linkcode PyFormatError}. */
  format(mapping: Readonly<Record<string, unknown>>): string | typeof MISSING_KEY;
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "string") return "str";
  if (Array.isArray(v)) return "list";
  return "dict";
}

function compile(fmt: string): Part[] {
  const parts: Part[] = [];
  let lit = "";
  let i = 0;
  const n = fmt.length;
  while (i < n) {
    const pct = fmt.indexOf("%", i);
    if (pct < 0) {
      lit += fmt.slice(i);
      break;
    }
    lit += fmt.slice(i, pct);
    i = pct + 1;
    if (i < n && fmt[i] === "%") {
      lit += "%";
      i++;
      continue;
    }
    if (lit) parts.push(lit), lit = "";
    let key: string | null = null;
    if (i < n && fmt[i] === "(") {
      let depth = 1;
      const start = ++i;
      while (i < n && depth > 0) {
        if (fmt[i] === "(") depth++;
        else if (fmt[i] === ")") depth--;
        i++;
      }
      if (depth > 0) {
        parts.push(new PyFormatError("ValueError", "incomplete format key"));
        return parts;
      }
      key = fmt.slice(start, i - 1);
    }
    let flags = "";
    while (i < n && "-+ #0".includes(fmt[i] as string)) flags += fmt[i++];
    let width: Spec["width"] = null;
    if (fmt[i] === "*") width = "*", i++;
    else {
      const m = /^\d+/.exec(fmt.slice(i));
      if (m) width = Number(m[0]), i += m[0].length;
    }
    let precision: Spec["precision"] = null;
    if (fmt[i] === ".") {
      i++;
      if (fmt[i] === "*") precision = "*", i++;
      else {
        const m = /^\d*/.exec(fmt.slice(i)) as RegExpExecArray;
        precision = Number(m[0] || "0");
        i += m[0].length;
      }
    }
    if (i < n && "hlL".includes(fmt[i] as string)) i++;
    if (i >= n) {
      parts.push({ key, flags, width, precision, conv: "" });
      return parts;
    }
    parts.push({ key, flags, width, precision, conv: fmt[i] as string });
    (parts[parts.length - 1] as Spec & { index?: number }).index = i;
    i++;
  }
  if (lit) parts.push(lit);
  return parts;
}

function pad(text: string, spec: Spec, numeric: boolean): string {
  const width = typeof spec.width === "number" ? spec.width : 0;
  if (width === 0) return text;
  const len = [...text].length;
  if (len >= width) return text;
  if (spec.flags.includes("-")) return text + " ".repeat(width - len);
  if (numeric && spec.flags.includes("0")) {
    const sign = /^[-+ ]/.test(text) ? text[0] as string : "";
    const prefix = /^[-+ ]?0[xXo]/.test(text) ? text.slice(0, sign.length + 2) : sign;
    return prefix + "0".repeat(width - len) + text.slice(prefix.length);
  }
  return " ".repeat(width - len) + text;
}

function asciiRepr(v: unknown): string {
  return [...pyRepr(v)].map((ch) => {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x80) return ch;
    if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, "0")}`;
    if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, "0")}`;
    return `\\U${cp.toString(16).padStart(8, "0")}`;
  }).join("");
}

function formatInt(v: unknown, spec: Spec): string {
  const conv = spec.conv;
  let n: bigint;
  if (typeof v === "boolean") n = v ? 1n : 0n;
  else if (typeof v === "number") {
    if ("xXoc".includes(conv) && !Number.isInteger(v)) {
      throw new PyFormatError("TypeError", `%${conv} format: an integer is required, not float`);
    }
    if (!Number.isFinite(v)) {
      throw new PyFormatError("ValueError", "cannot convert float to integer");
    }
    n = BigInt(Math.trunc(v));
  } else {
    const what = "diu".includes(conv) ? "a real number" : "an integer";
    throw new PyFormatError(
      "TypeError",
      `%${conv} format: ${what} is required, not ${typeName(v)}`,
    );
  }
  const neg = n < 0n;
  const abs = neg ? -n : n;
  let digits = conv === "x"
    ? abs.toString(16)
    : conv === "X"
    ? abs.toString(16).toUpperCase()
    : conv === "o"
    ? abs.toString(8)
    : abs.toString();
  if (typeof spec.precision === "number") digits = digits.padStart(spec.precision, "0");
  if (spec.flags.includes("#") && "xXo".includes(conv)) digits = `0${conv}${digits}`;
  const sign = neg ? "-" : spec.flags.includes("+") ? "+" : spec.flags.includes(" ") ? " " : "";
  return pad(sign + digits, spec, true);
}

function convert(v: unknown, spec: Spec & { index?: number }): string {
  switch (spec.conv) {
    case "s":
    case "r":
    case "a": {
      let text = spec.conv === "s" ? pyStr(v) : spec.conv === "r" ? pyRepr(v) : asciiRepr(v);
      if (typeof spec.precision === "number") text = [...text].slice(0, spec.precision).join("");
      return pad(text, spec, false);
    }
    case "d":
    case "i":
    case "u":
    case "x":
    case "X":
    case "o":
      return formatInt(v, spec);
    case "c": {
      if (typeof v === "string" && [...v].length === 1) return pad(v, spec, false);
      if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0x10ffff) {
        return pad(String.fromCodePoint(v), spec, false);
      }
      throw new PyFormatError("TypeError", "%c requires int or char");
    }
    case "e":
    case "E":
    case "f":
    case "F":
    case "g":
    case "G":
      throw new PyFormatError(
        "ValueError",
        `float conversion '%${spec.conv}' is not supported by lib/policy`,
      );
    default: {
      const cp = spec.conv.codePointAt(0) as number;
      throw new PyFormatError(
        "ValueError",
        `unsupported format character '${spec.conv}' (0x${cp.toString(16)}) at index ${spec.index}`,
      );
    }
  }
}

/**
 * Compiles a Python `%` format once.
 *
 * @example Flat keys, missing keys, errors
 * ```ts
 * import { compilePyFormat, MISSING_KEY } from "./py_format.ts";
 * import assert from "node:assert/strict";
 *
 * const f = compilePyFormat("%(target.user.id)s");
 * assert.equal(f.format({ "target.user.id": 42 }), "42");
 * assert.equal(f.format({ target: { user: { id: 42 } } }), MISSING_KEY);
 * assert.throws(() => compilePyFormat("100%").format({}), /incomplete format/);
 * ```
 */
export function compilePyFormat(fmt: string): PyFormat {
  if (!fmt.includes("%")) {
    return { source: fmt, dynamic: false, format: () => fmt };
  }
  const parts = compile(fmt);
  return {
    source: fmt,
    dynamic: true,
    format(mapping) {
      let out = "";
      let positionalUsed = false;
      for (const part of parts) {
        if (typeof part === "string") {
          out += part;
          continue;
        }
        if (part instanceof PyFormatError) throw part;
        let value: unknown;
        if (part.key !== null) {
          if (!Object.hasOwn(mapping, part.key)) return MISSING_KEY;
          value = mapping[part.key];
        }
        if (part.width === "*" || part.precision === "*") {
          throw new PyFormatError("TypeError", "* wants int");
        }
        if (part.conv === "") throw new PyFormatError("ValueError", "incomplete format");
        if (part.key === null) {
          if (positionalUsed) {
            throw new PyFormatError("TypeError", "not enough arguments for format string");
          }
          positionalUsed = true;
          value = mapping;
        }
        out += convert(value, part);
      }
      return out;
    },
  };
}
