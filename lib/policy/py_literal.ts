/**
 * What oslo.policy's `GenericCheck` does with the left side of `kind:match`:
 * `ast.literal_eval(kind)`. A Python literal (`True`, `'Member'`, `1`, `1e3`,
 * `[1]`) is compared as `str(literal)`; a valid expression that is not a
 * literal (`user_id`, `target.user.id`, `a-b`) is a dotted path into the
 * credentials; text that is not Python (`1.2.3`, `2020-01-01`, an empty kind)
 * raises SyntaxError in oslo.policy, which lib/policy turns into a deny.
 *
 * The expression grammar covers what fits in a kind (no `:`, no whitespace in
 * the text form): names, numbers, strings, operators, calls, attributes,
 * subscripts, tuples, lists, sets. Comprehensions and the like are refused
 * (fail closed).
 *
 * @module
 */
import { pyFloatRepr, pyStringRepr } from "./py_str.ts";
import { PySyntaxError, type PyToken, pyTokenize } from "./py_tokens.ts";

/** How a kind is evaluated. */
export type KindInfo =
  | { type: "literal"; str: string }
  | { type: "path"; segments: readonly string[] }
  | { type: "error"; message: string };

type Val =
  | { k: "int"; v: bigint }
  | { k: "float"; v: number }
  | { k: "complex"; re: number; im: number }
  | { k: "str"; v: string }
  | { k: "bytes"; v: number[] }
  | { k: "const"; v: string }
  | { k: "seq"; kind: "tuple" | "list"; items: Val[] }
  | { k: "set" | "dict" };

type Node =
  | { t: "const"; v: Val }
  | { t: "tuple" | "list" | "set"; items: Node[] }
  | { t: "dict" }
  | { t: "unary"; op: string; operand: Node }
  | { t: "binop"; op: string; left: Node; right: Node }
  | { t: "call"; fn: Node; nargs: number }
  | { t: "name"; id: string }
  | { t: "other" };

const OTHER: Node = { t: "other" };

class Unsupported extends Error {}
class Malformed extends Error {}

