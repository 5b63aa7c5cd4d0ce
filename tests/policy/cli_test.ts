/**
 * The oslopolicy-* drop-ins against the originals (Debian's python3-oslo.policy
 * with python3-keystone for a real namespace): same arguments, byte-identical
 * standard output, same exit status.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { ToolIo } from "../../cli/policy_tool.ts";
import { main as checker } from "../../cli/policy_checker.ts";
import { main as validator } from "../../cli/policy_validator.ts";
import { main as sampleGenerator } from "../../cli/policy_sample_generator.ts";
import { main as convert } from "../../cli/policy_convert_json_to_yaml.ts";
import { main as listRedundant } from "../../cli/policy_list_redundant.ts";
import type { RuleDefault } from "../../lib/policy/mod.ts";
import { genRule, genTarget, policyYaml, Rng } from "./generate.ts";
import { keystoneDefaults } from "./keystone.ts";
import { oracleAvailable, PYTHON } from "./oracle.ts";

const defaults = (await oracleAvailable()) ? await keystoneDefaults() : null;
const DEFAULTS_JSON = fileURLToPath(
  new URL("../testdata/policy/keystone_defaults.json", import.meta.url),
);

async function original(
  tool: string,
  args: string[],
  cwd: string,
): Promise<{ out: string; rc: number }> {
  const res = await new Deno.Command(PYTHON, {
    args: [`/usr/bin/${tool}`, ...args],
    cwd,
    stderr: "piped",
  })
    .output();
  return { out: new TextDecoder().decode(res.stdout), rc: res.code };
}

async function ours(
  main: (args: readonly string[], io: ToolIo) => Promise<number>,
  args: string[],
  cwd: string,
): Promise<{ out: string; err: string; rc: number }> {
  let out = "", err = "";
  const here = Deno.cwd();
  Deno.chdir(cwd);
  try {
    const rc = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    return { out, err, rc };
  } finally {
    Deno.chdir(here);
  }
}

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "policy-cli-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function token(roles: string[], scope: "system" | "project" | "domain", user = "u1"): unknown {
  return {
    token: {
      roles: roles.map((name) => ({ id: `id-${name}`, name })),
      user: { id: user, name: "someone", domain: { id: "d1" } },
      ...(scope === "project" ? { project: { id: "p1", domain: { id: "d1" } } } : {}),
      ...(scope === "system" ? { system: { all: true } } : {}),
      ...(scope === "domain" ? { domain: { id: "d1" } } : {}),
    },
  };
}

Deno.test({
  name: "policy-checker prints the same passed/failed lines as oslopolicy-checker",
  ignore: !defaults,
  fn: () =>
    inTempDir(async (dir) => {
      const r = new Rng(10);
      const rules: Record<string, unknown> = Object.fromEntries(
        defaults!.map((d) => [d.name, d.checkStr]),
      );
      for (let i = 0; i < 60; i++) {
        rules[`gen:r${i}`] = genRule(r, ["admin_required", "owner", "gen:r0"]).replace(
          /1\.2\.3:x|2020-01-01:%\(missing\)s/g,
          "@",
        );
      }
      rules["gen:legacy"] = [["role:admin", "system_scope:all"], ["role:reader"]];
      rules["gen:word"] = "'word'";
      rules["gen:pct"] = "role:100%";
      await Deno.writeTextFile(`${dir}/policy.yaml`, policyYaml(rules));
      const tokens = [
        token(["admin", "member", "reader"], "system"),
        token(["reader"], "system"),
        token(["admin", "member", "reader"], "domain"),
        token(["member", "reader"], "project"),
        token(["reader"], "project", "u2"),
      ];
      let runs = 0;
      for (const [i, t] of tokens.entries()) {
        await Deno.writeTextFile(`${dir}/access${i}.json`, JSON.stringify(t));
        const target = {
          target: { user: { id: "u1", domain_id: "d1" }, project: { id: "p1" } },
          ...genTarget(r),
        };
        await Deno.writeTextFile(`${dir}/target${i}.json`, JSON.stringify(target));
        for (
          const extra of [[], ["--target", `target${i}.json`], ["--is_admin"], [
            "--rule",
            "identity:get_user",
          ]]
        ) {
          const args = ["--policy", "policy.yaml", "--access", `access${i}.json`, ...extra];
          const want = await original("oslopolicy-checker", args, dir);
          const got = await ours(checker, args, dir);
          assert.equal(got.out, want.out, `token ${i} ${extra.join(" ")}`);
          assert.equal(got.rc, want.rc);
          runs++;
        }
      }
      assert.equal(runs, 20);
    }),
});

Deno.test({
  name: "policy-validator prints what oslopolicy-validator prints, with file and line on stderr",
  ignore: !defaults,
  fn: () =>
    inTempDir(async (dir) => {
      const cases: Record<string, string> = {
        clean: '"identity:get_user": "role:admin"\n',
        bad: '"identity:get_user": "role:admin or"\n"identity:list_users": "rule:nope"\n' +
          '"foo:bar": "@"\n"a": "rule:b"\n"b": "rule:a"\n"identity:get_region": "\'word\'"\n',
        cycle_only:
          '"identity:get_user": "rule:identity:list_users"\n"identity:list_users": "rule:identity:get_user"\n',
        not_blind: '"identity:get_user": "not rule:nope"\n',
      };
      for (const [name, text] of Object.entries(cases)) {
        await Deno.writeTextFile(`${dir}/${name}.yaml`, text);
        await Deno.writeTextFile(
          `${dir}/${name}.conf`,
          `[oslo_policy]\npolicy_file = ${name}.yaml\n`,
        );
        const want = await original("oslopolicy-validator", [
          "--config-file",
          `${name}.conf`,
          "--namespace",
          "keystone",
        ], dir);
        const got = await ours(validator, [
          "--config-file",
          `${name}.conf`,
          "--defaults-file",
          DEFAULTS_JSON,
        ], dir);
        assert.equal(got.out, want.out, name);
        assert.equal(got.rc, want.rc, name);
        if (name === "bad") {
          assert.match(
            got.err,
            /bad\.yaml:1: rule "identity:get_user" cannot be parsed: role:admin or/,
          );
          assert.match(
            got.err,
            /bad\.yaml:2: rule "identity:list_users" references undefined rule:nope/,
          );
          assert.match(got.err, /bad\.yaml:4: rule "a" is in a cycle: a → b → a/);
          assert.match(got.err, /bad\.yaml:6: rule "identity:get_region" is a bare word/);
        }
      }
      await Deno.writeTextFile(
        `${dir}/missing.conf`,
        "[oslo_policy]\npolicy_file = nowhere.yaml\n",
      );
      const want = await original("oslopolicy-validator", [
        "--config-file",
        "missing.conf",
        "--namespace",
        "keystone",
      ], dir);
      const got = await ours(validator, [
        "--config-file",
        "missing.conf",
        "--defaults-file",
        DEFAULTS_JSON,
      ], dir);
      assert.deepEqual([got.out, got.rc], [want.out, want.rc]);
    }),
});

Deno.test({
  name: "policy-sample-generator writes oslopolicy-sample-generator's output byte for byte",
  ignore: !defaults,
  fn: () =>
    inTempDir(async (dir) => {
      for (const extra of [[], ["--exclude-deprecated"], ["--format", "json"]]) {
        const want = await original("oslopolicy-sample-generator", [
          "--namespace",
          "keystone",
          ...extra,
        ], dir);
        const got = await ours(sampleGenerator, ["--defaults-file", DEFAULTS_JSON, ...extra], dir);
        assert.equal(got.out, want.out, extra.join(" "));
      }
      await ours(
        sampleGenerator,
        ["--defaults-file", DEFAULTS_JSON, "--output-file", "out.yaml"],
        dir,
      );
      const want = await original("oslopolicy-sample-generator", ["--namespace", "keystone"], dir);
      assert.equal(await Deno.readTextFile(`${dir}/out.yaml`), want.out);
      const unknown = await ours(sampleGenerator, ["--namespace", "nova"], dir);
      assert.equal(unknown.rc, 1);
      assert.match(unknown.err, /Namespace "nova" not found.*--defaults-file/);
    }),
});

Deno.test({
  name: "policy-convert-json-to-yaml converts as oslopolicy-convert-json-to-yaml does",
  ignore: !defaults,
  fn: () =>
    inTempDir(async (dir) => {
      const d = (name: string) => defaults!.find((x) => x.name === name) as RuleDefault;
      const json = {
        "identity:get_user": d("identity:get_user").checkStr,
        "identity:list_users": "role:admin",
        "admin_required": "role:admin or is_admin:1",
        "identity:list_projects":
          "(role:reader and system_scope:all) or  (role:reader and domain_id:%(target.domain_id)s)",
        "identity:get_domain": d("identity:get_domain").checkStr.replace(/ or /g, "   or "),
        "some:old_rule": "rule:admin_required",
        "extra:list": ["role:a", "role:b"],
      };
      await Deno.writeTextFile(`${dir}/policy.json`, JSON.stringify(json, null, 2));
      const args = ["--policy-file", "policy.json"];
      const want = await original("oslopolicy-convert-json-to-yaml", [
        "--namespace",
        "keystone",
        ...args,
      ], dir);
      const got = await ours(convert, ["--defaults-file", DEFAULTS_JSON, ...args], dir);
      assert.ok(want.out.includes("WARNING: Below rules"));
      assert.equal(got.out, want.out);
    }),
});

Deno.test({
  name: "policy-list-redundant lists what oslopolicy-list-redundant lists",
  ignore: !defaults,
  fn: () =>
    inTempDir(async (dir) => {
      const pick = defaults!.filter((_, i) => i % 7 === 0);
      const rules: Record<string, string> = {};
      for (const [i, d] of pick.entries()) {
        rules[d.name] = i % 3 === 0
          ? `role:changed${i}`
          : i % 3 === 1
          ? d.checkStr
          : `(${d.checkStr})`;
      }
      rules["not:registered"] = "@";
      await Deno.writeTextFile(`${dir}/policy.yaml`, policyYaml(rules));
      await Deno.mkdir(`${dir}/policy.d`);
      await Deno.writeTextFile(
        `${dir}/policy.d/10.yaml`,
        policyYaml({ [defaults![1]!.name]: defaults![1]!.checkStr }),
      );
      await Deno.writeTextFile(
        `${dir}/svc.conf`,
        `[oslo_policy]\npolicy_file = policy.yaml\npolicy_dirs = ${dir}/policy.d\n`,
      );
      const want = await original("oslopolicy-list-redundant", [
        "--config-file",
        "svc.conf",
        "--namespace",
        "keystone",
      ], dir);
      const got = await ours(listRedundant, [
        "--config-file",
        "svc.conf",
        "--defaults-file",
        DEFAULTS_JSON,
      ], dir);
      assert.ok(want.out.split("\n").length > 10);
      assert.equal(got.out, want.out);
    }),
});
