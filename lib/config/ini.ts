/**
 * The INI dialect oslo.config reads (oslo_config/iniparser.py): `=` or `:`,
 * indented continuation lines joined with "\n", repeated keys kept in order,
 * `#`/`;` comments at the start of a line, one pair of outer quotes stripped.
 *
 * Neither @std/ini nor npm:ini parse this dialect (continuations, repeated keys,
 * line numbers in errors), hence a parser of our own.
 *
 * @module
 */
import { ConfigFileParseError } from "./errors.ts";

/** One assignment with the line it starts on. */
export interface IniEntry {
  /** Section name exactly as written (not normalised). */
  section: string;
  /** Key as written, stripped. */
  key: string;
  /** The value, continuation lines joined with "\n". */
  value: string;
  /** 1-based line of the `key = value` line. */
  line: number;
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

// Python's str.rstrip()/lstrip() with no argument strip every Unicode whitespace,
// which includes the separators \x1c-\x1f that JavaScript's \s leaves out.
// deno-lint-ignore no-control-regex
const TRAILING_WS = /[\s\x1c-\x1f\x85]+$/u;
// deno-lint-ignore no-control-regex
const LEADING_WS = /^[\s\x1c-\x1f\x85]+/u;
// deno-lint-ignore no-control-regex
const PY_WS = /^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/gu;

/** Python's `str.splitlines(keepends=False)` boundaries, as `readlines()` sees them: "\n" only. */
function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * Parses INI text into its section headers and assignments, in file order, each with its line.
 *
 * @example Continuation lines and repeated keys
 * ```ts
 * import { parseIniDocument } from "./ini.ts";
 * import assert from "node:assert/strict";
 *
 * const { entries } = parseIniDocument("[DEFAULT]\nhosts = a\n  b\nhosts: c\n");
 * assert.deepEqual(entries.map((e) => [e.key, e.value, e.line]), [
 *   ["hosts", "a\nb", 2],
 *   ["hosts", "c", 4],
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

  const flush = () => {
    if (key === undefined) return;
    if (section === undefined) {
      throw new ConfigFileParseError(file, lineno, "section must be started before assignment");
    }
    entries.push({ section, key, value: value.join("\n"), line: keyLine });
    key = undefined;
    value = [];
  };

  for (const raw of splitLines(text)) {
    lineno++;
    const line = raw.replace(TRAILING_WS, "");
    if (line === "") {
      flush();
      continue;
    }
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (key === undefined) {
        throw new ConfigFileParseError(file, lineno, "unexpected continuation line", line);
      }
      value.push(line.replace(LEADING_WS, ""));
      continue;
    }
    flush();
    if (line.startsWith("[")) {
      if (!line.endsWith("]")) {
        throw new ConfigFileParseError(file, lineno, "invalid section (must end with ])", line);
      }
      if (line.length <= 2) {
        throw new ConfigFileParseError(file, lineno, "empty section name", line);
      }
      section = line.slice(1, -1);
      sections.push({ name: section, line: lineno });
    } else if (line.startsWith("#") || line.startsWith(";")) {
      continue;
    } else {
      const [k, v] = splitKeyValue(line, file, lineno);
      if (k === "") throw new ConfigFileParseError(file, lineno, "key cannot be empty", line);
      key = k;
      value = [v];
      keyLine = lineno;
    }
  }
  flush();
  return { sections, entries };
}

function splitKeyValue(line: string, file: string, lineno: number): [string, string] {
  const colon = line.indexOf(":");
  const equal = line.indexOf("=");
  if (colon < 0 && equal < 0) {
    throw new ConfigFileParseError(file, lineno, "no ':' or '=' found in assignment", line);
  }
  const at = colon < 0 || (equal >= 0 && equal < colon) ? equal : colon;
  const key = line.slice(0, at).replace(PY_WS, "");
  let value = line.slice(at + 1).replace(PY_WS, "");
  if (value.length > 0 && value[0] === value[value.length - 1] && /^["']/.test(value)) {
    // Python's value[1:-1]: a lone quote character becomes the empty string.
    value = value.slice(1, -1);
  }
  return [key, value];
}

/** Sections of an INI file: section name → key → every value in file order. */
export type IniSections = Record<string, Record<string, string[]>>;

/**
 * Parses INI text the way oslo.config does, into
 * `{ [section]: { [key]: string[] } }` in file order. Section names are kept as
 * written; a syntax error throws {@linkcode ConfigFileParseError} with its line.
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
  for (const { name } of doc.sections) sections[name] ??= {};
  for (const entry of doc.entries) {
    const keys = sections[entry.section] ??= {};
    (keys[entry.key] ??= []).push(entry.value);
  }
  return sections;
}
