import assert from "node:assert/strict";
import {
  ConfigOpts,
  loadSchema,
  migrateConfigText,
  optGroup,
  type Schema,
  strOpt,
  validateConfigText,
} from "../../lib/config/mod.ts";
import { Rng } from "./_gen.ts";

const SAMPLE = new URL("../testdata/config/oslo_sample.yaml", import.meta.url).pathname;
const schema = await loadSchema(await Deno.readTextFile(SAMPLE));

const RENAMED = [optGroup("grp", [
  strOpt("new_name", { deprecatedName: "old_name" }),
  strOpt("moved", { deprecatedName: "old_moved", deprecatedGroup: "DEFAULT" }),
  strOpt("gone", { deprecatedForRemoval: true, deprecatedSince: "Zed" }),
])];

Deno.test("migrateConfigText() renames in place, keeping the separator and spacing", () => {
  const { text, changes } = migrateConfigText("[grp]\nold_name  :  value\n", RENAMED);
  assert.equal(text, "[grp]\nnew_name  :  value\n");
  assert.deepEqual(changes, [{
    action: "renamed",
    from: { group: "grp", option: "old_name", line: 2 },
    to: { group: "grp", option: "new_name" },
  }]);
});

Deno.test("migrateConfigText() moves to the end of the target section, with continuation lines, keeping CRLF", () => {
  const before =
    "[DEFAULT]\r\n# about it\r\nold_moved = a\r\n  b\r\nkeep = 1\r\n\r\n[grp]\r\nnew_name = x\r\n\r\n# tail\r\n";
  const { text } = migrateConfigText(before, RENAMED);
  assert.equal(
    text,
    "[DEFAULT]\r\n# about it\r\nkeep = 1\r\n\r\n[grp]\r\nnew_name = x\r\nmoved = a\r\n  b\r\n\r\n# tail\r\n",
  );
});

Deno.test("migrateConfigText() leaves a conflict for the operator and drops an old name holding the same value", () => {
  const conflict = migrateConfigText("[grp]\nold_name = a\nnew_name = b\n", RENAMED);
  assert.equal(conflict.text, "[grp]\nold_name = a\nnew_name = b\n");
  assert.equal(conflict.warnings[0]?.kind, "conflict");
  assert.match(conflict.warnings[0]?.message ?? "", /line 2.*line 3/);
  const same = migrateConfigText("[grp]\nold_name = a\nnew_name = a\n", RENAMED);
  assert.equal(same.text, "[grp]\nnew_name = a\n");
  assert.equal(same.changes[0]?.action, "removed");
});

Deno.test("migrateConfigText() warns about merges and removals without rewriting or showing values", () => {
  const before =
    "[oslo_messaging_rabbit]\nrabbit_host = mq\nrabbit_password = hunter2\n[grp]\ngone = 1\n";
  const { text, warnings, changes } = migrateConfigText(before, RENAMED);
  assert.equal(text, before);
  assert.deepEqual(changes, []);
  assert.deepEqual(warnings.map((w) => `${w.kind}:${w.option}:${w.line}`), [
    "merge:rabbit_host:2",
    "merge:rabbit_password:3",
    "removal:gone:5",
  ]);
  assert.match(warnings[0]?.message ?? "", /transport_url = rabbit:\/\/USER:PASSWORD@HOST/);
  assert.doesNotMatch(JSON.stringify(warnings), /hunter2/);
});

Deno.test("migrateConfigText() adds a missing target section at the end", () => {
  const { text } = migrateConfigText("[DEFAULT]\npolicy_file = p.json\ndebug = true", schema);
  assert.equal(text, "[DEFAULT]\ndebug = true\n\n[oslo_policy]\npolicy_file = p.json\n");
});

/** A config using deprecated names of the oslo sample, and some current ones. */
function genOld(rng: Rng, s: Schema): string {
  let text = "";
  const depGroups = [...s.deprecated.keys()];
  for (let i = 0; i < 1 + rng.int(3); i++) {
    const g = rng.pick(depGroups);
    text += `[${g}]\n`;
    const deps = s.deprecated.get(g)!;
    const used = new Set<string>();
    for (let j = 0; j < 1 + rng.int(4); j++) {
      const d = rng.pick(deps);
      if (used.has(d.name)) continue;
      used.add(d.name);
      const opt = s.groups.get(d.replacementGroup)?.opts.find((o) => o.name === d.replacementName);
      const n = 1 + rng.int(50);
      const candidates = [`v${n}`, String(n), "true", `${n}.5`, "a,b"].sort(() => rng.next() - 0.5);
      const value = candidates.find((c) => {
        try {
          opt?.type.convert(c);
          return true;
        } catch {
          return false;
        }
      }) ?? String(opt?.default ?? "");
      text += `${rng.chance(0.2) ? "# note\n" : ""}${d.name} = ${value}\n`;
    }
    if (rng.chance(0.3)) text += "\n";
  }
  return text;
}

