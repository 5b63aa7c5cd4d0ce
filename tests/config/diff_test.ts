import assert from "node:assert/strict";
import { unifiedDiff } from "../../lib/config/diff.ts";
import { Rng } from "./_gen.ts";

Deno.test("unifiedDiff() marks a last line without a line break as diff -u does", () => {
  assert.equal(
    unifiedDiff("a\nb", "a\nc"),
    "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n",
  );
  assert.equal(
    unifiedDiff("a\nb", "a\nb\n"),
    "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
  );
});

Deno.test("unifiedDiff() is empty for equal texts and counts hunks as diff -u does", () => {
  assert.equal(unifiedDiff("a\nb\n", "a\nb\n"), "");
  assert.equal(unifiedDiff("", "x\n"), "--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n");
  assert.equal(unifiedDiff("x\n", ""), "--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n");
});

async function patchAvailable(): Promise<boolean> {
  try {
    return (await new Deno.Command("patch", { args: ["--version"], stdout: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

Deno.test({
  name: "unifiedDiff() output applies with patch(1) to give the new text",
  ignore: !(await patchAvailable()),
  fn: async () => {
    const rng = new Rng(5);
    const dir = await Deno.makeTempDir();
    try {
      for (let i = 0; i < 60; i++) {
        const a = Array.from(
          { length: rng.int(30) },
          () => rng.pick(["x", "y", "z", "[g]", "k = v", ""]),
        );
        const b = a.flatMap((l) =>
          rng.chance(0.15) ? [] : rng.chance(0.1) ? [l, rng.pick(["n", "m"])] : [l]
        );
        if (rng.chance(0.3)) b.splice(rng.int(b.length + 1), 0, "tail");
        // Some texts end without a line break (diff -u marks them; patch must rebuild them).
        const text = (ls: string[]) => {
          const t = ls.map((l) => l + "\n").join("");
          return t !== "" && rng.chance(0.3) ? t.slice(0, -1) : t;
        };
        const before = text(a);
        const after = text(b);
        await Deno.writeTextFile(`${dir}/f`, before);
        const diff = unifiedDiff(before, after, { from: "f", to: "f" });
        if (before === after) {
          assert.equal(diff, "");
          continue;
        }
        assert.ok(diff.endsWith("\n"), "every line of the diff ends with a line break");
        await Deno.writeTextFile(`${dir}/p`, diff);
        const out = await new Deno.Command("patch", {
          args: ["-s", "f", "p"],
          cwd: dir,
          stderr: "piped",
        }).output();
        assert.ok(out.success, `${new TextDecoder().decode(out.stderr)}\n${diff}`);
        assert.equal(await Deno.readTextFile(`${dir}/f`), after, diff);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
