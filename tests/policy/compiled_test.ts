/**
 * lib/policy/compiled.ts against the check interpreter: on generated policies,
 * credentials and targets (fixed seeds, oddities included), every decision of
 * an enforcer that compiles equals one that only interprets; where a compiled
 * tree answers, the interpreter gives the same answer without a failure.
 */
import assert from "node:assert/strict";
import {
  type Check,
  compileCheck,
  Enforcer,
  HttpCheck,
  OrCheck,
  parseRule,
  RoleCheck,
  UnevaluableCheck,
} from "../../lib/policy/mod.ts";
import { withSystem } from "../../lib/policy/token_scope.ts";
import { genCreds, genPolicy, genTarget, policyYaml, Rng } from "./generate.ts";

function lookupIn(
  checks: ReadonlyMap<string, Check>,
  defaultRule: string | null,
): (name: string) => Check | undefined {
  return (name) => checks.get(name) ?? (defaultRule ? checks.get(defaultRule) : undefined);
}

Deno.test("compiled checks decide as the interpreter on generated policies (seeds 0-59)", async () => {
  let decisions = 0, answered = 0, compiledRules = 0, rules = 0;
  for (let seed = 0; seed < 60; seed++) {
    const r = new Rng(seed);
    const policy = policyYaml(genPolicy(r));
    const fast = new Enforcer({ policy, onWarning: () => {} });
    const failures: string[] = [];
    const slow = new Enforcer({
      policy,
      noCompile: true,
      onWarning: () => {},
      onDecision: (rule, _allowed, info) => {
        if (info?.error !== undefined) failures.push(rule);
      },
    });
    const { checks, defaultRule } = await slow.effectiveRules();
    const lookup = lookupIn(checks, defaultRule);
    const names = [...checks.keys(), "svc:unknown"];
    for (const name of names) {
      const check = lookup(name);
      const fn = check ? compileCheck(check, lookup) : null;
      rules++;
      if (fn) compiledRules++;
      for (let i = 0; i < 40; i++) {
        const creds = genCreds(r);
        const target = genTarget(r);
        const where = `seed ${seed}, ${name} = ${check}, creds ${JSON.stringify(creds)}, target ${
          JSON.stringify(target)
        }`;
        failures.length = 0;
        const want = await slow.enforce(name, target, structuredClone(creds));
        const got = await fast.enforce(name, target, structuredClone(creds));
        assert.equal(got, want, where);
        decisions++;
        const direct = fn?.(target, withSystem(creds));
        if (direct !== undefined) {
          answered++;
          assert.equal(direct, want, `compiled: ${where}`);
          assert.deepEqual(
            failures,
            [],
            `the interpreter failed where compiled code answered: ${where}`,
          );
        }
      }
    }
  }
  // The comparison means something only if compiled code answers most decisions.
  assert.ok(compiledRules / rules > 0.7, `${compiledRules} of ${rules} rules compiled`);
  assert.ok(answered / decisions > 0.6, `${answered} of ${decisions} decisions answered compiled`);
});

Deno.test("compileCheck() leaves cycles, remote checks and over-deep chains to the interpreter", () => {
  const checks = new Map<string, Check>([
    ["a", parseRule("rule:b or role:admin")],
    ["b", parseRule("rule:a")],
    ["remote", new OrCheck([new RoleCheck("role", "admin"), new HttpCheck("http", "//x.test/")])],
    ["word", new OrCheck([new RoleCheck("role", "admin"), new UnevaluableCheck("word")])],
  ]);
  const lookup = lookupIn(checks, null);
  assert.equal(compileCheck(checks.get("a")!, lookup), null);
  assert.equal(compileCheck(checks.get("remote")!, lookup), null);
  assert.equal(compileCheck(checks.get("word")!, lookup), null);
  // A missing rule denies, as RuleCheck does; the rest of the tree still decides.
  const missing = compileCheck(parseRule("rule:nope or role:admin"), lookup)!;
  assert.equal(missing({}, { roles: ["admin"] }), true);
  assert.equal(missing({}, { roles: ["member"] }), false);
  // A chain of 200 `rule:` indirections is compiled; 201 is the interpreter's (RuleDepthError).
  const chain = (n: number) => {
    const m = new Map<string, Check>([["r0", parseRule("role:admin")]]);
    for (let i = 1; i <= n; i++) m.set(`r${i}`, parseRule(`rule:r${i - 1}`));
    return compileCheck(parseRule(`rule:r${n}`), lookupIn(m, null));
  };
  assert.equal(chain(199)?.({}, { roles: ["admin"] }), true);
  assert.equal(chain(200), null);
});

Deno.test("compiled checks hand the odd cases to the interpreter (undefined)", () => {
  const f = (rule: string) => compileCheck(parseRule(rule), () => undefined)!;
  assert.equal(f("role:admin")({}, { roles: "admin" }), undefined); // a string of roles
  assert.equal(f("role:admin")({}, { roles: ["admin", 7] }), undefined); // a non-string role
  assert.equal(f("role:admin")({}, {}), false); // no roles at all
  assert.equal(f("nested.a.b:1")({}, { nested: { a: "s" } }), undefined); // a path through a str
  assert.equal(f("nested.a.b:1")({}, { nested: { a: [{ b: 2 }, { b: 1 }] } }), true);
  assert.equal(f("user_id:%(user)d")({ user: "x" }, { user_id: "x" }), undefined); // %d of a str
  assert.equal(f("user_id:%(user)s")({}, { user_id: "x" }), false); // missing key: false
  assert.equal(f("'x':%(user)s")({ user: "x" }, {}), true); // literal kinds
  assert.equal(f("not role:admin")({}, { roles: "admin" }), undefined);
  assert.equal(f("not role:admin")({}, { roles: ["Admin"] }), false);
});

Deno.test("Enforcer decides unknown rule names by the default rule, past the entries it keeps", async () => {
  const e = new Enforcer({ policy: '"default": "role:admin"\n', onWarning: () => {} });
  for (let i = 0; i < 10_050; i++) {
    assert.equal(await e.enforce(`svc:any${i}`, {}, { roles: ["Admin"] }), true);
  }
  assert.equal(await e.enforce("svc:any10049", {}, { roles: ["member"] }), false);
  assert.equal(await e.enforce("svc:another", {}, { roles: ["member"] }), false);
});
