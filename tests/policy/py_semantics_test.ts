/**
 * The Python pieces lib/policy emulates (`%` formatting, `str()`,
 * `ast.literal_eval` of a check's kind), checked against Python itself.
 */
import assert from "node:assert/strict";
import { compilePyFormat, MISSING_KEY, PyFormatError } from "../../lib/policy/py_format.ts";
import { classifyKind } from "../../lib/policy/py_literal.ts";
import { pyRepr, pyStr } from "../../lib/policy/mod.ts";
import { oracleAvailable, runOracle } from "./oracle.ts";

const ORACLE = await oracleAvailable();

const FORMATS = [
  "%(a)s",
  "%(missing)s",
  "100%",
  "%(a)s100%",
  "100%%(missing)s",
  "%(a)",
  "%(missing)",
  "%(a)d",
  "%(n)d",
  "%(f)d",
  "%(b)d",
  "%(z)d",
  "%(n)5d",
  "%(n)-5d|",
  "%(n)05d",
  "%(a)5s",
  "%(a).0s",
  "%(l)s",
  "%(l)r",
  "%(a)r",
  "%s",
  "%s%s",
  "%(a)q",
  "%(missing)q",
  "%(a",
  "%%",
  "%(a)%",
  "%(missing)%",
  "%(a)s%(missing)d",
  "%(n)x",
  "%(a.b)s",
  "%(a(b)c)s",
  "%-5%",
  "%5%",
  "%(n)+d",
  "%(n)ld",
  "%(n)i",
  "%(n)u",
  "%(f)s",
  "%(n).3d",
  "%(a)*s",
  "%*s",
  "%(b)s",
  "%(z)s",
  "%(u)s",
  "%(u)r",
  "%(u)a",
  "%(q)r",
  "%(q2)r",
  "%(neg)d",
  "%(neg)05d",
  "%(n)#x",
  "%(n)#o",
  "%(big)s",
  "%(tiny)s",
  "%(e)s",
  "%(d)s",
  "%(c)c",
  "%(n)c",
  "%(f)x",
  "pre-%(a)s-post",
  "%(a)s%(a)s",
  "%(nan)s",
]; // deno-fmt-ignore
const TARGET = {
  a: "x", n: 5, f: 1.5, b: true, z: null, l: [1, "a", null, [true]], "a.b": "dot", u: "é\u2028",
  q: "it's", q2: `it's "x"`, neg: -42, big: 1.5e22, tiny: 1e-7,
  e: 0.0001, d: { k: "v", n: [1] }, c: "c",
}; // deno-fmt-ignore

function tsFormat(fmt: string, target: Record<string, unknown>): { value?: string; error?: string } {
  try {
    const v = compilePyFormat(fmt).format(target);
    return v === MISSING_KEY ? { error: "KeyError" } : { value: v };
  } catch (e) {
    if (e instanceof PyFormatError) return { error: e.pyType };
    throw e;
  }
}

Deno.test({
  name: "compilePyFormat() formats as Python's % with a dict",
  ignore: !ORACLE,
  fn: async () => {
    const results = await runOracle<{ value?: string; error?: string }>(
      FORMATS.map((fmt) => ({ op: "format", fmt, target: TARGET })),
    );
    const diffs = FORMATS.map((fmt, i) => ({ fmt, py: results[i], ts: tsFormat(fmt, TARGET) }))
      .filter((d) => JSON.stringify(d.py) !== JSON.stringify(d.ts))
      // float conversions are refused on purpose
      .filter((d) => !(d.ts.error === "ValueError" && /%\(\w+\)[efg]$/.test(d.fmt)));
    assert.deepEqual(diffs, []);
  },
});

