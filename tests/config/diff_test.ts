import assert from "node:assert/strict";
import { unifiedDiff } from "../../lib/config/diff.ts";
import { Rng } from "./_gen.ts";

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
        const before = a.map((l) => l + "\n").join("");
        const after = b.map((l) => l + "\n").join("");
        await Deno.writeTextFile(`${dir}/f`, before);
        const diff = unifiedDiff(before, after, { from: "f", to: "f" });
        if (before === after) {
          assert.equal(diff, "");
          continue;
        }
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
