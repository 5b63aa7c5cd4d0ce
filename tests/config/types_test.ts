import assert from "node:assert/strict";
import {
  booleanType,
  dictType,
  floatType,
  hostAddressType,
  hostDomainType,
  hostnameType,
  integerType,
  ipAddressType,
  listType,
  portType,
  rangeType,
  stringType,
  uriType,
} from "../../lib/config/mod.ts";
import { Rng } from "./_gen.ts";
import { askOracle, oracleAvailable } from "./_oracle.ts";
import { buildType, encode, type TypeSpec } from "./_types_spec.ts";
import {
  boolText,
  dictText,
  hostText,
  ipText,
  listText,
  numberText,
  rangeText,
  stringText,
  uriText,
} from "./_values_gen.ts";

Deno.test("stringType() searches its regex unanchored and checks choices, quotes and length", () => {
  assert.throws(() => stringType({ regex: "^a" }).convert("ba"), /doesn't match regex '\^a'/);
  assert.equal(stringType({ regex: "a" }).convert("ba"), "ba");
  assert.throws(() => stringType({ quotes: true }).convert('"x'), /Non-closed quote: "x/);
  assert.equal(stringType({ quotes: true, maxLength: 1 }).convert('"x"'), "x");
  assert.throws(() => stringType({ maxLength: 2 }).convert("abc"), /exceeds maximum length 2/);
  assert.equal(stringType({ choices: ["A"], ignoreCase: true }).convert("a"), "a");
  assert.throws(
    () => stringType({ choices: [] }).convert("a"),
    /Valid values are \[\], but found 'a'/,
  );
  assert.throws(() => stringType({ choices: ["a"], regex: "b" }), TypeError);
});

Deno.test("booleanType() accepts oslo's spellings in any case and nothing else", () => {
  for (const t of ["true", "1", "on", "yes", "YES", "On"]) {
    assert.equal(booleanType().convert(t), true);
  }
  for (const f of ["false", "0", "off", "no", "NO"]) assert.equal(booleanType().convert(f), false);
  assert.throws(() => booleanType().convert("y"), /Unexpected boolean value 'y'/);
});

Deno.test("integerType() gives null for blank text and checks bounds with %g", () => {
  assert.equal(integerType().convert("  "), null);
  assert.equal(integerType().convert(" 1_000 "), 1000);
  assert.equal(integerType().convert("\u0661\u0662"), 12);
  assert.throws(
    () => integerType({ min: 5 }).convert("4"),
    /Should be greater than or equal to 5$/,
  );
  assert.throws(
    () => integerType({ max: 1e6 }).convert("1000001"),
    /less than or equal to 1e\+06$/,
  );
  assert.throws(
    () => integerType().convert("1.5"),
    /invalid literal for int\(\) with base 10: '1.5'/,
  );
  assert.throws(
    () => integerType({ choices: [1, 3] }).convert("2"),
    /Valid values are OrderedDict\(\[\(1, None\), \(3, None\)\]\), but found 2/,
  );
  assert.throws(() => integerType({ choices: [1, 10], max: 5 }), RangeError);
});

Deno.test("integerType() refuses integers it cannot hold exactly instead of rounding them", () => {
  assert.throws(() => integerType().convert("12345678901234567890"), /outside the range/);
});

Deno.test("floatType() reads Python float literals", () => {
  assert.equal(floatType().convert("1e3"), 1000);
  assert.equal(floatType().convert("-inf"), -Infinity);
  assert.ok(Number.isNaN(floatType().convert("nan")));
  assert.throws(() => floatType({ min: 0.5 }).convert("0.25"), /greater than or equal to 0\.5$/);
});

Deno.test("portType() stays within 0..65535", () => {
  assert.equal(portType().convert("65535"), 65535);
  assert.throws(() => portType().convert("65536"), /less than or equal to 65535/);
  assert.throws(() => portType({ min: -1 }), RangeError);
  assert.throws(() => portType({ max: 70000 }), RangeError);
});

Deno.test("listType() re-joins items that fail, so dict items may contain commas", () => {
  assert.deepEqual(listType().convert("a, b,"), ["a", "b"]);
  assert.deepEqual(listType().convert(""), []);
  assert.throws(
    () => listType(stringType(), { bounds: true }).convert("a"),
    /should start with "\["/,
  );
  assert.deepEqual(listType(dictType()).convert("a:1,b:2"), [{ a: "1" }, { b: "2" }]);
  assert.deepEqual(listType(integerType()).convert("1,2"), [1, 2]);
});

Deno.test("dictType() splits pairs on the first colon and rejects duplicates", () => {
  assert.deepEqual(dictType().convert("a:b:c"), { a: "b:c" });
  assert.throws(() => dictType().convert("a:1,a:2"), /Duplicate key a/);
  assert.throws(() => dictType().convert(":1"), /Key name should not be empty/);
  assert.throws(() => dictType().convert("a"), /NAME:VALUE pairs/);
  assert.deepEqual(Object.keys(dictType().convert("__proto__:x")), ["__proto__"]);
});

Deno.test("rangeType() reads N and N-M, steps down when descending", () => {
  assert.deepEqual(rangeType().convert("1-3"), { start: 1, stop: 4, step: 1 });
  assert.deepEqual(rangeType({ inclusive: false }).convert("1-3"), { start: 1, stop: 3, step: 1 });
  assert.throws(() => rangeType().convert("01-3"), /Invalid Range: 01-3/);
});

Deno.test("address types follow inet_pton, RFC 1123 labels and RFC 3986", () => {
  assert.throws(() => ipAddressType(4).convert("::1"), /is not an IPv4 address/);
  assert.throws(() => ipAddressType().convert("1.2.3"), /is not IPv4 or IPv6 address/);
  assert.throws(() => hostnameType().convert("a.123"), /non-numeric/);
  assert.throws(() => hostnameType().convert("-a.com"), /invalid hostname/);
  assert.equal(hostnameType().convert("a.com."), "a.com");
  assert.throws(() => hostAddressType().convert("a_b.com"), /not a valid host address/);
  assert.equal(hostDomainType().convert("a_b.com"), "a_b.com");
  assert.throws(() => uriType({ schemes: ["https"] }).convert("http://x"), /scheme/);
  assert.throws(() => uriType().convert("/path"), /required but missing/);
  assert.throws(() => uriType().convert("rabbit://u:pw@h:1/["), (e) => {
    assert.doesNotMatch((e as Error).message, /pw/);
    return true;
  });
});

/** Every spec the differential test runs, with the generator of its values. */
const SPECS: [TypeSpec, (r: Rng) => string][] = [
  [{ kind: "String" }, stringText],
  [{ kind: "String", choices: ["a", "B"] }, stringText],
  [{ kind: "String", choices: [["a", "first"], ["B", null]], ignore_case: true }, stringText],
  [{ kind: "String", choices: [] }, stringText],
  [{ kind: "String", quotes: true }, stringText],
  [{ kind: "String", quotes: true, max_length: 2 }, stringText],
  [{ kind: "String", max_length: 3 }, stringText],
  [{ kind: "String", regex: "^a" }, stringText],
  [{ kind: "String", regex: "b", ignore_case: true }, stringText],
  [{ kind: "String", choices: ["a"], regex: "b" }, stringText],
  [{ kind: "Boolean" }, boolText],
  [{ kind: "Integer" }, numberText],
  [{ kind: "Integer", min: 5 }, numberText],
  [{ kind: "Integer", min: -3, max: 3 }, numberText],
  [{ kind: "Integer", max: 1000000 }, numberText],
  [{ kind: "Integer", choices: [1, 3, 5] }, numberText],
  [{ kind: "Integer", choices: [[1, "one"], [2, null]] }, numberText],
  [{ kind: "Integer", choices: [] }, numberText],
  [{ kind: "Integer", min: 5, max: 1 }, numberText],
  [{ kind: "Integer", choices: [1, 10], max: 5 }, numberText],
  [{ kind: "Float" }, numberText],
  [{ kind: "Float", min: 0.5 }, numberText],
  [{ kind: "Float", max: 1e6, min: -2.5 }, numberText],
  [{ kind: "Port" }, numberText],
  [{ kind: "Port", min: 1024 }, numberText],
  [{ kind: "Port", choices: [80, 443] }, numberText],
  [{ kind: "Port", min: -1 }, numberText],
  [{ kind: "Range" }, rangeText],
  [{ kind: "Range", min: 0, max: 10 }, rangeText],
  [{ kind: "Range", inclusive: false }, rangeText],
  [{ kind: "List" }, (r) => listText(r, stringText)],
  [{ kind: "List", bounds: true }, (r) => listText(r, stringText)],
  [{ kind: "List", item_type: { kind: "Integer", min: 0 } }, (r) => listText(r, numberText)],
  [
    { kind: "List", item_type: { kind: "Dict" } },
    (r) => listText(r, (x) => dictText(x, stringText)),
  ],
  [{ kind: "List", item_type: { kind: "Port" }, bounds: true }, (r) => listText(r, numberText)],
  [{ kind: "List", item_type: { kind: "String", quotes: true } }, (r) => listText(r, stringText)],
  [{ kind: "Dict" }, (r) => dictText(r, stringText)],
  [{ kind: "Dict", bounds: true }, (r) => dictText(r, stringText)],
  [{ kind: "Dict", value_type: { kind: "Integer" } }, (r) => dictText(r, numberText)],
  [{ kind: "Dict", value_type: { kind: "Boolean" } }, (r) => dictText(r, boolText)],
  [{ kind: "IPAddress" }, ipText],
  [{ kind: "IPAddress", version: 4 }, ipText],
  [{ kind: "IPAddress", version: 6 }, ipText],
  [{ kind: "Hostname" }, hostText],
  [{ kind: "HostAddress" }, (r) => r.chance(0.5) ? ipText(r) : hostText(r)],
  [{ kind: "HostAddress", version: 6 }, (r) => r.chance(0.5) ? ipText(r) : hostText(r)],
  [{ kind: "HostDomain" }, (r) => r.chance(0.5) ? ipText(r) : hostText(r)],
  [{ kind: "URI" }, uriText],
  [{ kind: "URI", schemes: ["https", "http"] }, uriText],
  [{ kind: "URI", max_length: 20 }, uriText],
  [{ kind: "MultiString" }, stringText],
];

type Answer = { value?: unknown; error?: string; construct_error?: string; crash?: string };

Deno.test({
  name: "types convert generated strings exactly as oslo.config's types do",
  ignore: !(await oracleAvailable()),
  fn: async () => {
    const rng = new Rng(424242);
    const cases: { spec: TypeSpec; value: string }[] = [];
    for (const [spec, gen] of SPECS) {
      for (let i = 0; i < 120; i++) cases.push({ spec, value: gen(rng) });
    }
    const answers = await askOracle<Answer>(
      cases.map((c) => ({ op: "type", type: c.spec, value: c.value })),
    );
    let accepted = 0;
    let rejected = 0;
    cases.forEach(({ spec, value }, i) => {
      const oslo = answers[i]!;
      const where = `${JSON.stringify(spec)} ${JSON.stringify(value)}: oslo ${
        JSON.stringify(oslo)
      }`;
      assert.equal(oslo.crash, undefined, where);
      let type;
      try {
        type = buildType(spec);
      } catch {
        assert.ok(oslo.construct_error, `${where}: we refused to construct`);
        return;
      }
      assert.equal(oslo.construct_error, undefined, `${where}: we constructed`);
      let ours: unknown;
      try {
        ours = encode(type.convert(value), spec);
      } catch (e) {
        assert.ok(e instanceof TypeError, where);
        assert.ok(oslo.error !== undefined, `${where}: we rejected (${e.message})`);
        // URI messages are rfc3986's tuple reprs in oslo; ours name the problem instead.
        if (spec.kind !== "URI") assert.equal(e.message, oslo.error, where);
        rejected++;
        return;
      }
      assert.equal(oslo.error, undefined, `${where}: we accepted ${JSON.stringify(ours)}`);
      assert.deepEqual(ours, oslo.value, where);
      accepted++;
    });
    assert.ok(accepted > 1500 && rejected > 1500, `accepted ${accepted}, rejected ${rejected}`);
  },
});
