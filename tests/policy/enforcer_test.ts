import assert from "node:assert/strict";
import {
  DuplicatePolicyError,
  Enforcer,
  type EnforcerOptions,
  InvalidDefinitionError,
  InvalidRuleDefault,
  InvalidScope,
  parseRule,
  PolicyFileError,
  PolicyNotAuthorized,
  PolicyNotRegistered,
  type RuleDefault,
} from "../../lib/policy/mod.ts";

function enforcer(options: EnforcerOptions): { e: Enforcer; warnings: string[] } {
  const warnings: string[] = [];
  return { e: new Enforcer({ onWarning: (w) => warnings.push(w), ...options }), warnings };
}

Deno.test("Enforcer.enforce() falls back to the default rule only when it exists", async () => {
  const withDefault = enforcer({ policy: '"default": "@"\n"a": "rule:nope"\n' }).e;
  assert.equal(await withDefault.enforce("unknown", {}, {}), true);
  assert.equal(await withDefault.enforce("a", {}, {}), true); // rule:nope → default
  const noDefault = enforcer({ policy: '"a": "rule:nope"\n' }).e;
  assert.equal(await noDefault.enforce("unknown", {}, {}), false);
  assert.equal(await noDefault.enforce("a", {}, {}), false);
  const other = enforcer({ policy: '"fallback": "@"\n', defaultRule: "fallback" }).e;
  assert.equal(await other.enforce("unknown", {}, {}), true);
  assert.equal(await enforcer({}).e.enforce("anything", {}, {}), false);
});

Deno.test("Enforcer.enforce() copies system_scope to system without touching the caller's creds", async () => {
  const { e } = enforcer({ policy: '"sys": "system:all"\n' });
  const creds = { system_scope: "all", roles: [] };
  assert.equal(await e.enforce("sys", {}, creds), true);
  assert.equal("system" in creds, false);
});

const scoped: RuleDefault = { name: "thing:list", checkStr: "role:reader", scopeTypes: ["system"] };
const reader = { roles: ["reader"], project_id: "p1" };

Deno.test("Enforcer.enforce() warns on a scope mismatch unless enforceScope", async () => {
  const lax = enforcer({ defaults: [scoped] });
  assert.equal(await lax.e.enforce("thing:list", {}, reader), true);
  assert.match(lax.warnings.join("\n"), /failed scope check.*was project scoped.*\['system'\]/);
  const strict = enforcer({ defaults: [scoped], enforceScope: true });
  assert.equal(await strict.e.enforce("thing:list", {}, reader), false);
  assert.equal(await strict.e.enforce("thing:list", {}, { ...reader, system_scope: "all" }), true);
  await assert.rejects(strict.e.authorize("thing:list", {}, reader), (err: unknown) => {
    assert.ok(err instanceof InvalidScope);
    assert.equal(err.code, "ERR_POLICY_INVALID_SCOPE");
    assert.equal(err.tokenScope, "project");
    return true;
  });
  const domain = { roles: ["reader"], domain_id: "d1" };
  await assert.rejects(strict.e.authorize("thing:list", {}, domain), /made with domain scope/);
});

Deno.test("Enforcer warns once per rule and token scope, and decides by the current rules after a change", async () => {
  const lax = enforcer({ defaults: [scoped], policy: '"thing:list": "role:reader"\n' });
  for (let i = 0; i < 3; i++) assert.equal(await lax.e.enforce("thing:list", {}, reader), true);
  const mismatch = (w: string) => /failed scope check/.test(w);
  assert.equal(lax.warnings.filter(mismatch).length, 1);
  // Another token scope is another warning, once.
  const domain = { roles: ["reader"], domain_id: "d1" };
  for (let i = 0; i < 2; i++) await lax.e.enforce("thing:list", {}, domain);
  assert.deepEqual(lax.warnings.filter(mismatch).map((w) => /was (\w+) scoped/.exec(w)?.[1]), [
    "project",
    "domain",
  ]);
  // New policy text: the next decision uses it; the same mismatch is not warned again.
  lax.e.setPolicy('"thing:list": "role:admin"\n');
  assert.equal(await lax.e.enforce("thing:list", {}, reader), false);
  assert.equal(lax.warnings.filter(mismatch).length, 2);
  // A name decided by the default rule, then registered: the next decision is by its own rule.
  const later = enforcer({ policy: '"default": "@"\n' });
  assert.equal(await later.e.enforce("thing:new", {}, reader), true);
  assert.equal(later.e.hasRule("thing:new"), false);
  later.e.registerDefault({ name: "thing:new", checkStr: "role:admin", scopeTypes: ["project"] });
  assert.equal(await later.e.enforce("thing:new", {}, reader), false);
  assert.equal(await later.e.enforce("thing:new", {}, { ...reader, roles: ["admin"] }), true);
  assert.equal(later.e.hasRule("thing:new"), true);
});