const KINDS = [
  "user_id",
  "user.id",
  "1.2.3",
  "2020-01-01",
  "a-b",
  "",
  "True",
  "False",
  "None",
  "'Member'",
  '"x"',
  "1",
  "01",
  "00",
  "1_000",
  "0x10",
  "1e3",
  "-1",
  "+1",
  "1j",
  "[1]",
  "(1,)",
  "()",
  "[]",
  "{}",
  "set()",
  "f(x)",
  "a[0]",
  "lambda",
  "if",
  "class",
  "print",
  "$x",
  "a..b",
  "1a",
  "1.5.x",
  "True.x",
  "a#b",
  "1#x",
  "not",
  "a.b-c",
  "1.",
  ".5",
  "1e400",
  "-True",
  "--1",
  "1+2j",
  "b'x'",
  "f'x'",
  "'a''b'",
  "1,2",
  "...",
  "a.1",
  "_",
  "match",
  "x.y.z",
  "0b101",
  "0o17",
  "1__0",
  "1_",
  "0x",
  "1e",
  "a b",
  "1.0",
  "3.14159",
  "1e-5",
  "100000000000000000000",
  "1.5e16",
  "[1,]",
  "(1)",
  "((1,2),[3])",
  "__import__",
  "a.b()",
  "a[b]",
  "é",
  "a°",
  "~1",
  "-1.5",
  "- 1",
  " 1",
  "\t1",
  "-1j",
  "1-2j",
  "(1,2,)",
  "[1,[2,(3,)]]",
  "is_admin",
  "system_scope",
  "project_id",
  "roles.name",
  "-0.0",
  "1e-10",
  "0.0001",
  "123456789.123",
  "a-",
  "a+",
  "a!",
  "a!=b",
  "a=b",
  "a==b",
  "not_a",
  "and_b",
  "x if y else z",
  "await",
  "yield",
  "None.x",
  "0_0",
  "0e0",
  "1E+5",
  "0X1F",
  "07.5",
  "00.5",
  "1e5j",
  '"a\\tb"',
  '"\\x41"',
  "'\\u00e9'",
  "r'\\n'",
  "b'\\xff'",
  "'it''s'",
  "'a'.upper()",
  "[1,'b',None]",
  "@x",
  "a@b",
  "a|b",
  "a<<b",
  "a**b",
  "not(a)",
  "(a)if(b)else(c)",
  "a(b=c)",
  "a(*b)",
  "[*a]",
]; // deno-fmt-ignore

Deno.test({
  name: "classifyKind() tells literals, paths and syntax errors apart as ast.literal_eval does",
  ignore: !ORACLE,
  fn: async () => {
    const results = await runOracle<{ type: string; str?: string }>(
      KINDS.map((kind) => ({ op: "kind", kind })),
    );
    const diffs = KINDS.map((kind, i) => {
      const k = classifyKind(kind);
      const ts = k.type === "literal" ? { type: k.type, str: k.str } : { type: k.type };
      return { kind, py: results[i], ts };
    }).filter((d) => JSON.stringify(d.py) !== JSON.stringify(d.ts));
    assert.deepEqual(diffs, []);
  },
});

Deno.test("classifyKind() refuses set literals (their order is Python's hash order)", () => {
  assert.equal(classifyKind("{1}").type, "error");
});

Deno.test("pyStr() and pyRepr() format JSON values as Python does", () => {
  const table: [unknown, string][] = [
    [0.1, "0.1"],
    [1e16 + 0.5, "1e+16"],
    [1.5e16, "1.5e+16"],
    [123.456, "123.456"],
    [1e-5, "1e-05"],
    [0.00012, "0.00012"],
    [-2.5, "-2.5"],
    [true, "True"],
    [null, "None"],
    ["x", "x"],
    [[1, "a", { b: false }], "[1, 'a', {'b': False}]"],
    ["it's", "it's"],
    [12, "12"],
  ]; // deno-fmt-ignore
  for (const [v, want] of table) assert.equal(pyStr(v), want, String(v));
  assert.equal(pyRepr("it's"), `"it's"`);
  assert.equal(pyRepr(`it's "x"`), `'it\\'s "x"'`);
  assert.equal(pyRepr("a\nb\u0001"), "'a\\nb\\x01'");
});
