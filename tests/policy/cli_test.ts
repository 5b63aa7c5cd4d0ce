/**
 * The oslopolicy-* drop-ins against the originals (Debian's python3-oslo.policy
 * with python3-keystone for a real namespace): same arguments, byte-identical
 * standard output, same exit status.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { ToolIo } from "../../cli/policy_tool.ts";
import { main as checker, OPTS as checkerOpts } from "../../cli/policy_checker.ts";
import { main as validator, OPTS as validatorOpts } from "../../cli/policy_validator.ts";
import { main as sampleGenerator, OPTS as sampleOpts } from "../../cli/policy_sample_generator.ts";
import { main as convert, OPTS as convertOpts } from "../../cli/policy_convert_json_to_yaml.ts";
import {
  main as listRedundant,
  OPTS as listRedundantOpts,
} from "../../cli/policy_list_redundant.ts";
import { main as toRego } from "../../cli/policy_to_rego.ts";
import { toolHelp } from "../../cli/policy_help.ts";
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
      // --namespace as the original: the entry point of that name, loaded by /usr/bin/python3
      for (const extra of [[], ["--format", "json"]]) {
        const args = ["--namespace", "keystone", ...extra];
        const want = await original("oslopolicy-sample-generator", args, dir);
        const got = await ours(sampleGenerator, args, dir);
        assert.equal(got.rc, 0, got.err);
        assert.equal(got.out, want.out, args.join(" "));
      }
      const unknown = await ours(sampleGenerator, ["--namespace", "nova"], dir);
      assert.equal(unknown.rc, 1);
      assert.equal(unknown.err.split("\n").length, 2); // one line
      assert.match(
        unknown.err,
        /^policy-sample-generator: Namespace "nova" not found: known namespaces are oslo-edge \(built in\), and with \/usr\/bin\/python3's oslo.policy [a-z, ]*keystone.*; for another service pass --defaults-file FILE/,
      );
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
      const named = ["--namespace", "keystone", "--exclude-deprecated", ...args];
      assert.equal(
        (await ours(convert, named, dir)).out,
        (await original("oslopolicy-convert-json-to-yaml", named, dir)).out,
      );
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
      const named = await ours(listRedundant, [
        "--config-file",
        "svc.conf",
        "--namespace",
        "keystone",
      ], dir);
      assert.equal(named.out, want.out);
    }),
});

const TOOLS = [
  ["oslopolicy-checker", "policy-checker", checker, checkerOpts],
  ["oslopolicy-validator", "policy-validator", validator, validatorOpts],
  ["oslopolicy-sample-generator", "policy-sample-generator", sampleGenerator, sampleOpts],
  ["oslopolicy-convert-json-to-yaml", "policy-convert-json-to-yaml", convert, convertOpts],
  ["oslopolicy-list-redundant", "policy-list-redundant", listRedundant, listRedundantOpts],
] as const;

const flagsOf = (help: string) =>
  [...help.split("\n\n")[0]!.matchAll(/\[(-[-\w]+)/g)].map((m) => m[1]!);

Deno.test({
  name:
    "every policy tool prints the original's --help (the original's flags, plus --defaults-file) and exits 0",
  ignore: !defaults,
  fn: async () => {
    const columns = Deno.env.get("COLUMNS");
    Deno.env.set("COLUMNS", "80");
    try {
      for (const [tool, name, main, opts] of TOOLS) {
        const res = await new Deno.Command(PYTHON, {
          args: [`/usr/bin/${tool}`, "--help"],
          env: { COLUMNS: "80" },
        }).output();
        const want = new TextDecoder().decode(res.stdout);
        assert.equal(res.code, 0);
        // the same layout, byte for byte, for the same options
        const same = opts.filter((o) => o.name !== "defaults-file");
        assert.equal(toolHelp(tool, same), want, tool);
        for (const flag of ["-h", "--help"]) {
          const got = await ours(main, [flag], ".");
          assert.equal(got.rc, 0, `${name} ${flag}`);
          assert.match(got.out, new RegExp(`^usage: ${name} \\[-h\\]`));
          const extra = opts.some((o) => o.name === "defaults-file") ? ["--defaults-file"] : [];
          assert.deepEqual(flagsOf(got.out).sort(), [...flagsOf(want), ...extra].sort(), name);
        }
      }
      const rego = await ours(toRego, ["--help"], ".");
      assert.equal(rego.rc, 0);
      assert.match(rego.out, /--package PACKAGE +Rego package of the module/);
    } finally {
      if (columns === undefined) Deno.env.delete("COLUMNS");
      else Deno.env.set("COLUMNS", columns);
    }
  },
});
