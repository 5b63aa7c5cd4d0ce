import assert from "node:assert/strict";
import { EntryIndex } from "../../lib/config/entry_index.ts";
import { parseIniDocument } from "../../lib/config/ini.ts";
import { normalizeGroupName } from "../../lib/config/mod.ts";
import type { IniEntry } from "../../lib/config/mod.ts";
import { Rng } from "./_gen.ts";

/** The same answers from nested Maps, the obvious way. */
function reference(entries: readonly IniEntry[], headers: readonly { name: string }[]) {
  const groups = new Map<string, Map<string, IniEntry[]>>();
  for (const h of headers) {
    const g = normalizeGroupName(h.name);
    if (!groups.has(g)) groups.set(g, new Map());
  }
  for (const e of entries) {
    const keys = groups.get(normalizeGroupName(e.section)) as Map<string, IniEntry[]>;
    keys.set(e.key, [...keys.get(e.key) ?? [], e]);
  }
  return groups;
}

Deno.test("EntryIndex() answers as nested Maps do, for generated files of up to 5,000 lines", () => {
  const rng = new Rng(20240611);
  const sections = ["DEFAULT", "Default", "api", "API", "db", "ß", "x y"];
  const keys = ["a", "b", "a_b", "A", "é", "😀", "k1", "opt_0", "opt_1"];
  for (let round = 0; round < 60; round++) {
    const lines = rng.int(round % 10 === 0 ? 5000 : 60);
    let text = "";
    for (let i = 0; i < lines; i++) {
      if (i === 0 || rng.chance(0.05)) text += `[${rng.pick(sections)}]\n`;
      text += `${rng.pick(keys)}${rng.chance(0.3) ? rng.int(lines) : ""} = ${i}\n`;
    }
    if (rng.chance(0.3)) text += "[empty]\n";
    const doc = parseIniDocument(text);
    const index = new EntryIndex(doc.entries, doc.sections);
    const want = reference(doc.entries, doc.sections);
    assert.deepEqual([...index.groups()], [...want.keys()]);
    const asked = new Set([...doc.entries.map((e) => e.key), "missing", ""]);
    for (const g of [...want.keys(), "API", "nope"]) {
      for (const k of asked) {
        const all = want.get(g)?.get(k);
        assert.deepEqual(index.all(g, k), all, `${g}/${k}`);
        assert.equal(index.last(g, k), all?.[all.length - 1], `${g}/${k}`);
      }
    }
  }
});

Deno.test("EntryIndex() keeps the last assignment across repeated headers, and every one in order", () => {
  const doc = parseIniDocument("[a]\nx = 1\n[b]\nx = 2\n[A]\nx = 3\ny = 4\n");
  const index = new EntryIndex(doc.entries, doc.sections);
  assert.equal(index.last("a", "x")?.value, "3");
  assert.deepEqual(index.all("a", "x")?.map((e) => [e.value, e.line]), [["1", 2], ["3", 6]]);
  assert.equal(index.last("b", "x")?.value, "2");
  assert.equal(index.last("b", "y"), undefined);
  assert.equal(index.all("c", "x"), undefined);
});