Deno.test("Enforcer.authorize() throws PolicyNotRegistered and PolicyNotAuthorized", async () => {
  const { e } = enforcer({ policy: '"extra": "@"\n', defaults: [scoped] });
  await assert.rejects(e.authorize("extra", {}, {}), PolicyNotRegistered);
  await assert.rejects(
    e.authorize("thing:list", {}, { roles: [], system: "all" }),
    (err: unknown) => {
      assert.ok(err instanceof PolicyNotAuthorized);
      assert.equal(err.message, "thing:list is disallowed by policy");
      return true;
    },
  );
  assert.equal(await e.authorize("thing:list", {}, { roles: ["reader"], system: "all" }), true);
});

const renamed: RuleDefault = {
  name: "thing:create",
  checkStr: "role:admin",
  deprecatedRule: {
    name: "thing:post",
    checkStr: "role:member",
    deprecatedReason: "renamed",
    deprecatedSince: "Z",
  },
};
const member = { roles: ["member"] };

Deno.test("Enforcer ORs a deprecated default with its replacement unless enforceNewDefaults", async () => {
  const old = enforcer({ defaults: [renamed] });
  assert.equal(String(await old.e.ruleCheck("thing:create")), "(role:admin or role:member)");
  assert.equal(await old.e.enforce("thing:create", {}, member), true);
  assert.match(old.warnings.join("\n"), /"thing:post":"role:member" was deprecated in Z/);
  const strict = enforcer({ defaults: [renamed], enforceNewDefaults: true });
  assert.equal(await strict.e.enforce("thing:create", {}, member), false);
});

Deno.test("Enforcer carries an override of the old name over to the new name", async () => {
  const { e } = enforcer({ policy: '"thing:post": "role:owner"\n', defaults: [renamed] });
  assert.equal(String(await e.ruleCheck("thing:create")), "role:owner");
  // ... unless the override is the alias the sample generator writes, or the new name is overridden too
  const alias = enforcer({ policy: '"thing:post": "rule:thing:create"\n', defaults: [renamed] }).e;
  assert.equal(String(await alias.ruleCheck("thing:create")), "(role:admin or role:member)");
  const both = enforcer({
    policy: '"thing:post": "role:owner"\n"thing:create": "role:boss"\n',
    defaults: [renamed],
  }).e;
  assert.equal(String(await both.ruleCheck("thing:create")), "role:boss");
});

Deno.test("Enforcer warns about a rule deprecated for removal only when a file overrides it", async () => {
  const def: RuleDefault = {
    name: "old:thing",
    checkStr: "@",
    deprecatedForRemoval: true,
    deprecatedReason: "gone",
    deprecatedSince: "Y",
  };
  const quiet = enforcer({ defaults: [def] });
  await quiet.e.load();
  assert.doesNotMatch(quiet.warnings.join("\n"), /deprecated for removal/);
  const loud = enforcer({ defaults: [def], policy: '"old:thing": "!"\n' });
  await loud.e.load();
  assert.match(loud.warnings.join("\n"), /"old:thing":"@" was deprecated for removal in Y/);
});

Deno.test("Enforcer.registerDefault() refuses duplicates and malformed defaults", () => {
  const { e } = enforcer({ defaults: [scoped] });
  assert.throws(() => e.registerDefault(scoped), DuplicatePolicyError);
  assert.throws(
    () => e.registerDefault({ name: "x", checkStr: "@", operations: [] }),
    (err: unknown) =>
      err instanceof InvalidRuleDefault && /Description is required/.test(err.message),
  );
  assert.throws(
    () => e.registerDefault({ name: "y", checkStr: "@", deprecatedForRemoval: true }),
    /deprecated_reason or deprecated_since/,
  );
});

