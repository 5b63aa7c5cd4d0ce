/**
 * Policy files as oslo.policy reads them (`parse_file_contents`): JSON first,
 * then YAML (PyYAML's YAML 1.1, duplicate keys allowed, the last one wins); an
 * empty file is no rules. Each rule keeps the line it is on, for messages.
 *
 * @module
 */
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { PolicyFileError } from "./errors.ts";

/** oslo.policy's warning for JSON policy files. */
export const WARN_JSON =
  "JSON formatted policy_file support is deprecated since Victoria release. " +
  "You need to use YAML format which will be default in future. You can use " +
  "``oslopolicy-convert-json-to-yaml`` tool to convert existing JSON-formatted policy file " +
  "to YAML-formatted in backward compatible way: https://docs.openstack.org/oslo.policy/" +
  "latest/cli/oslopolicy-convert-json-to-yaml.html.";

/** One rule as written in a file. */
export interface PolicyEntry {
  /** Rule name. */
  name: string;
  /** The rule: a string in the policy language, or the legacy list form. */
  value: unknown;
  /** 1-based line of the rule's name, where known. */
  line?: number;
}

/** A parsed policy file. */
export interface PolicyFile {
  /** File name for messages. */
  file: string;
  /** Which parser read it. */
  format: "json" | "yaml";
  /** Rules in file order (a repeated name keeps its last value, at its first position). */
  entries: PolicyEntry[];
}

function keyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  try {
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, version: "1.1", uniqueKeys: false });
    if (!isMap(doc.contents)) return lines;
    for (const pair of doc.contents.items) {
      if (isScalar(pair.key) && pair.key.range) {
        lines.set(String(pair.key.value), lc.linePos(pair.key.range[0]).line);
      }
    }
  } catch { /* positions are a nicety */ }
  return lines;
}

function parseYaml(text: string, file: string): unknown {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, version: "1.1", uniqueKeys: false });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    throw new PolicyFileError(
      file,
      `${err.message.split("\n")[0]} (the file is neither JSON nor YAML)`,
      pos ? { line: pos.line, column: pos.col, cause: err } : { cause: err },
    );
  }
  return doc.toJS({ maxAliasCount: 100 });
}

/**
 * Parses a policy file's text.
 *
 * @example YAML with lines
 * ```ts
 * import { parsePolicyFile } from "./policy_file.ts";
 * import assert from "node:assert/strict";
 *
 * const f = parsePolicyFile('# comment\n"admin": "role:admin"\n"default": ""\n', "policy.yaml");
 * assert.equal(f.format, "yaml");
 * assert.deepEqual(f.entries, [
 *   { name: "admin", value: "role:admin", line: 2 },
 *   { name: "default", value: "", line: 3 },
 * ]);
 * ```
 */
export function parsePolicyFile(text: string, file = "policy.yaml"): PolicyFile {
  let parsed: unknown;
  let format: PolicyFile["format"] = "json";
  try {
    parsed = JSON.parse(text);
  } catch {
    format = "yaml";
    parsed = parseYaml(text, file);
  }
  if (
    parsed === null || parsed === undefined || parsed === false || parsed === 0 || parsed === ""
  ) {
    return { file, format, entries: [] };
  }
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new PolicyFileError(
      file,
      `expected a mapping of rule names to rules, got ${
        Array.isArray(parsed) ? "a list" : typeof parsed
      }`,
      { line: 1 },
    );
  }
  const lines = keyLines(text);
  const entries = Object.entries(parsed as Record<string, unknown>).map(([name, value]) => {
    const line = lines.get(name);
    return line === undefined ? { name, value } : { name, value, line };
  });
  return { file, format, entries };
}
