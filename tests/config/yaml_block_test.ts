import assert from "node:assert/strict";
import { parse } from "yaml";
import { parseBlockYaml, UnsupportedYaml } from "../../lib/config/yaml_block.ts";
import { parseSampleData } from "../../lib/config/mod.ts";

const SAMPLE = new URL("../testdata/config/oslo_sample.yaml", import.meta.url).pathname;

async function generatorAvailable(): Promise<boolean> {
  try {
    return (await new Deno.Command("oslo-config-generator", {
      args: ["--help"],
      stdout: "null",
      stderr: "null",
    }).output()).success;
  } catch {
    return false;
  }
}

Deno.test("parseBlockYaml() reads oslo-config-generator's YAML as a general YAML parser does", async () => {
  const text = await Deno.readTextFile(SAMPLE);
  assert.deepEqual(parseBlockYaml(text), parse(text));
});

Deno.test({
  name: "parseBlockYaml() matches npm:yaml on the samples of every installed namespace",
  ignore: !(await generatorAvailable()),
  fn: async () => {
    for (
      const ns of [
        "keystone",
        "oslo.messaging",
        "keystonemiddleware.auth_token",
        "osprofiler",
        "barbican.common.config",
      ]
    ) {
      const out = await new Deno.Command("oslo-config-generator", {
        args: ["--namespace", ns, "--format", "yaml"],
        stdout: "piped",
        stderr: "null",
      }).output();
      if (!out.success) continue; // namespace not installed here
      const text = new TextDecoder().decode(out.stdout);
      assert.deepEqual(parseBlockYaml(text), parse(text), ns);
    }
  },
});

Deno.test("parseBlockYaml() folds plain, single- and double-quoted scalars as YAML does", () => {
  const text = [
    "a: plain text",
    "  continued",
    "",
    "  new paragraph",
    "b: 'it''s",
    "  folded'",
    'c: "esc\\tape\\',
    '  \\ spaced\\nline"',
    "d:",
    "- - x",
    "  - null",
    "- k: 1",
    "  j: .inf",
    "e: []",
    "f: {}",
    "h: 1.5",
  ].join("\n");
  const want = parse(text);
  assert.deepEqual(parseBlockYaml(text), want);
  // PyYAML's YAML 1.1 resolver: yes/on are booleans, Y is a string (npm:yaml differs on both).
  assert.deepEqual(parseBlockYaml("a: yes\nb: On\nc: Y\n"), { a: true, b: true, c: "Y" });
});

Deno.test("parseBlockYaml() refuses what it does not handle, and parseSampleData() falls back", async () => {
  assert.throws(() => parseBlockYaml("a: &x 1\nb: *x\n"), UnsupportedYaml);
  assert.throws(() => parseBlockYaml("a: |\n  text\n"), UnsupportedYaml);
  assert.deepEqual(await parseSampleData("a: |\n  text\n"), { a: "text\n" });
  assert.deepEqual(await parseSampleData('{"options": {}}'), { options: {} });
});
