import assert from "node:assert/strict";
import { formatHelpText, generateSample, pyWrap, type RuleDefault } from "../../lib/policy/mod.ts";
import { genDefaults, Rng } from "./generate.ts";
import { keystoneDefaults } from "./keystone.ts";
import { oracleAvailable, runOracle } from "./oracle.ts";

const ORACLE = await oracleAvailable();

const WORDS = [
  "the",
  "policy",
  "rule",
  "well-known",
  "role-based",
  "API",
  "a",
  "of",
  "--",
  "x--y",
  "endpoint",
  "supercalifragilisticexpialidocious-and-more-hyphenated-words-that-go-on",
  "(scope)",
  "e.g.",
  "Domain",
  "admins",
  "can't",
  "list",
  "3-5",
  "co-operate",
  "--flag",
  "/v3/users/{user_id}",
]; // deno-fmt-ignore

function genDescription(r: Rng): string {
  const paragraph = () => Array.from({ length: 3 + r.int(40) }, () => r.pick(WORDS)).join(r.chance(0.9) ? " " : "\t");
  const parts = [paragraph()];
  if (r.chance(0.4)) parts.push("", paragraph());
  if (r.chance(0.2)) parts.push("", "    literal block line", "    another");
  if (r.chance(0.1)) parts.push("    literal right after a paragraph");
  return parts.join("\n");
}

Deno.test("pyWrap() wraps as Python's textwrap.wrap", () => {
  assert.deepEqual(pyWrap("", 10), []);
  assert.deepEqual(pyWrap("  leading and trailing  ", 10), ["  leading", "and", "trailing"]);
  assert.deepEqual(pyWrap("word--word em-dash", 9), ["word--", "word em-", "dash"]);
  assert.equal(formatHelpText(undefined), "#");
});

Deno.test({
  name:
    "generateSample() writes what oslopolicy-sample-generator writes for generated defaults (seed 9)",
  ignore: !ORACLE,
  fn: async () => {
    const r = new Rng(9);
    const cases = Array.from({ length: 60 }, () => {
      const defaults: RuleDefault[] = genDefaults(r, 1 + r.int(5)).map((d) => {
        const out: RuleDefault = { ...d };
        if (r.chance(0.8)) out.description = genDescription(r);
        if (r.chance(0.6)) {
          out.operations = [{ path: "/v1/things/{id}", method: r.pick(["GET", "POST"]) }];
          if (r.chance(0.3)) {
            out.operations = [...out.operations, { path: "/v1/x", method: ["HEAD", "GET"] }];
          }
          out.description ??= "Described.";
        }
        if (out.deprecatedRule && r.chance(0.3)) {
          out.deprecatedRule = { ...out.deprecatedRule, deprecatedReason: genDescription(r) };
        }
        return out;
      });
      return { defaults, exclude_deprecated: r.chance(0.2) };
    });
    const py = await runOracle<{ yaml: string; json: string }>(
      cases.map((c) => ({ op: "sample", ...c })),
    );
    for (const [i, c] of cases.entries()) {
      const opts = { excludeDeprecated: c.exclude_deprecated };
      assert.equal(generateSample({ ns: c.defaults }, opts), py[i]!.yaml, `case ${i} yaml`);
      assert.equal(
        generateSample({ ns: c.defaults }, { ...opts, format: "json" }),
        py[i]!.json,
        `case ${i} json`,
      );
    }
  },
});

Deno.test({
  name:
    "generateSample() writes Keystone's sample byte for byte as oslopolicy-sample-generator --namespace keystone",
  ignore: !ORACLE,
  fn: async () => {
    const defaults = await keystoneDefaults();
    if (!defaults) return;
    for (const extra of [[], ["--exclude-deprecated"], ["--format", "json"]]) {
      const out = await new Deno.Command("/usr/bin/python3", {
        args: ["/usr/bin/oslopolicy-sample-generator", "--namespace", "keystone", ...extra],
        stderr: "null",
      }).output();
      const want = new TextDecoder().decode(out.stdout);
      const got = generateSample({ keystone: defaults }, {
        excludeDeprecated: extra.includes("--exclude-deprecated"),
        format: extra.includes("json") ? "json" : "yaml",
      });
      assert.ok(want.length > 10000);
      assert.equal(got, want, extra.join(" "));
    }
  },
});
