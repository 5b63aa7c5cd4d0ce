import assert from "node:assert/strict";
import {
  AndCheck,
  type Check,
  CheckError,
  FalseCheck,
  GenericCheck,
  NotCheck,
  OrCheck,
  parseRule,
  ParseState,
  REDUCTIONS,
  type Symbol,
  TrueCheck,
  UnevaluableCheck,
} from "../../lib/policy/mod.ts";

const c = (text: string) =>
  new GenericCheck(...(text.split(/:(.*)/s).slice(0, 2) as [string, string]));

function stateAfter(tokens: [Symbol, unknown][]): ParseState {
  const s = new ParseState();
  for (const [t, v] of tokens) s.shift(t, v);
  return s;
}

Deno.test("REDUCTIONS lists oslo.policy's reductions in its order", () => {
  assert.deepEqual(REDUCTIONS.map((r) => `${r.name} ${r.pattern.join(" ")}`), [
    "_wrap_check ( or_expr )",
    "_wrap_check ( and_expr )",
    "_wrap_check ( check )",
    "_make_and_expr check and check",
    "_mix_or_and_expr or_expr and check",
    "_extend_and_expr and_expr and check",
    "_make_or_expr and_expr or check",
    "_make_or_expr check or check",
    "_extend_or_expr or_expr or check",
    "_make_not_expr not check",
  ]);
});

Deno.test("ParseState.reduce() wraps a parenthesised check, and_expr and or_expr into a check", () => {
  for (const inner of ["check", "and_expr", "or_expr"] as const) {
    const v = new AndCheck([c("a:1"), c("b:2")]);
    const s = stateAfter([["(", "("], [inner, v], [")", ")"]]);
    assert.deepEqual(s.tokens, ["check"]);
    assert.equal(s.values[0], v);
  }
});

Deno.test("ParseState.reduce() makes an and_expr from check and check", () => {
  const s = stateAfter([["check", c("a:1")], ["and", "and"], ["check", c("b:2")]]);
  assert.deepEqual(s.tokens, ["and_expr"]);
  assert.ok(s.values[0] instanceof AndCheck);
  assert.equal(String(s.values[0]), "(a:1 and b:2)");
});

Deno.test("ParseState.reduce() extends an and_expr in place", () => {
  const and = new AndCheck([c("a:1"), c("b:2")]);
  const s = stateAfter([["and_expr", and], ["and", "and"], ["check", c("c:3")]]);
  assert.deepEqual(s.tokens, ["and_expr"]);
  assert.equal(s.values[0], and);
  assert.equal(String(and), "(a:1 and b:2 and c:3)");
});

Deno.test("ParseState.reduce() mixes or_expr and check by AND-ing into the last branch", () => {
  const s1 = stateAfter([["or_expr", new OrCheck([c("a:1"), c("b:2")])], ["and", "and"], [
    "check",
    c("c:3"),
  ]]);
  assert.deepEqual(s1.tokens, ["or_expr"]);
  assert.equal(String(s1.values[0]), "(a:1 or (b:2 and c:3))");
  // When the last branch is already an AndCheck, it is extended (flattened).
  const and = new AndCheck([c("b:2"), c("c:3")]);
  const s2 = stateAfter([["or_expr", new OrCheck([c("a:1"), and])], ["and", "and"], [
    "check",
    c("d:4"),
  ]]);
  assert.equal(String(s2.values[0]), "(a:1 or (b:2 and c:3 and d:4))");
});

Deno.test("ParseState.reduce() makes an or_expr from check or check and from and_expr or check", () => {
  const s1 = stateAfter([["check", c("a:1")], ["or", "or"], ["check", c("b:2")]]);
  assert.deepEqual(s1.tokens, ["or_expr"]);
  assert.equal(String(s1.values[0]), "(a:1 or b:2)");
  const s2 = stateAfter([["and_expr", new AndCheck([c("a:1"), c("b:2")])], ["or", "or"], [
    "check",
    c("c:3"),
  ]]);
  assert.equal(String(s2.values[0]), "((a:1 and b:2) or c:3)");
});

Deno.test("ParseState.reduce() extends an or_expr in place", () => {
  const or = new OrCheck([c("a:1"), c("b:2")]);
  const s = stateAfter([["or_expr", or], ["or", "or"], ["check", c("c:3")]]);
  assert.equal(s.values[0], or);
  assert.equal(String(or), "(a:1 or b:2 or c:3)");
});

