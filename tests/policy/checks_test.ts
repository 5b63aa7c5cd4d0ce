import assert from "node:assert/strict";
import {
  AndCheck,
  Check,
  CheckError,
  type Creds,
  type EvalContext,
  FalseCheck,
  GenericCheck,
  KindCheck,
  NotCheck,
  OrCheck,
  parseRule,
  RoleCheck,
  RuleCheck,
  RuleDepthError,
  type Target,
  TrueCheck,
} from "../../lib/policy/mod.ts";

const ctx = (rules: Record<string, Check> = {}, fallback?: string): EvalContext => ({
  rule: (n) => rules[n] ?? (fallback ? rules[fallback] : undefined),
  currentRule: "test",
  services: {},
});
const run = (check: Check, target: Target, creds: Creds, c = ctx()) =>
  check.evaluate(target, creds, c, 0);

class Counting extends Check {
  calls = 0;
  constructor(readonly answer: boolean) {
    super();
  }
  evaluate() {
    this.calls++;
    return this.answer;
  }
  toString() {
    return this.answer ? "yes:1" : "no:1";
  }
}

class Later extends KindCheck {
  evaluate() {
    return Promise.resolve(this.match === "true");
  }
}

Deno.test("RoleCheck.evaluate() matches roles case-insensitively", () => {
  const table: [string, Target, unknown, boolean][] = [
    ["Admin", {}, ["admin"], true],
    ["admin", {}, ["ADMIN", "x"], true],
    ["admin", {}, ["member"], false],
    ["%(role)s", { role: "Reader" }, ["reader"], true],
    ["%(role)s", {}, ["reader"], false],
    ["a", {}, "xay", true], // a string of roles is iterated character by character, as in Python
  ];
  for (const [match, target, roles, want] of table) {
    assert.equal(run(new RoleCheck("role", match), target, { roles }), want, `${match} ${roles}`);
  }
  assert.equal(run(new RoleCheck("role", "admin"), {}, {}), false);
});

Deno.test("RoleCheck.evaluate() throws CheckError where oslo.policy raises", () => {
  assert.throws(() => run(new RoleCheck("role", "a"), {}, { roles: null }), CheckError);
  assert.throws(() => run(new RoleCheck("role", "a"), {}, { roles: [1] }), /a role is a int/);
  assert.throws(() => run(new RoleCheck("role", "100%"), {}, { roles: [] }), /incomplete format/);
});

Deno.test("GenericCheck.evaluate() compares paths into creds as Python strings", () => {
  const creds = {
    user_id: "u1",
    domain_id: 20,
    is_admin: true,
    roles: [{ name: "foo" }, { name: "bar" }],
    tags: ["a", "b"],
    nested: { deep: { v: null } },
  };
  const table: [string, Target, boolean][] = [
    ["user_id:%(user_id)s", { user_id: "u1" }, true],
    ["user_id:%(user_id)s", { user_id: "u2" }, false],
    ["user_id:%(user_id)s", {}, false],
    ["domain_id:20", {}, true],
    ["is_admin:True", {}, true],
    ["is_admin:true", {}, false],
    ["roles.name:bar", {}, true],
    ["roles.name:baz", {}, false],
    ["tags:b", {}, true],
    ["nested.deep.v:None", {}, true],
    ["missing.path:x", {}, false],
    ["True:%(enabled)s", { enabled: true }, true],
    ["'Member':%(role.name)s", { "role.name": "Member" }, true],
    ["user_id:'u1'", {}, false],
    ["1:%(n)s", { n: 1 }, true],
  ];
  for (const [rule, target, want] of table) {
    assert.equal(run(parseRule(rule), target, creds), want, rule);
  }
});

Deno.test("GenericCheck.evaluate() reads target keys flat, never nested", () => {
  const check = parseRule("True:%(user.enabled)s");
  assert.equal(run(check, { "user.enabled": true }, {}), true);
  assert.equal(run(check, { user: { enabled: true } }, {}), false);
});

Deno.test("GenericCheck.evaluate() throws CheckError where oslo.policy raises", () => {
  assert.throws(() => run(parseRule("a:100%"), {}, { a: "100%" }), /ValueError: incomplete format/);
  assert.throws(() => run(parseRule("roles.name:x"), {}, { roles: ["x"] }), /is a str/);
  assert.throws(() => run(parseRule("1.2.3:x"), {}, {}), /SyntaxError/);
  assert.throws(() => run(parseRule("2020-01-01:x"), {}, {}), CheckError);
  // A missing key is checked before the kind: false, not an error.
  assert.equal(run(parseRule("1.2.3:%(nope)s"), {}, {}), false);
});

Deno.test("GenericCheck.evaluate() ignores inherited properties", () => {
  assert.equal(run(new GenericCheck("constructor", "x"), {}, {}), false);
  assert.equal(run(new GenericCheck("a", "%(toString)s"), {}, { a: "x" }), false);
});

Deno.test("RuleCheck.evaluate() follows rules and falls back to the default rule", () => {
  const rules = { admin: parseRule("role:admin"), default: new TrueCheck() };
  assert.equal(run(new RuleCheck("rule", "admin"), {}, { roles: ["admin"] }, ctx(rules)), true);
  assert.equal(run(new RuleCheck("rule", "nope"), {}, {}, ctx(rules)), false);
  assert.equal(run(new RuleCheck("rule", "nope"), {}, {}, ctx(rules, "default")), true);
});

