import assert from "node:assert/strict";
import {
  boolOpt,
  formatSampleIni,
  intOpt,
  loadSchema,
  optGroup,
  parseSampleData,
  sampleData,
  strOpt,
  toYaml,
  validateConfigText,
} from "../../lib/config/mod.ts";
import { main as generator } from "../../cli/config_generator.ts";
import { oracleAvailable, PYTHON } from "./_oracle.ts";

const GROUPS = [
  optGroup("DEFAULT", [boolOpt("debug", { default: false, mutable: true, help: "Log more." })]),
  optGroup("database", [
    strOpt("connection", { secret: true, default: "sqlite://", help: "Where the data is." }),
    intOpt("pool", { default: 5, min: 1, max: 50, advanced: true, deprecatedName: "pool_size" }),
    strOpt("mode", {
      choices: [["fast", "Quick."], ["safe", null]],
      default: "safe",
      deprecatedForRemoval: true,
      deprecatedSince: "Zed",
      deprecatedReason: "Unused.",
    }),
  ], { help: "Database access." }),
];

Deno.test("formatSampleIni() writes oslo-config-generator's INI sample, secrets hidden", () => {
  const text = formatSampleIni(GROUPS);
  assert.equal(
    text,
    [
      "[DEFAULT]",
      "",
      "#",
      "# From oslo-edge",
      "#",
      "",
      "# Log more. (boolean value)",
      "# Note: This option can be changed without restarting.",
      "#debug = false",
      "",
      "",
      "[database]",
      "# Database access.",
      "",
      "#",
      "# From oslo-edge",
      "#",
      "",
      "# Where the data is. (string value)",
      "#connection = <secret>",
      "",
      "# (string value)",
      "# Possible values:",
      "# fast - Quick.",
      "# safe - <No description provided>",
      "# This option is deprecated for removal since Zed.",
      "# Its value may be silently ignored in the future.",
      "# Reason: Unused.",
      "#mode = safe",
      "",
      "# (integer value)",
      "# Minimum value: 1",
      "# Maximum value: 50",
      "# Deprecated group/name - [database]/pool_size",
      "# Advanced Option: intended for advanced users and not used",
      "# by the majority of users, and might have a significant",
      "# effect on stability and/or performance.",
      "#pool = 5",
      "",
    ].join("\n"),
  );
  assert.doesNotMatch(text, /sqlite/);
});

Deno.test("sampleData() has the fields oslo-config-generator writes for each option", async () => {
  const oslo = await parseSampleData(
    await Deno.readTextFile(new URL("../testdata/config/oslo_sample.yaml", import.meta.url)),
  ) as { options: Record<string, { opts: Record<string, unknown>[] }> };
  const theirs = Object.keys(oslo.options.oslo_policy!.opts[0]!).sort();
  const ours = sampleData(GROUPS) as {
    options: Record<string, { opts: Record<string, unknown>[] }>;
  };
  assert.deepEqual(Object.keys(ours.options.database!.opts[0]!).sort(), theirs);
  assert.equal(ours.options.database!.opts[0]!.default, null, "a secret default is not written");
});

Deno.test("toYaml() output reads back through loadSchema() to the same options", async () => {
  const schema = await loadSchema(toYaml(sampleData(GROUPS)));
  assert.deepEqual(schema.deprecated.get("database"), [{
    name: "pool_size",
    replacementName: "pool",
    replacementGroup: "database",
  }]);
  const f = validateConfigText("[database]\npool_size = 3\npool = 99\nmode = slow\n", schema);
  assert.deepEqual(f.map((x) => `${x.kind}@${x.line}`), [
    "deprecated-option@2",
    "invalid-value@3",
    "deprecated-for-removal@4",
    "invalid-value@4",
  ]);
});

Deno.test({
  name: "deno task config-generator --format yaml is read by the real oslo-config-validator",
  ignore: !(await oracleAvailable()),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const yaml = `${dir}/oslo-edge.yaml`;
      assert.equal(
        await generator(["--format", "yaml", "--output-file", yaml], { out() {}, err() {} }),
        0,
      );
      const input = `${dir}/edge.conf`;
      await Deno.writeTextFile(
        input,
        "[DEFAULT]\ndevug = true\nosapi_max_request_body_size = 1\n",
      );
      // PyYAML reads it,
      const loaded = await new Deno.Command(PYTHON, {
        args: [
          "-c",
          "import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); print(sorted(d['options']))",
          yaml,
        ],
        stdout: "piped",
      }).output();
      assert.match(new TextDecoder().decode(loaded.stdout), /'DEFAULT'.*'auth'.*'oslo_middleware'/);
      // and oslo-config-validator reports from it what ours reports.
      const oslo = await new Deno.Command("oslo-config-validator", {
        args: ["--opt-data", yaml, "--input-file", input],
        stderr: "piped",
      }).output();
      assert.equal(oslo.code, 1);
      const lines = new TextDecoder().decode(oslo.stderr).trim().split("\n");
      assert.deepEqual(
        lines,
        [
          "ERROR:root:DEFAULT/devug is not part of the sample config",
          "WARNING:root:Deprecated opt DEFAULT/osapi_max_request_body_size found",
        ].sort((a, b) => lines.indexOf(a) - lines.indexOf(b)),
      );
      const ours = validateConfigText(
        await Deno.readTextFile(input),
        await loadSchema(await Deno.readTextFile(yaml)),
      );
      for (const l of lines) assert.ok(ours.some((f) => f.log === l), l);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