Deno.test("Enforcer reports undefined references and cycles at load with names and lines", async () => {
  const { e, warnings } = enforcer({
    policy: '"a": "rule:b"\n"b": "rule:a"\n"c": "rule:nope or role:x"\n"d": "not rule:nope"\n',
    policyName: "p.yaml",
  });
  await e.load();
  const text = warnings.join("\n");
  assert.match(
    text,
    /Policies \['c'\] reference a rule that is not defined: c \(p\.yaml:3\) → rule:nope/,
  );
  assert.match(
    text,
    /Policies \['a', 'b'\] are part of a cyclical reference: a \(p\.yaml:1\): a → b → a/,
  );
  const v = await e.checkRules();
  assert.deepEqual(v.undefined.map((u) => u.name), ["c"]); // oslo.policy does not look inside "not"
  await assert.rejects(e.checkRules({ raiseOnViolation: true }), InvalidDefinitionError);
  assert.equal(await e.enforce("a", {}, {}), false); // the cycle denies at enforce time, no throw
});

Deno.test("Enforcer denies and warns on an unparseable rule, naming it and its line", async () => {
  const { e, warnings } = enforcer({
    policy: '"ok": "@"\n"bad": "role:a or"\n',
    policyName: "p.yaml",
  });
  assert.equal(await e.enforce("bad", {}, { roles: ["a"] }), false);
  assert.match(
    warnings.join("\n"),
    /Failed to understand rule role:a or.*\(policy "bad", p\.yaml:2\)/,
  );
});

Deno.test("Enforcer.enforce() denies and warns where oslo.policy would raise", async () => {
  const { e, warnings } = enforcer({ policy: '"pct": "a:100%"\n"path": "roles.name:x"\n' });
  assert.equal(await e.enforce("pct", {}, { a: "100%" }), false);
  assert.equal(await e.enforce("path", {}, { roles: ["x"] }), false);
  assert.equal(await e.enforce("pct", {}, "not creds" as never), false);
  assert.match(warnings.join("\n"), /Denied pct: .*incomplete format/);
  assert.match(warnings.join("\n"), /Denied path: .*is a str/);
});

Deno.test("Enforcer treats an empty YAML value as @, with a warning", async () => {
  const { e, warnings } = enforcer({ policy: '"open":\n', policyName: "p.yaml" });
  assert.equal(await e.enforce("open", {}, {}), true);
  assert.match(warnings.join("\n"), /"open" \(p\.yaml:1\) has an empty value/);
});

Deno.test("Enforcer.load() rejects a policy that is neither JSON nor YAML, naming the line", async () => {
  const { e } = enforcer({ policy: '"a": "@"\n"b": [unclosed\n', policyName: "p.yaml" });
  await assert.rejects(e.load(), (err: unknown) => {
    assert.ok(err instanceof PolicyFileError);
    assert.match(err.message, /Cannot load policy file p\.yaml:\d+/);
    return true;
  });
  assert.equal(await e.enforce("a", {}, {}), false);
  assert.equal(e.status().loaded, false);
  assert.match(String(e.status().error), /p\.yaml/);
});

Deno.test("Enforcer warns that JSON policy files are deprecated", async () => {
  const { e, warnings } = enforcer({ policy: '{"a": "@"}' });
  assert.equal(await e.enforce("a", {}, {}), true);
  assert.match(warnings.join("\n"), /JSON formatted policy_file support is deprecated/);
});

Deno.test("Enforcer.setPolicy() applies on the next decision", async () => {
  const { e } = enforcer({ policy: '"a": "!"\n' });
  assert.equal(await e.enforce("a", {}, {}), false);
  e.setPolicy('"a": "@"\n');
  assert.equal(await e.enforce("a", {}, {}), true);
});