Deno.test("ParseState.reduce() negates a check into a check", () => {
  const s = stateAfter([["not", "not"], ["check", c("a:1")]]);
  assert.deepEqual(s.tokens, ["check"]);
  assert.ok(s.values[0] instanceof NotCheck);
  assert.equal(String(s.values[0]), "not a:1");
});

Deno.test("ParseState.result is null unless exactly one check is left", () => {
  assert.equal(stateAfter([["check", c("a:1")], ["or", "or"]]).result, null);
  assert.equal(stateAfter([["string", "foo"]]).result, null);
  assert.equal(stateAfter([["and", "AND"]]).result, null);
  assert.equal(String(stateAfter([["check", c("a:1")]]).result), "a:1");
});

const PRECEDENCE: [string, string][] = [
  ["a:1 or b:2 and c:3", "(a:1 or (b:2 and c:3))"],
  ["a:1 and b:2 or c:3 and d:4", "((a:1 and b:2) or (c:3 and d:4))"],
  ["not a:1 and b:2", "(not a:1 and b:2)"],
  ["a:1 or b:2 and not c:3 or d:4", "(a:1 or (b:2 and not c:3) or d:4)"],
  ["a:1 or (b:2 and c:3) and d:4", "(a:1 or (b:2 and c:3 and d:4))"],
  ["(a:1 and b:2) and c:3", "((a:1 and b:2) and c:3)"],
  ["not (a:1 or b:2)", "not (a:1 or b:2)"],
  ["not not a:1", "not not a:1"],
  ["((a:1))", "a:1"],
  ["a:1 AND b:2", "(a:1 and b:2)"],
  ["@ or !", "(@ or !)"],
  ["role:A:B", "role:A:B"],
  ["", "@"],
];

Deno.test("parseRule() gives oslo.policy's precedence and canonical text", () => {
  for (const [rule, want] of PRECEDENCE) assert.equal(String(parseRule(rule)), want, rule);
});

Deno.test("parseRule() text round-trips through String()", () => {
  for (const [rule] of PRECEDENCE) {
    const once = String(parseRule(rule));
    assert.equal(String(parseRule(once)), once, rule);
  }
});

Deno.test("parseRule() fails closed with a warning on what does not reduce", () => {
  for (const rule of ["a:1 or", "(a:1", "a:1)", "noColon", "a:1 b:2", "a:1 and 'foo'", "   "]) {
    const warnings: string[] = [];
    const check = parseRule(rule, { warn: (w) => warnings.push(w) });
    assert.ok(check instanceof FalseCheck, rule);
    assert.match(warnings.join("\n"), /Failed to understand rule/, rule);
  }
});

Deno.test("parseRule() makes a bare word a check that throws, printing the word as oslo.policy does", () => {
  for (const [rule, word] of [["'foo'", "foo"], ["AND", "AND"], ["not", "not"]]) {
    const warnings: string[] = [];
    const check = parseRule(rule!, { warn: (w) => warnings.push(w) });
    assert.ok(check instanceof UnevaluableCheck, rule);
    assert.equal(String(check), word);
    assert.match(warnings.join("\n"), /bare word/);
    assert.throws(
      () =>
        (check as Check).evaluate({}, {}, {
          rule: () => undefined,
          currentRule: null,
          services: {},
        }, 0),
      CheckError,
    );
  }
});

Deno.test("parseRule() reads the legacy list-of-lists form", () => {
  const table: [unknown, string][] = [
    [[["a:1", "b:2"], ["c:3"]], "((a:1 and b:2) or c:3)"],
    [["a:1", "b:2"], "(a:1 or b:2)"],
    [[[], ["a:1"]], "a:1"],
    [[], "@"],
    [[[]], "!"],
    [null, "@"],
    [[["a:1 or b:2"]], "a:1 or b:2"],
    [[["a:1", 7]], "(a:1 and !)"],
  ];
  for (const [rule, want] of table) {
    assert.equal(String(parseRule(rule)), want, JSON.stringify(rule));
  }
  // The inner items are base checks, never parsed as the policy language.
  const inner = parseRule([["a:1 or b:2"]]) as Check;
  assert.ok(inner instanceof GenericCheck);
  assert.equal((inner as GenericCheck).match, "1 or b:2");
});

Deno.test("parseRule() builds @ and ! and the logical classes", () => {
  assert.ok(parseRule("@") instanceof TrueCheck);
  assert.ok(parseRule("!") instanceof FalseCheck);
  assert.ok(parseRule("a:1 or b:2") instanceof OrCheck);
  assert.ok(parseRule("a:1 and b:2") instanceof AndCheck);
});
