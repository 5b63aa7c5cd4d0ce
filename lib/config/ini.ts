/**
 * The INI dialect oslo.config reads (oslo_config/iniparser.py): `=` or `:`
 * (whichever comes first), indented continuation lines joined with "\n",
 * repeated keys kept in order, `#`/`;` comments only at the start of a line,
 * one pair of matching outer quotes stripped, and Python's universal newlines.
 *
 * Neither @std/ini nor npm:ini parse this dialect, hence a parser of our own.
 *
 * @module
 */
import { ConfigFileParseError } from "./errors.ts";
import { pyLstrip, pyRstrip, pyStrip } from "./py.ts";

/** One assignment with the lines it spans. */
export interface IniEntry {
  /** Section name exactly as written (not normalised). */
  section: string;
  /** Key as written, stripped. */
  key: string;
  /** The value, continuation lines joined with "\n". */
  value: string;
  /** 1-based line of the `key = value` line. */
  line: number;
  /** 1-based line of its last continuation line (`line` when there is none). */
  endLine: number;
}

/** A section header with the line it is on. */
export interface IniSection {
  /** Section name exactly as written (not normalised). */
  name: string;
  /** 1-based line of the header. */
  line: number;
}

/** A parsed INI file: its section headers and its assignments, both in file order. */
export interface IniDocument {
  /** Every section header, repeated headers included. */
  sections: IniSection[];
  /** Every assignment. */
  entries: IniEntry[];
}

/** Options for {@linkcode parseIniDocument}. */
export interface ParseIniOptions {
  /** File name used in error messages; defaults to `<string>`. */
  file?: string;
}

/** Lines as Python's text-mode `readlines()` gives them: `\r\n`, `\r` and `\n` all end a line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * Parses INI text into its section headers and assignments, in file order, each with its lines.
 *
 * @example Continuation lines and repeated keys
 * ```ts
 * import { parseIniDocument } from "./ini.ts";
 * import assert from "node:assert/strict";
 *
 * const { entries } = parseIniDocument("[DEFAULT]\nhosts = a\n  b\nhosts: c\n");
 * assert.deepEqual(entries.map((e) => [e.key, e.value, e.line, e.endLine]), [
 *   ["hosts", "a\nb", 2, 3],
 *   ["hosts", "c", 4, 4],
 * ]);
 * ```
 */
export function parseIniDocument(text: string, options: ParseIniOptions = {}): IniDocument {
  const file = options.file ?? "<string>";
  const entries: IniEntry[] = [];
  const sections: IniSection[] = [];
  let section: string | undefined;
  let key: string | undefined;
  let value: string[] = [];
  let keyLine = 0;
  let lineno = 0;

  const flush = (endLine = lineno - 1) => {
    if (key === undefined) return;
    if (section === undefined) {
      // oslo raises this when the assignment is flushed, naming the current line.
      throw new ConfigFileParseError(file, lineno, "Section must be started before assignment");
    }
    entries.push({ section, key, value: value.join("\n"), line: keyLine, endLine });
    key = undefined;
    value = [];
  };

  for (const raw of splitLines(text)) {
    lineno++;
    const line = pyRstrip(raw);
    if (line === "") {
      flush();
      continue;
    }
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (key === undefined) {
        throw new ConfigFileParseError(file, lineno, "Unexpected continuation line", line);
      }
      value.push(pyLstrip(line));
      continue;
    }
    flush();
    if (line.startsWith("[")) {
      if (!line.endsWith("]")) {
        throw new ConfigFileParseError(file, lineno, "Invalid section (must end with ])", line);
      }
      if (line.length <= 2) {
        throw new ConfigFileParseError(file, lineno, "Empty section name", line);
      }
      section = line.slice(1, -1);
      sections.push({ name: section, line: lineno });
    } else if (!line.startsWith("#") && !line.startsWith(";")) {
      const [k, v] = splitKeyValue(line, file, lineno);
      if (k === "") throw new ConfigFileParseError(file, lineno, "Key cannot be empty", line);
      key = k;
      value = [v];
      keyLine = lineno;
    }
  }
  flush(lineno);
  return { sections, entries };
}