Deno.test("Enforcer reloads a policy file and its directories when they change", async () => {
  const dir = await Deno.makeTempDir({ prefix: "policy-test-" });
  try {
    const file = `${dir}/policy.yaml`;
    await Deno.mkdir(`${dir}/policy.d`);
    await Deno.writeTextFile(file, '"a": "role:x"\n"b": "role:x"\n');
    await Deno.writeTextFile(`${dir}/policy.d/20-b.yaml`, '"b": "role:z"\n');
    await Deno.writeTextFile(`${dir}/policy.d/10-b.yaml`, '"b": "role:y"\n');
    await Deno.writeTextFile(`${dir}/policy.d/.hidden.yaml`, '"b": "@"\n');
    const { e } = enforcer({
      policyFile: file,
      policyDirs: [`${dir}/policy.d`, `${dir}/missing.d`],
      reloadInterval: 0,
    });
    assert.equal(await e.enforce("b", {}, { roles: ["z"] }), true); // 20 wins over 10 and the file
    assert.equal(await e.enforce("b", {}, { roles: ["y"] }), false);
    await Deno.writeTextFile(file, '"a": "role:w"\n"b": "role:x"\n');
    await Deno.utime(file, new Date(), new Date(Date.now() + 5000));
    assert.equal(await e.enforce("a", {}, { roles: ["w"] }), true);
    assert.equal(await e.enforce("b", {}, { roles: ["z"] }), true); // dirs re-applied over the new file
    await Deno.remove(`${dir}/policy.d/20-b.yaml`);
    assert.equal(await e.enforce("b", {}, { roles: ["y"] }), true); // a deleted file's rules go away
    assert.deepEqual(e.status().sources, [file, `${dir}/policy.d/10-b.yaml`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Enforcer keeps the last good rules when a reload fails", async () => {
  const dir = await Deno.makeTempDir({ prefix: "policy-test-" });
  try {
    const file = `${dir}/policy.yaml`;
    await Deno.writeTextFile(file, '"a": "@"\n');
    const { e, warnings } = enforcer({ policyFile: file, reloadInterval: 0 });
    assert.equal(await e.enforce("a", {}, {}), true);
    await Deno.writeTextFile(file, '"a": [\n');
    await Deno.utime(file, new Date(), new Date(Date.now() + 5000));
    assert.equal(await e.enforce("a", {}, {}), true);
    assert.match(warnings.join("\n"), /keeping the rules loaded before/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Enforcer with a missing policy file uses the registered defaults", async () => {
  const { e } = enforcer({ policyFile: "/nonexistent/policy.yaml", defaults: [scoped] });
  assert.equal(await e.enforce("thing:list", {}, { roles: ["reader"], system: "all" }), true);
  assert.deepEqual(e.status().missing, ["/nonexistent/policy.yaml"]);
  assert.deepEqual(e.status().warnings, []);
});

Deno.test("Enforcer calls onDecision for every decision and reports its status", async () => {
  const seen: string[] = [];
  const e = new Enforcer({
    policy: '"a": "@"\n"b": "!"\n',
    defaults: [scoped],
    onDecision: (rule, allowed) => seen.push(`${rule}=${allowed}`),
    onWarning: () => {},
  });
  await e.enforce("a", {}, {});
  await e.enforce("b", {}, {});
  await e.enforce(parseRule("role:x"), {}, { roles: ["x"] });
  assert.deepEqual(seen, ["a=true", "b=false", "role:x=true"]);
  const s = e.status();
  assert.equal(s.loaded, true);
  assert.equal(s.rules, 3);
  assert.equal(s.defaults, 1);
  assert.ok(s.loadedAt instanceof Date);
  assert.equal(s.mode, "local");
});

Deno.test("Enforcer.rules() lists names, checks, sources, scope types and deprecations", async () => {
  const { e } = enforcer({ policy: '"thing:post": "role:owner"\n', defaults: [scoped, renamed] });
  const rules = await e.rules();
  const byName = Object.fromEntries(rules.map((r) => [r.name, r]));
  assert.equal(byName["thing:post"]?.source, "file");
  assert.equal(byName["thing:post"]?.line, 1);
  assert.deepEqual(byName["thing:list"]?.scopeTypes, ["system"]);
  assert.equal(byName["thing:create"]?.check, "role:owner");
  assert.equal(byName["thing:create"]?.deprecatedRule?.name, "thing:post");
});
