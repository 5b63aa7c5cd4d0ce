/**
 * A Python 3.11 expression tokenizer, enough to tell a Python literal, a
 * non-literal expression and a SyntaxError apart in a check's kind (see
 * `py_literal.ts`). Numbers and strings come out decoded.
 *
 * @module
 */

/** Python raised SyntaxError. */
export class PySyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PySyntaxError";
  }
}

/** One token. `literal` holds the decoded value of numbers and strings. */
export interface PyToken {
  type: "name" | "kw" | "number" | "string" | "op";
  value: string;
  literal?: unknown;
}

const KEYWORDS = new Set(
  ("False None True and as assert async await break class continue def del elif else except " +
    "finally for from global if import in is lambda nonlocal not or pass raise return try " +
    "while with yield").split(" "),
);
const OPS = [
  "**=",
  "//=",
  ">>=",
  "<<=",
  "...",
  "->",
  ":=",
  "**",
  "//",
  "<<",
  ">>",
  "<=",
  ">=",
  "==",
  "!=",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  "^=",
  "@=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "@",
  "&",
  "|",
  "^",
  "~",
  "<",
  ">",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ".",
  ";",
  "=",
  ":",
]; // deno-fmt-ignore
const BAD_IN_EVAL = new Set(["**=", "//=", ">>=", "<<=", "->", "+=", "-=", "*=", "/=", "%=", "&=",
  "|=", "^=", "@=", ";", ":", ":="]); // deno-fmt-ignore
const NAME_RE = /^[\p{XID_Start}_][\p{XID_Continue}]*/u;
const DIGITS = (d: string) => `[${d}](?:_?[${d}])*`;
const DEC = DIGITS("0-9");
const EXP = `[eE][+-]?${DEC}`;
const FLOAT_RE = new RegExp(
  `^(?:${DEC}\\.(?:${DEC})?(?:${EXP})?|\\.${DEC}(?:${EXP})?|${DEC}${EXP})`,
);
const RADIX_RE = /^0(?:[xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)/;
const DEC_RE = new RegExp(`^${DEC}`);

function number(src: string): { len: number; literal: unknown } {
  let m = RADIX_RE.exec(src);
  let literal: unknown;
  if (m) {
    literal = { k: "int", v: BigInt(m[0].replaceAll("_", "")) };
  } else if ((m = FLOAT_RE.exec(src))) {
    literal = { k: "float", v: Number(m[0].replaceAll("_", "")) };
  } else if ((m = DEC_RE.exec(src))) {
    const text = m[0].replaceAll("_", "");
    if (/^0+[1-9]/.test(text)) {
      throw new PySyntaxError("leading zeros in decimal integer literals are not permitted");
    }
    literal = { k: "int", v: BigInt(text) };
  } else throw new PySyntaxError("invalid decimal literal");
  let len = m[0].length;
  if (src[len] === "j" || src[len] === "J") {
    const v = literal as { k: string; v: bigint | number };
    literal = { k: "complex", re: 0, im: Number(v.v) };
    len++;
  }
  if (/^[\p{XID_Continue}]/u.test(src.slice(len))) {
    throw new PySyntaxError("invalid decimal literal");
  }
  return { len, literal };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\n": "",
};

function unescape(body: string, bytes: boolean): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = body[++i] as string;
    if (next in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[next];
    else if (/[0-7]/.test(next)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i)) as RegExpExecArray;
      out += String.fromCodePoint(parseInt(m[0], 8));
      i += m[0].length - 1;
    } else if (next === "x" || (!bytes && (next === "u" || next === "U"))) {
      const n = next === "x" ? 2 : next === "u" ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) {
        throw new PySyntaxError(`truncated \\${next} escape`);
      }
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) throw new PySyntaxError("illegal Unicode character");
      out += String.fromCodePoint(cp);
      i += n;
    } else if (!bytes && next === "N") {
      throw new PySyntaxError("\\N{...} escapes are not supported by lib/policy");
    } else out += "\\" + next;
  }
  return out;
}