/** oslo's `_split_key_value`: the first `:` or `=` splits; one pair of outer quotes is removed. */
export function splitKeyValue(line: string, file = "<string>", lineno = 0): [string, string] {
  const colon = line.indexOf(":");
  const equal = line.indexOf("=");
  if (colon < 0 && equal < 0) {
    throw new ConfigFileParseError(file, lineno, "No ':' or '=' found in assignment", line);
  }
  const at = colon < 0 || (equal >= 0 && equal < colon) ? equal : colon;
  let value = pyStrip(line.slice(at + 1));
  const q = value[0];
  if ((q === '"' || q === "'") && value[value.length - 1] === q) {
    value = value.slice(1, -1); // Python's value[1:-1]: a lone quote becomes ""
  }
  return [pyStrip(line.slice(0, at)), value];
}

/** Sections of an INI file: section name → key → every value in file order. */
export type IniSections = Record<string, Record<string, string[]>>;

/** Sections of an INI file as Maps: section name → key → every value, all in file order. */
export type IniSectionsMap = Map<string, Map<string, string[]>>;

/**
 * {@linkcode parseIni} into Maps, which keep exact file order for every name.
 *
 * @example Integer-like names stay in file order
 * ```ts
 * import { parseIni, parseIniMap } from "./ini.ts";
 * import assert from "node:assert/strict";
 *
 * const text = "[zeta]\n[10]\nb = 1\na = 2\n[2]\n";
 * assert.deepEqual([...parseIniMap(text).keys()], ["zeta", "10", "2"]);
 * assert.deepEqual(Object.keys(parseIni(text)), ["2", "10", "zeta"]); // JavaScript's object order
 * ```
 */
export function parseIniMap(text: string, options: ParseIniOptions = {}): IniSectionsMap {
  const doc = parseIniDocument(text, options);
  const sections: IniSectionsMap = new Map();
  for (const { name } of doc.sections) if (!sections.has(name)) sections.set(name, new Map());
  for (const entry of doc.entries) {
    const keys = sections.get(entry.section) as Map<string, string[]>;
    const values = keys.get(entry.key);
    if (values) values.push(entry.value);
    else keys.set(entry.key, [entry.value]);
  }
  return sections;
}

/**
 * Parses INI text the way oslo.config does, into
 * `{ [section]: { [key]: string[] } }`. Section names are kept as written; a
 * syntax error throws {@linkcode ConfigFileParseError} with its line.
 *
 * Sections and keys come in file order, except names that look like array
 * indices (`[10]`, `2 = x`): JavaScript lists those first, in numeric order,
 * in every object. Use {@linkcode parseIniMap} (Maps) or `parseIniDocument`
 * where exact file order matters.
 *
 * @example Parse a small file
 * ```ts
 * import { parseIni } from "./ini.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseIni("[DEFAULT]\ndebug = True\n"), { DEFAULT: { debug: ["True"] } });
 * ```
 *
 * @example A syntax error names its line
 * ```ts
 * import { ConfigFileParseError, parseIni } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => parseIni("[DEFAULT]\nno separator here\n"), (e) =>
 *   e instanceof ConfigFileParseError && e.line === 2);
 * ```
 */
export function parseIni(text: string, options: ParseIniOptions = {}): IniSections {
  const doc = parseIniDocument(text, options);
  const sections: IniSections = {};
  // Sections with no assignments still exist, as in oslo.config.
  for (const { name } of doc.sections) {
    if (!Object.hasOwn(sections, name)) define(sections, name, {});
  }
  for (const entry of doc.entries) {
    const keys = sections[entry.section] as Record<string, string[]>;
    if (!Object.hasOwn(keys, entry.key)) define(keys, entry.key, []);
    (keys[entry.key] as string[]).push(entry.value);
  }
  return sections;
}

function define<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
