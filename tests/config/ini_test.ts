import assert from "node:assert/strict";
import {
  ConfigFileParseError,
  parseIni,
  parseIniDocument,
  parseIniMap,
} from "../../lib/config/mod.ts";
import { Rng } from "./_gen.ts";
import { askOracle, oracleAvailable } from "./_oracle.ts";

Deno.test("parseIni() splits on the first '=' or ':' and strips one pair of quotes", () => {
  const text = [
    "[DEFAULT]",
    "colon: a:b",
    "k = a=b",
    'quoted = "  spaced  "',
    "inline = value # not a comment",
    "lone = '",
    "mixed = \"a'",
  ].join("\n");
  assert.deepEqual(parseIni(text), {
    DEFAULT: {
      colon: ["a:b"],
      k: ["a=b"],
      quoted: ["  spaced  "],
      inline: ["value # not a comment"],
      lone: [""],
      mixed: ["\"a'"],
    },
  });
});

Deno.test("parseIni() joins continuation lines and keeps repeated keys in order", () => {
  const text = "[DEFAULT]\ncont = line1\n   line2\n\tline3\n\nmulti = a\nmulti = b\n";
  assert.deepEqual(parseIni(text), {
    DEFAULT: { cont: ["line1\nline2\nline3"], multi: ["a", "b"] },
  });
});

Deno.test("parseIni() treats \\r\\n and lone \\r as line ends, as Python's text mode does", () => {
  assert.deepEqual(parseIni("[a]\r\nx = 1\ry = 2\r\n"), { a: { x: ["1"], y: ["2"] } });
});

Deno.test("parseIni() keeps section names as written and empty sections", () => {
  assert.deepEqual(parseIni("[Database]\n[ spaced ]\nk=v\n"), {
    Database: {},
    " spaced ": { k: ["v"] },
  });
});

Deno.test("parseIni() reports oslo.config's message and line for each syntax error", () => {
  const cases: [string, number, string][] = [
    ["[DEFAULT]\nno separator\n", 2, "No ':' or '=' found in assignment"],
    ["[DEFAULT]\n = v\n", 2, "Unexpected continuation line"],
    ["[DEFAULT]\n= v\n", 2, "Key cannot be empty"],
    ["[DEFAULT\n", 1, "Invalid section (must end with ])"],
    ["[]\n", 1, "Empty section name"],
    ["  x\n", 1, "Unexpected continuation line"],
    ["a = 1\nb = 2\n", 2, "Section must be started before assignment"],
    ["# c\na = 1\n", 2, "Section must be started before assignment"],
  ];
  for (const [text, line, reason] of cases) {
    assert.throws(() => parseIni(text, { file: "x.conf" }), (e) => {
      assert.ok(e instanceof ConfigFileParseError);
      assert.equal(e.line, line, text);
      assert.equal(e.reason, reason);
      assert.match(e.message, /^Cannot parse x\.conf: at line \d+, /);
      return true;
    });
  }
});

Deno.test("parseIni() withholds a malformed line that may hold a secret from the error", () => {
  assert.throws(() => parseIni("[DEFAULT]\nadmin_password hunter2\n"), (e) => {
    assert.ok(e instanceof ConfigFileParseError);
    assert.doesNotMatch(e.message, /hunter2/);
    assert.equal(e.text, undefined);
    return true;
  });
});

Deno.test("parseIniDocument() gives each entry its first and last line", () => {
  const doc = parseIniDocument("[a]\nx = 1\n  2\n# c\ny = 3\n");
  assert.deepEqual(doc.entries.map((e) => [e.key, e.line, e.endLine]), [["x", 2, 3], ["y", 5, 5]]);
  assert.deepEqual(doc.sections, [{ name: "a", line: 1 }]);
});

