/**
 * Checks a config file's text against declared options: unknown groups and
 * options, deprecated names, and values their type rejects, each with its line.
 *
 * @module
 */
import { normalizeGroupName } from "./namespace.ts";
import { parseIniDocument } from "./ini.ts";
import type { Opt } from "./opt.ts";
import { ConfigFileParseError } from "./errors.ts";

/** One problem found in a config file. */
export interface Finding {
  /** `error` for what stops a service or is silently ignored; `warning` for deprecations. */
  severity: "error" | "warning";
  /** Stable kind: `unknown-group`, `unknown-option`, `deprecated-option`, `invalid-value`, `parse-error`. */
  kind: "unknown-group" | "unknown-option" | "deprecated-option" | "invalid-value" | "parse-error";
  /** Group as written in the file. */
  group: string;
  /** Option as written (empty for group findings). */
  option: string;
  /** 1-based line. */
  line: number;
  /** What is wrong, in one sentence. */
  message: string;
}

/** A declared group, as {@linkcode validateConfigText} needs it. */
export interface SchemaGroup {
  /** Group name. */
  name: string;
  /** Its options. */
  opts: readonly Opt[];
}

/**
 * Validates INI text against declared groups of options.
 *
 * @example A typo is an unknown option
 * ```ts
 * import { boolOpt, validateConfigText } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const findings = validateConfigText("[DEFAULT]\ndevug = True\n", [
 *   { name: "DEFAULT", opts: [boolOpt("debug")] },
 * ]);
 * assert.equal(findings[0]?.kind, "unknown-option");
 * assert.equal(findings[0]?.line, 2);
 * ```
 */
export function validateConfigText(
  text: string,
  groups: readonly SchemaGroup[],
  options: { file?: string } = {},
): Finding[] {
  let doc;
  try {
    doc = parseIniDocument(text, options.file === undefined ? {} : { file: options.file });
  } catch (e) {
    if (!(e instanceof ConfigFileParseError)) throw e;
    return [{
      severity: "error",
      kind: "parse-error",
      group: "",
      option: "",
      line: e.line,
      message: e.message,
    }];
  }
  const byGroup = new Map<string, Map<string, { opt: Opt; current: string }>>();
  const add = (group: string, name: string, opt: Opt, current: string) => {
    const g = byGroup.get(group) ?? new Map();
    if (!g.has(name)) g.set(name, { opt, current });
    byGroup.set(group, g);
  };
  for (const g of groups) {
    const gname = normalizeGroupName(g.name);
    for (const opt of g.opts) {
      add(gname, opt.name.replaceAll("-", "_"), opt, `${gname}/${opt.name}`);
    }
  }
  for (const g of groups) {
    const gname = normalizeGroupName(g.name);
    for (const opt of g.opts) {
      const aliases = opt.deprecatedOpts;
      for (const a of aliases) {
        add(
          normalizeGroupName(a.group ?? gname),
          (a.name ?? opt.name).replaceAll("-", "_"),
          opt,
          `${gname}/${opt.name}`,
        );
      }
    }
  }
  const findings: Finding[] = [];
  for (const s of doc.sections) {
    if (!byGroup.has(normalizeGroupName(s.name))) {
      findings.push({
        severity: "error",
        kind: "unknown-group",
        group: s.name,
        option: "",
        line: s.line,
        message: `Unknown group [${s.name}]`,
      });
    }
  }
  for (const e of doc.entries) {
    const g = byGroup.get(normalizeGroupName(e.section));
    if (!g) continue;
    const known = g.get(e.key.replaceAll("-", "_"));
    const label = `${e.section}/${e.key}`;
    if (!known) {
      findings.push({
        severity: "error",
        kind: "unknown-option",
        group: e.section,
        option: e.key,
        line: e.line,
        message: `Unknown option ${label}`,
      });
      continue;
    }
    const currentLabel = known.current;
    if (currentLabel !== `${normalizeGroupName(e.section)}/${e.key}`) {
      findings.push({
        severity: "warning",
        kind: "deprecated-option",
        group: e.section,
        option: e.key,
        line: e.line,
        message: `Deprecated option ${label}: use ${currentLabel}`,
      });
    }
    if (e.value.includes("$")) continue; // interpolated at load time
    try {
      known.opt.type.convert(e.value);
    } catch (err) {
      findings.push({
        severity: "error",
        kind: "invalid-value",
        group: e.section,
        option: e.key,
        line: e.line,
        message: known.opt.secret
          ? `Invalid value for ${label}: the value (redacted) is not a valid ${known.opt.type.typeName}`
          : `Invalid value for ${label}: ${(err as Error).message}`,
      });
    }
  }
  return findings.sort((a, b) => a.line - b.line);
}