Deno.test("RuleCheck.evaluate() stops a cycle with CheckError", () => {
  const rules: Record<string, Check> = {};
  rules.a = parseRule("rule:b");
  rules.b = parseRule("rule:a");
  assert.throws(() => run(rules.a!, {}, {}, ctx(rules)), /nest deeper/);
  rules.c = parseRule("@ or rule:c");
  assert.equal(run(rules.c!, {}, {}, ctx(rules)), true);
  // A cycle abandons the decision at once: no branch of any level is tried again (2^200 here).
  rules.d = parseRule("rule:d or rule:d or role:admin");
  const started = performance.now();
  assert.throws(() => run(rules.d!, {}, { roles: ["admin"] }, ctx(rules)), RuleDepthError);
  assert.ok(performance.now() - started < 1000);
});

Deno.test("AndCheck and OrCheck short-circuit in order", () => {
  const [y1, n1, y2] = [new Counting(true), new Counting(false), new Counting(true)];
  assert.equal(run(new AndCheck([y1, n1, y2]), {}, {}), false);
  assert.deepEqual([y1.calls, n1.calls, y2.calls], [1, 1, 0]);
  assert.equal(run(new OrCheck([n1, y1, y2]), {}, {}), true);
  assert.deepEqual([y1.calls, n1.calls, y2.calls], [2, 2, 0]);
});

Deno.test("Check trees go asynchronous only where a check is", async () => {
  const later = (v: boolean) => new Later("later", String(v));
  assert.equal(run(new AndCheck([new FalseCheck(), later(true)]), {}, {}), false);
  const p = run(new AndCheck([new TrueCheck(), later(true), later(false)]), {}, {});
  assert.ok(p instanceof Promise);
  assert.equal(await p, false);
  assert.equal(await run(new OrCheck([later(false), later(true)]), {}, {}), true);
  assert.equal(await run(new NotCheck(later(false)), {}, {}), true);
});

/** A check that fails, now or later (OPA down): its value is unknown. */
class Failing extends KindCheck {
  evaluate(): boolean | Promise<boolean> {
    const e = new CheckError(`"${this}" failed: OPA is down`);
    if (this.kind === "later") return Promise.reject(e);
    throw e;
  }
}

type K = boolean | "error";
/** Evaluates to true, false or "error" (the failure thrown or rejected). */
async function kleene(check: Check, c = ctx()): Promise<K> {
  try {
    return await check.evaluate({}, {}, c, 0);
  } catch (e) {
    assert.ok(e instanceof CheckError, String(e));
    return "error";
  }
}

Deno.test("AndCheck, OrCheck and NotCheck combine failures in Kleene's three-valued logic", async () => {
  const leaf = (v: K, async: boolean): Check =>
    v === "error"
      ? new Failing(async ? "later" : "now", "x")
      : async
      ? new Later("later", String(v))
      : v
      ? new TrueCheck()
      : new FalseCheck();
  const values: K[] = [true, false, "error"];
  const and = (a: K, b: K): K =>
    a === false || b === false ? false : a === "error" || b === "error" ? "error" : true;
  const or = (a: K, b: K): K =>
    a === true || b === true ? true : a === "error" || b === "error" ? "error" : false;
  for (const a of values) {
    for (const b of values) {
      for (const [aa, ba] of [[false, false], [true, false], [false, true], [true, true]]) {
        const why = `${a}${aa ? "(async)" : ""} ? ${b}${ba ? "(async)" : ""}`;
        const l = () => leaf(a, aa!), r = () => leaf(b, ba!);
        assert.equal(await kleene(new AndCheck([l(), r()])), and(a, b), `and: ${why}`);
        assert.equal(await kleene(new OrCheck([l(), r()])), or(a, b), `or: ${why}`);
        assert.equal(
          await kleene(new NotCheck(new OrCheck([l(), r()]))),
          or(a, b) === "error" ? "error" : !or(a, b),
          `not or: ${why}`,
        );
      }
    }
  }
  assert.equal(await kleene(new NotCheck(new Failing("now", "x"))), "error");
  assert.equal(await kleene(new NotCheck(new Failing("later", "x"))), "error");
});

Deno.test("AndCheck and OrCheck report the failures that did not decide, and with strict throw the first", async () => {
  const reported: unknown[] = [];
  const c: EvalContext = { ...ctx(), report: (e) => reported.push(e) };
  const opa = new Failing("now", "opa:x");
  assert.equal(await kleene(new OrCheck([opa, new TrueCheck()]), c), true);
  assert.equal(reported.length, 1);
  assert.match((reported[0] as Error).message, /"now:opa:x" failed: OPA is down/);
  assert.equal(await kleene(new AndCheck([new Failing("later", "y"), new FalseCheck()]), c), false);
  assert.equal(reported.length, 2);
  // unknown: the first failure is the result, the others are reported
  assert.equal(
    await kleene(new OrCheck([new Failing("now", "a"), new Failing("now", "b")]), c),
    "error",
  );
  assert.match((reported[2] as Error).message, /now:b/);
  // strict (oslo.policy, oslopolicy-checker): the first failure raises, whatever follows
  const strict: EvalContext = { ...ctx(), strict: true };
  assert.throws(() => run(new OrCheck([opa, new TrueCheck()]), {}, {}, strict), CheckError);
  assert.equal(run(new OrCheck([new TrueCheck(), opa]), {}, {}, strict), true);
});

Deno.test("String(check) gives oslo.policy's canonical text", () => {
  assert.equal(String(new TrueCheck()), "@");
  assert.equal(String(new FalseCheck()), "!");
  assert.equal(String(new NotCheck(parseRule("a:1 or b:2"))), "not (a:1 or b:2)");
  assert.equal(
    String(new AndCheck([parseRule("a:1"), new OrCheck([parseRule("b:2")])])),
    "(a:1 and (b:2))",
  );
});
