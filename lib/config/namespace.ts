/**
 * What the files and the command line say, before any conversion: oslo.config's
 * `_Namespace`. Files are kept in the order they were read; lookups go newest
 * first, as oslo.config's do. Section names are normalised (lower case except
 * exactly `DEFAULT`); keys are matched exactly, as oslo.config matches `dest`.
 *
 * @module
 */
import { type IniEntry, type IniSection, parseIniDocument } from "./ini.ts";
import { EntryIndex } from "./entry_index.ts";
import { normalizeGroupName } from "./group_name.ts";
import type { Location } from "./location.ts";

export { normalizeGroupName };

/** A config file's text, read or given in memory. */
export interface ConfigText {
  /** Path or name used in locations and errors. */
  name: string;
  /** The INI text. */
  text: string;
}

/** One parsed file, its entries indexed by normalised section and key. */
export interface ParsedFile {
  /** Path or name. */
  name: string;
  /** The entries by section and key: the last assignment, and every one in file order. */
  index: EntryIndex;
  /** The raw entries (for validators and migration). */
  entries: IniEntry[];
  /** The section headers, as written, with their lines. */
  headers: IniSection[];
}

/** Where an entry of a file is (`kind: "user"`, the file and the line). */
export function fileLocation(file: string, line: number): Location {
  return { kind: "user", detail: file, line };
}

/** Parses a file's text into its lookup table; throws `ConfigFileParseError`. */
export function parseConfigText(file: ConfigText): ParsedFile {
  const doc = parseIniDocument(file.text, { file: file.name });
  const index = new EntryIndex(doc.entries, doc.sections);
  return { name: file.name, index, entries: doc.entries, headers: doc.sections };
}

/** Every assignment of `group/key` in a file, in file order. */
export function fileEntries(file: ParsedFile, group: string, key: string): IniEntry[] | undefined {
  return file.index.all(group, key);
}

/** A (group, name) pair to look up; the first is the option's own, the rest deprecated aliases. */
export interface LookupName {
  /** Normalised group. */
  group: string;
  /** Key as written in files (the option's `dest`). */
  name: string;
}

/** A value found in files, with where the newest occurrence is. */
export interface FileHit {
  /** Every value (multi-valued options) or the one that wins. */
  values: string[];
  /** Where the winning (newest) value is. */
  location: Location;
}

/**
 * oslo's `_get_file_value`: files newest first, names in order inside each
 * file. A single-valued option takes the last value of the first hit; a
 * multi-valued one collects every hit, oldest first.
 *
 * @example A deprecated name in a later file beats the new name in an earlier one
 * ```ts
 * import { lookupFiles, parseConfigText } from "./namespace.ts";
 * import assert from "node:assert/strict";
 *
 * const files = [
 *   parseConfigText({ name: "1.conf", text: "[DEFAULT]\nnew = a\n" }),
 *   parseConfigText({ name: "2.conf", text: "[DEFAULT]\nold = b\n" }),
 * ];
 * const names = [{ group: "DEFAULT", name: "new" }, { group: "DEFAULT", name: "old" }];
 * assert.deepEqual(lookupFiles(files, names, false)?.values, ["b"]);
 * ```
 */
export function lookupFiles(
  files: readonly ParsedFile[],
  names: readonly LookupName[],
  multi: boolean,
): FileHit | undefined {
  let values: string[] | undefined;
  let location: Location | undefined;
  for (let i = files.length - 1; i >= 0; i--) {
    const file = files[i] as ParsedFile;
    for (const n of names) {
      const list = fileEntries(file, n.group, n.name);
      if (!list) continue;
      if (!multi || !location) {
        const last = list[list.length - 1] as IniEntry;
        location = fileLocation(file.name, last.line);
        if (!multi) return { values: [last.value], location };
      }
      values = values ? [...list.map((v) => v.value), ...values] : list.map((v) => v.value);
    }
  }
  return location && values ? { values, location } : undefined;
}

/**
 * The single-valued fast path of {@linkcode lookupFiles} in one file: the
 * winning entry of `group/name`, else of the first alias the file has.
 */
export function lookupEntry(
  file: ParsedFile,
  group: string,
  name: string,
  aliases: readonly LookupName[],
): IniEntry | undefined {
  const hit = file.index.last(group, name);
  if (hit) return hit;
  for (let j = 0; j < aliases.length; j++) {
    const n = aliases[j] as LookupName;
    const alias = file.index.last(n.group, n.name);
    if (alias) return alias;
  }
  return undefined;
}

/** Every section name the files hold, normalised. */
export function fileSections(files: readonly ParsedFile[]): Set<string> {
  const out = new Set<string>();
  for (const f of files) for (const s of f.index.groups()) out.add(s);
  return out;
}
