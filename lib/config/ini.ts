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
import { isPyWs } from "./py.ts";

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

/**
 * Parses INI text into its section headers and assignments, in file order, each with its lines.
 *
 * One pass over the text by character: lines end at `\r\n`, `\r` or `\n` (Python's text
 * mode), and only the key and the value of each assignment become strings.
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
  // The assignment being read (continuation lines may follow): its key, value so far and line.
  let key: string | undefined;
  let value = "";
  let keyLine = 0;
  let lineno = 0;
  const n = text.length;
  let next = 0;
  while (next < n) {
    const start = next;
    let eol = start;
    let c = 0;
    while (eol < n && (c = text.charCodeAt(eol)) !== LF && c !== CR) eol++;
    next = c === CR && text.charCodeAt(eol + 1) === LF ? eol + 2 : eol + 1;
    lineno++;
    let end = eol; // the line, right-stripped as Python's rstrip() does
    while (end > start && isPyWs(text.charCodeAt(end - 1))) end--;
    if (end === start) {
      if (key !== undefined) {
        if (section === undefined) throw noSection(file, lineno);
        entries.push({ section, key, value, line: keyLine, endLine: lineno - 1 });
        key = undefined;
      }
      continue;
    }
    const first = text.charCodeAt(start);
    if (first === SPACE || first === TAB) {
      if (key === undefined) {
        throw new ConfigFileParseError(
          file,
          lineno,
          "Unexpected continuation line",
          text.slice(start, end),
        );
      }
      let from = start;
      while (from < end && isPyWs(text.charCodeAt(from))) from++;
      value += "\n" + text.slice(from, end);
      continue;
    }
    if (key !== undefined) {
      if (section === undefined) throw noSection(file, lineno);
      entries.push({ section, key, value, line: keyLine, endLine: lineno - 1 });
      key = undefined;
    }
    if (first === OPEN) {
      if (text.charCodeAt(end - 1) !== CLOSE) {
        const line = text.slice(start, end);
        throw new ConfigFileParseError(file, lineno, "Invalid section (must end with ])", line);
      }
      if (end - start <= 2) {
        throw new ConfigFileParseError(file, lineno, "Empty section name", text.slice(start, end));
      }
      section = text.slice(start + 1, end - 1);
      sections.push({ name: section, line: lineno });
    } else if (first !== HASH && first !== SEMICOLON) {
      // oslo's _split_key_value: the first ':' or '=' splits; one pair of outer quotes goes.
      let at = start;
      while (at < end && (c = text.charCodeAt(at)) !== COLON && c !== EQUAL) at++;
      if (at === end) {
        const line = text.slice(start, end);
        throw new ConfigFileParseError(file, lineno, "No ':' or '=' found in assignment", line);
      }
      let ks = start;
      let ke = at;
      while (ks < ke && isPyWs(text.charCodeAt(ks))) ks++;
      while (ke > ks && isPyWs(text.charCodeAt(ke - 1))) ke--;
      if (ks === ke) {
        throw new ConfigFileParseError(file, lineno, "Key cannot be empty", text.slice(start, end));
      }
      let vs = at + 1;
      let ve = end;
      while (vs < ve && isPyWs(text.charCodeAt(vs))) vs++;
      while (ve > vs && isPyWs(text.charCodeAt(ve - 1))) ve--;
      const q = text.charCodeAt(vs);
      if (vs < ve && (q === DQUOTE || q === SQUOTE) && text.charCodeAt(ve - 1) === q) {
        vs++; // Python's value[1:-1]: a lone quote becomes ""
        ve--;
      }
      key = text.slice(ks, ke);
      value = vs < ve ? text.slice(vs, ve) : "";
      keyLine = lineno;
    }
  }
  if (key !== undefined) {
    if (section === undefined) throw noSection(file, lineno);
    entries.push({ section, key, value, line: keyLine, endLine: lineno });
  }
  return { sections, entries };
}

const LF = 10, CR = 13, SPACE = 32, TAB = 9, OPEN = 91, CLOSE = 93, HASH = 35, SEMICOLON = 59;
const COLON = 58, EQUAL = 61, DQUOTE = 34, SQUOTE = 39;

/** oslo raises this when the assignment is flushed, naming the current line. */
function noSection(file: string, lineno: number): ConfigFileParseError {
  return new ConfigFileParseError(file, lineno, "Section must be started before assignment");
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