function string(src: string, prefixLen: number): { len: number; literal: unknown; f: boolean } {
  const prefix = src.slice(0, prefixLen).toLowerCase();
  const raw = prefix.includes("r"), bytes = prefix.includes("b"), f = prefix.includes("f");
  const q = src[prefixLen] as string;
  const triple = src.startsWith(q.repeat(3), prefixLen);
  const quote = triple ? q.repeat(3) : q;
  let i = prefixLen + quote.length;
  const start = i;
  for (;;) {
    if (i >= src.length) throw new PySyntaxError("unterminated string literal");
    if (src[i] === "\\") {
      i += 2;
      continue;
    }
    if (!triple && src[i] === "\n") throw new PySyntaxError("unterminated string literal");
    if (src.startsWith(quote, i)) break;
    i++;
  }
  const body = src.slice(start, i);
  if (bytes && [...body].some((c) => c.charCodeAt(0) > 0x7f)) {
    throw new PySyntaxError("bytes can only contain ASCII literal characters");
  }
  const text = raw ? body : unescape(body, bytes);
  const literal = bytes
    ? { k: "bytes", v: [...text].map((c) => c.codePointAt(0) as number) }
    : { k: "str", v: text };
  return { len: i + quote.length, literal, f };
}

/** Tokenizes a Python expression; throws {@linkcode PySyntaxError}. */
export function pyTokenize(src: string): PyToken[] {
  const toks: PyToken[] = [];
  let depth = 0;
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    const ch = src[i] as string;
    if (ch === " " || ch === "\t" || ch === "\f") {
      i++;
      continue;
    }
    if (ch === "#") {
      const nl = rest.indexOf("\n");
      i = nl < 0 ? src.length : i + nl;
      continue;
    }
    if (ch === "\n" || ch === "\r") {
      if (depth === 0 && rest.trim() !== "" && !rest.trim().startsWith("#")) {
        throw new PySyntaxError("invalid syntax");
      }
      i++;
      continue;
    }
    if (ch === "\\" && (src[i + 1] === "\n")) {
      i += 2;
      continue;
    }
    const pm = /^([rRuUbBfF]|[bB][rR]|[rR][bB]|[fF][rR]|[rR][fF])?['"]/.exec(rest);
    if (pm) {
      const s = string(rest, pm[1]?.length ?? 0);
      const prev = toks[toks.length - 1];
      if (s.f) toks.push({ type: "name", value: "<f-string>" });
      else if (prev?.type === "string") {
        const a = prev.literal as { k: string; v: string | number[] };
        const b = s.literal as { k: string; v: string | number[] };
        if (a.k !== b.k) throw new PySyntaxError("cannot mix bytes and nonbytes literals");
        prev.literal = a.k === "str"
          ? { k: "str", v: (a.v as string) + (b.v as string) }
          : { k: "bytes", v: [...(a.v as number[]), ...(b.v as number[])] };
      } else toks.push({ type: "string", value: rest.slice(0, s.len), literal: s.literal });
      i += s.len;
      continue;
    }
    if (/^[0-9]/.test(ch) || (ch === "." && /^[0-9]/.test(src[i + 1] ?? ""))) {
      const n = number(rest);
      toks.push({ type: "number", value: rest.slice(0, n.len), literal: n.literal });
      i += n.len;
      continue;
    }
    const nm = NAME_RE.exec(rest);
    if (nm) {
      toks.push({ type: KEYWORDS.has(nm[0]) ? "kw" : "name", value: nm[0] });
      i += nm[0].length;
      continue;
    }
    const op = OPS.find((o) => rest.startsWith(o));
    if (!op) throw new PySyntaxError(`invalid character '${ch}'`);
    if (BAD_IN_EVAL.has(op)) throw new PySyntaxError("invalid syntax");
    if ("([{".includes(op)) depth++;
    if (")]}".includes(op)) depth--;
    toks.push({ type: "op", value: op });
    i += op.length;
  }
  if (depth !== 0) throw new PySyntaxError("unbalanced brackets");
  return toks;
}