class Parser {
  #toks: PyToken[];
  #i = 0;
  constructor(toks: PyToken[]) {
    this.#toks = toks;
  }
  #peek(): PyToken | undefined {
    return this.#toks[this.#i];
  }
  #is(value: string): boolean {
    const t = this.#toks[this.#i];
    return t !== undefined && (t.type === "op" || t.type === "kw") && t.value === value;
  }
  #eat(value: string): boolean {
    if (this.#is(value)) return this.#i++, true;
    return false;
  }
  #expect(value: string): void {
    if (!this.#eat(value)) throw new PySyntaxError(`expected '${value}'`);
  }
  parse(): Node {
    const node = this.#exprList(() => this.#i >= this.#toks.length);
    if (this.#i < this.#toks.length) throw new PySyntaxError("invalid syntax");
    return node;
  }
  #exprList(atEnd: () => boolean): Node {
    const first = this.#starOrExpr();
    if (!this.#is(",")) return first;
    const items = [first];
    while (this.#eat(",")) {
      if (atEnd()) break;
      items.push(this.#starOrExpr());
    }
    return { t: "tuple", items };
  }
  #starOrExpr(): Node {
    if (this.#eat("*")) return this.#bitor(), OTHER;
    return this.#expr();
  }
  #expr(): Node {
    if (this.#is("lambda")) throw new PySyntaxError("lambda needs ':'");
    const node = this.#binary(0);
    if (this.#eat("if")) {
      this.#binary(0);
      this.#expect("else");
      this.#expr();
      return OTHER;
    }
    return node;
  }
  // precedence levels: or, and, not, comparison, |, ^, &, shifts, +-, */, unary, power
  #binary(level: number): Node {
    const LEVELS: string[][] = [["or"], ["and"]];
    if (level < 2) {
      let left = this.#binary(level + 1);
      while (LEVELS[level]!.some((op) => this.#is(op))) {
        this.#i++;
        this.#binary(level + 1);
        left = OTHER;
      }
      return left;
    }
    if (level === 2) {
      if (this.#eat("not")) return this.#binary(2), OTHER;
      return this.#comparison();
    }
    throw new Error("unreachable");
  }
  #comparison(): Node {
    let left = this.#bitor();
    for (;;) {
      if (["==", "!=", "<", ">", "<=", ">=", "in"].some((op) => this.#is(op))) this.#i++;
      else if (this.#is("not") && this.#toks[this.#i + 1]?.value === "in") this.#i += 2;
      else if (this.#eat("is")) this.#eat("not");
      else return left;
      this.#bitor();
      left = OTHER;
    }
  }
  #bitor(): Node {
    return this.#chain(
      [["|"], ["^"], ["&"], ["<<", ">>"], ["+", "-"], ["*", "/", "//", "%", "@"]],
      0,
    );
  }
  #chain(levels: string[][], level: number): Node {
    if (level === levels.length) return this.#factor();
    let left = this.#chain(levels, level + 1);
    for (;;) {
      const op = levels[level]!.find((o) => this.#is(o));
      if (!op) return left;
      this.#i++;
      const right = this.#chain(levels, level + 1);
      left = { t: "binop", op, left, right };
    }
  }
  #factor(): Node {
    for (const op of ["+", "-", "~"]) {
      if (this.#eat(op)) return { t: "unary", op, operand: this.#factor() };
    }
    const base = this.#eat("await") ? (this.#primary(), OTHER) : this.#primary();
    if (this.#eat("**")) return this.#factor(), OTHER;
    return base;
  }
  #primary(): Node {
    let node = this.#atom();
    for (;;) {
      if (this.#eat(".")) {
        if (this.#peek()?.type !== "name") throw new PySyntaxError("invalid syntax");
        this.#i++;
        node = OTHER;
      } else if (this.#eat("(")) {
        let nargs = 0;
        if (!this.#eat(")")) {
          for (;;) {
            if (this.#eat("**") || this.#eat("*")) this.#expr();
            else if (this.#peek()?.type === "name" && this.#toks[this.#i + 1]?.value === "=") {
              this.#i += 2;
              this.#expr();
            } else this.#expr();
            nargs++;
            if (this.#is("for")) throw new Unsupported("generator argument");
            if (this.#eat(")")) break;
            this.#expect(",");
            if (this.#eat(")")) break;
          }
        }
        node = { t: "call", fn: node, nargs };
      } else if (this.#eat("[")) {
        this.#exprList(() => this.#is("]"));
        this.#expect("]");
        node = OTHER;
      } else return node;
    }
  }
  #display(close: string): Node[] {
    const items: Node[] = [];
    if (this.#eat(close)) return items;
    for (;;) {
      items.push(this.#starOrExpr());
      if (this.#is("for")) throw new Unsupported("comprehension");
      if (this.#eat(close)) return items;
      this.#expect(",");
      if (this.#eat(close)) return items;
    }
  }
  #atom(): Node {
    const tok = this.#peek();
    if (!tok) throw new PySyntaxError("unexpected end of expression");
    this.#i++;
    switch (tok.type) {
      case "name":
        return { t: "name", id: tok.value };
      case "number":
      case "string":
        return { t: "const", v: tok.literal as Val };
      case "kw":
        if (tok.value === "True" || tok.value === "False" || tok.value === "None") {
          return { t: "const", v: { k: "const", v: tok.value } };
        }
        throw new PySyntaxError("invalid syntax");
      case "op":
        break;
    }
    if (tok.value === "...") return { t: "const", v: { k: "const", v: "Ellipsis" } };
    if (tok.value === "(") {
      if (this.#eat(")")) return { t: "tuple", items: [] };
      if (this.#is("yield")) throw new Unsupported("yield");
      const first = this.#starOrExpr();
      if (this.#is("for")) throw new Unsupported("generator");
      if (this.#eat(")")) return first;
      this.#expect(",");
      const items = [first, ...this.#display(")")];
      return { t: "tuple", items };
    }
    if (tok.value === "[") return { t: "list", items: this.#display("]") };
    if (tok.value === "{") {
      if (this.#eat("}")) return { t: "dict" };
      if (this.#is("**")) throw new Unsupported("dict unpacking");
      return { t: "set", items: this.#display("}") };
    }
    throw new PySyntaxError("invalid syntax");
  }
}

function isNum(v: Val): boolean {
  return v.k === "int" || v.k === "float" || v.k === "complex";
}

function num(node: Node): Val {
  if (node.t === "const" && isNum(node.v)) return node.v;
  throw new Malformed();
}

function signedNum(node: Node): Val {
  if (node.t === "unary" && (node.op === "+" || node.op === "-")) {
    const v = num(node.operand);
    if (node.op === "+") return v;
    if (v.k === "int") return { k: "int", v: -v.v };
    if (v.k === "float") return { k: "float", v: -v.v };
    if (v.k === "complex") return { k: "complex", re: -v.re, im: -v.im };
  }
  return num(node);
}

function toFloat(v: Val): number {
  return v.k === "int" ? Number(v.v) : v.k === "float" ? v.v : 0;
}

function literalEval(node: Node): Val {
  switch (node.t) {
    case "const":
      return node.v;
    case "tuple":
    case "list":
      return { k: "seq", kind: node.t, items: node.items.map(literalEval) };
    case "set":
      node.items.forEach(literalEval);
      return { k: "set" };
    case "dict":
      return { k: "dict" };
    case "call":
      if (node.fn.t === "name" && node.fn.id === "set" && node.nargs === 0) {
        return { k: "const", v: "set()" };
      }
      throw new Malformed();
    case "binop": {
      if (node.op !== "+" && node.op !== "-") throw new Malformed();
      const left = signedNum(node.left);
      const right = num(node.right);
      if (right.k !== "complex" || left.k === "complex") {
        if (right.k !== "complex") throw new Malformed();
        const re = left.k === "complex" ? left.re : 0;
        const im = (left.k === "complex" ? left.im : 0) + (node.op === "+" ? right.im : -right.im);
        return { k: "complex", re: re + (node.op === "+" ? right.re : -right.re), im };
      }
      const im = node.op === "+" ? right.im : -right.im;
      return { k: "complex", re: toFloat(left) + (node.op === "+" ? right.re : -right.re), im };
    }
    default:
      return signedNum(node);
  }
}

function floatPart(x: number): string {
  const r = pyFloatRepr(x);
  return r.endsWith(".0") ? r.slice(0, -2) : r;
}

function bytesRepr(bytes: number[]): string {
  const s = String.fromCharCode(...bytes);
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = "b" + quote;
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (b < 0x20 || b >= 0x7f) out += "\\x" + b.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + quote;
}

function repr(v: Val): string {
  switch (v.k) {
    case "int":
      return v.v.toString();
    case "float":
      return pyFloatRepr(v.v);
    case "complex":
      if (v.re === 0 && !Object.is(v.re, -0)) return `${floatPart(v.im)}j`;
      return `(${floatPart(v.re)}${v.im < 0 || Object.is(v.im, -0) ? "-" : "+"}${
        floatPart(Math.abs(v.im))
      }j)`;
    case "str":
      return pyStringRepr(v.v);
    case "bytes":
      return bytesRepr(v.v);
    case "const":
      return v.v;
    case "seq": {
      const inner = v.items.map(repr).join(", ");
      if (v.kind === "list") return `[${inner}]`;
      return v.items.length === 1 ? `(${inner},)` : `(${inner})`;
    }
    case "dict":
      return "{}";
    case "set":
      throw new Unsupported("set literal");
  }
}

/**
 * Classifies the left side of a generic check as oslo.policy evaluates it.
 *
 * @example Literal, path, error
 * ```ts
 * import { classifyKind } from "./py_literal.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(classifyKind("True"), { type: "literal", str: "True" });
 * assert.deepEqual(classifyKind("'Member'"), { type: "literal", str: "Member" });
 * assert.deepEqual(classifyKind("target.user.id"), { type: "path", segments: ["target", "user", "id"] });
 * assert.equal(classifyKind("2020-01-01").type, "error");
 * ```
 */
export function classifyKind(kind: string): KindInfo {
  let node: Node;
  try {
    if (kind.includes("\0")) return { type: "path", segments: kind.split(".") };
    node = new Parser(pyTokenize(kind.replace(/^[ \t]+/, ""))).parse();
  } catch (e) {
    if (e instanceof PySyntaxError) {
      return { type: "error", message: `SyntaxError in check kind "${kind}": ${e.message}` };
    }
    if (e instanceof Unsupported) {
      return { type: "error", message: `Unsupported check kind "${kind}": ${e.message}` };
    }
    throw e;
  }
  try {
    const v = literalEval(node);
    return { type: "literal", str: v.k === "str" ? v.v : repr(v) };
  } catch (e) {
    if (e instanceof Malformed) return { type: "path", segments: kind.split(".") };
    if (e instanceof Unsupported) {
      return { type: "error", message: `Unsupported check kind "${kind}": ${e.message}` };
    }
    throw e;
  }
}