Deno.test("migrateConfigText() keeps every value oslo.config reads, under the new names, on generated configs", () => {
  const rng = new Rng(2718);
  const fresh = () => {
    const conf = new ConfigOpts({ drivers: [], logger: { info() {}, warn() {}, error() {} } });
    for (const g of schema.groups.values()) {
      for (const opt of g.opts) {
        try {
          conf.registerOpt({ ...opt, required: false }, g.name);
        } catch { /* duplicate across namespaces */ }
      }
    }
    return conf;
  };
  let moved = 0;
  for (let i = 0; i < 150; i++) {
    const before = genOld(rng, schema);
    const result = migrateConfigText(before, schema);
    const where = `${before}\n---\n${result.text}\n${JSON.stringify(result.warnings)}`;
    if (result.warnings.some((w) => w.kind === "conflict")) continue;
    moved += result.changes.length;
    const a = fresh().loadTexts([{ name: "old.conf", text: before }]).redactedValues();
    const b = fresh().loadTexts([{ name: "new.conf", text: result.text }]).redactedValues();
    assert.deepEqual(b, a, where);
    const findings = validateConfigText(result.text, schema);
    // The sample lists a few options as deprecated names of themselves: nothing to move.
    assert.ok(
      !findings.some((f) =>
        f.kind === "deprecated-option" && !/nothing to change/.test(f.hint ?? "")
      ),
      where,
    );
    assert.equal(migrateConfigText(result.text, schema).changes.length, 0, where);
  }
  assert.ok(moved > 100, `moved ${moved}`);
});

Deno.test("deno task config-migrate prints a diff with --dry-run and rewrites atomically with --in-place", async () => {
  const { main } = await import("../../cli/config_migrate.ts");
  const dir = await Deno.makeTempDir();
  try {
    const input = `${dir}/svc.conf`;
    const before = "[DEFAULT]\n# policy\npolicy_file = p.json\ndebug = true\n";
    await Deno.writeTextFile(input, before, { mode: 0o640 });
    let out = "";
    const err: string[] = [];
    const io = { out: (t: string) => out += t, err: (t: string) => err.push(t) };
    assert.equal(await main(["--opt-data", SAMPLE, "--input-file", input, "--dry-run"], io), 0);
    assert.equal(
      out,
      `--- ${input}\n+++ ${input} (migrated)\n@@ -1,4 +1,6 @@\n [DEFAULT]\n # policy\n-policy_file = p.json\n debug = true\n+\n+[oslo_policy]\n+policy_file = p.json\n`,
    );
    assert.equal(await Deno.readTextFile(input), before, "--dry-run writes nothing");
    assert.deepEqual(err, [
      `config-migrate: ${input}:3: moved [DEFAULT] policy_file -> [oslo_policy] policy_file`,
    ]);
    assert.equal(await main(["--opt-data", SAMPLE, "--input-file", input, "--in-place"], io), 0);
    assert.equal(
      await Deno.readTextFile(input),
      "[DEFAULT]\n# policy\ndebug = true\n\n[oslo_policy]\npolicy_file = p.json\n",
    );
    assert.equal((await Deno.stat(input)).mode! & 0o777, 0o640);
    await Deno.writeTextFile(input, "[DEFAULT]\nrabbit_host = mq\n");
    assert.equal(
      await main(["--opt-data", SAMPLE, "--input-file", input, "--fatal-warnings"], io),
      1,
    );
    assert.equal(await main(["--input-file", input, "--bogus"], io), 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task config-migrate --in-place writes through a symlink, and --dry-run ends every line", async () => {
  const { main } = await import("../../cli/config_migrate.ts");
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/..data`);
    const target = `${dir}/..data/svc.conf`;
    const link = `${dir}/svc.conf`;
    await Deno.writeTextFile(target, "[DEFAULT]\nlogfile = /var/log/svc.log", { mode: 0o600 });
    await Deno.symlink("..data/svc.conf", link);
    let out = "";
    const io = { out: (t: string) => out += t, err: () => {} };
    assert.equal(await main(["--opt-data", SAMPLE, "--input-file", link, "--dry-run"], io), 0);
    assert.equal(
      out,
      `--- ${link}\n+++ ${link} (migrated)\n@@ -1,2 +1,2 @@\n [DEFAULT]\n-logfile = /var/log/svc.log\n\\ No newline at end of file\n+log_file = /var/log/svc.log\n\\ No newline at end of file\n`,
    );
    assert.equal(await main(["--opt-data", SAMPLE, "--input-file", link, "--in-place"], io), 0);
    assert.ok((await Deno.lstat(link)).isSymlink, "the link stays a link");
    assert.equal(await Deno.readLink(link), "..data/svc.conf");
    assert.equal(await Deno.readTextFile(target), "[DEFAULT]\nlog_file = /var/log/svc.log");
    assert.equal((await Deno.stat(target)).mode! & 0o777, 0o600);
    assert.deepEqual(
      [...Deno.readDirSync(`${dir}/..data`)].map((e) => e.name),
      ["svc.conf"],
      "no temporary file left",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