const SECTIONS = [
  "DEFAULT",
  "Default",
  "database",
  "api",
  "oslo_policy",
  " spaced ",
  "a]",
  "x y",
  "10",
  "2",
];
const KEYS = ["debug", "host", "my-opt", "Key", "k k", "x", "é", "multi", "a\tb", "10", "2"];
const SEPS = [" = ", "=", ": ", ":", " =  ", "\t=\t", " :", "= "];
const VALUES = [
  "",
  "v",
  "a=b",
  "a:b",
  '"quoted"',
  "'x'",
  '"',
  "'",
  "\"mis'",
  "  spaced  ",
  "val # no comment",
  "$ref",
  "tail\t ",
  "\u3000x\u3000",
  "x\x1c",
  "\xa0y",
  "'a' 'b'",
  '""',
  "z\x0b",
  "\ufeffbom",
];
const WS = [
  " ",
  "\t",
  "\x0b",
  "\x0c",
  "\x1c",
  "\x1f",
  "\x85",
  "\xa0",
  "\u2003",
  "\u3000",
  "\ufeff",
];

function genLine(rng: Rng): string {
  switch (rng.int(12)) {
    case 0:
      return `[${rng.pick(SECTIONS)}]${rng.chance(0.2) ? rng.pick(WS) : ""}`;
    case 1:
      return rng.pick(["[abc", "[]", "[", "[ ]", "[[x]]", "[a] ]"]);
    case 2:
      return rng.pick(["= v", ":v", "novalue", "  # indented comment", "#", "; c", "# c"]);
    case 3:
      return `${rng.pick([" ", "\t", "  "])}${rng.pick(VALUES)}cont`;
    case 4:
      return rng.pick(["", "   ", "\t"]);
    default: {
      const pad = rng.chance(0.2) ? rng.pick(WS) : "";
      return `${rng.pick(KEYS)}${pad}${rng.pick(SEPS)}${rng.pick(VALUES)}${
        rng.chance(0.15) ? rng.pick(WS) : ""
      }`;
    }
  }
}

function genFile(rng: Rng): string {
  const lines = rng.chance(0.9) ? [`[${rng.pick(SECTIONS)}]`] : [];
  const n = 1 + rng.int(12);
  for (let i = 0; i < n; i++) lines.push(genLine(rng));
  let text = "";
  for (const l of lines) text += l + rng.pick(["\n", "\n", "\n", "\r\n", "\r"]);
  return rng.chance(0.2) ? text.replace(/(\r\n|\r|\n)$/, "") : text;
}

Deno.test({
  name: "parseIni() matches oslo.config's parser on generated files",
  ignore: !(await oracleAvailable()),
  fn: async () => {
    const rng = new Rng(20240601);
    const texts = Array.from({ length: 1500 }, () => genFile(rng));
    const answers = await askOracle<
      { sections?: unknown; ordered?: unknown; error?: { msg: string; lineno: number } }
    >(texts.map((text) => ({ op: "ini", text })));
    let errors = 0;
    texts.forEach((text, i) => {
      const oslo = answers[i]!;
      const where = `case ${i}: ${JSON.stringify(text)}`;
      try {
        const ours = parseIni(text);
        assert.ok(
          oslo.sections,
          `${where}: oslo failed (${JSON.stringify(oslo.error)}), we did not`,
        );
        assert.deepEqual(ours, oslo.sections, where);
        // Exact file order (integer-like names included) through parseIniMap.
        const ordered = [...parseIniMap(text)].map(([s, keys]) => [s, [...keys]]);
        assert.equal(JSON.stringify(ordered), JSON.stringify(oslo.ordered), where);
      } catch (e) {
        if (!(e instanceof ConfigFileParseError)) throw e;
        errors++;
        assert.ok(oslo.error, `${where}: we failed (${e.message}), oslo did not`);
        assert.equal(e.line, oslo.error.lineno, where);
        assert.equal(e.reason, oslo.error.msg, where);
      }
    });
    // The generator must exercise both outcomes.
    assert.ok(errors > 100 && errors < 1400, `errors: ${errors}`);
  },
});
