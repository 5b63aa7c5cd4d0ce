/**
 * Strict validation of a config file against a schema: everything
 * `oslo-config-validator` reports, in its order and with its exact log lines
 * (`ERROR:root:DEFAULT/devug is not part of the sample config`), plus what it
 * leaves out: file and line, did-you-mean suggestions, the replacement of a
 * deprecated name, and values the option's type, choices or range refuse,
 * references that cannot be substituted, and missing required options. The
 * lines it leaves out are logged as `oslo-edge` (`INFO:oslo-edge:...`), never
 * as oslo's `root`, so `:root:` lines are exactly oslo-config-validator's.
 *
 * @module
 */
import { ConfigFileParseError } from "./errors.ts";
import { type IniDocument, parseIniDocument } from "./ini.ts";
import { normalizeGroupName } from "./namespace.ts";
import { pyFloatRepr, pyStr } from "./py.ts";
import { destOf, type Schema, schemaFromGroups, type SchemaGroup } from "./schema.ts";
import { suggest } from "./suggest.ts";
import { checkValues } from "./validate_values.ts";
import { compileExcludePatterns } from "./exclude_patterns.ts";

/** What kind of problem a finding is. */
export type FindingKind =
  | "parse-error"
  | "unknown-group"
  | "unknown-option"
  | "deprecated-option"
  | "ignored-option"
  | "invalid-value"
  | "missing-required"
  | "repeated-option"
  | "default-differs"
  | "missing-group"
  | "deprecated-for-removal";

/** One problem found in a config file. */
export interface Finding {
  /** `error` fails validation; `warning` fails it with `fatalWarnings`; `info` never does. */
  severity: "error" | "warning" | "info";
  /** Stable kind. */
  kind: FindingKind;
  /** Group as written in the file. */
  group: string;
  /** Option as written (empty for group findings). */
  option: string;
  /** 1-based line (0 when the finding is about something absent from the file). */
  line: number;
  /** What is wrong, in one sentence. */
  message: string;
  /**
   * The line the validator logs for it: oslo-config-validator's own, byte for
   * byte, when `oslo` (`ERROR:root:DEFAULT/devug is not part of the sample
   * config`; secret values masked as `****`), else ours, which oslo never
   * prints, with the logger name `oslo-edge` (`ERROR:oslo-edge:DEFAULT/debug
   * has an invalid value`).
   */
  log: string;
  /** oslo-config-validator reports this too, with exactly `log`. */
  oslo: boolean;
  /** A suggestion (`did you mean "debug"?`, `use [oslo_policy] policy_file`). */
  hint?: string;
}

/** Options of {@linkcode validateConfigText}, after oslo-config-validator's flags. */
export interface ValidateOptions {
  /** File name used in messages. */
  file?: string;
  /** `--check-defaults`: report values that differ from the sample's defaults. */
  checkDefaults?: boolean;
  /** `--exclude-group`: sections not validated. */
  excludeGroups?: readonly string[];
  /**
   * `--exclude-options`: regexes of option names `checkDefaults` skips (an
   * invalid one throws `ExcludePatternError`; see `compileExcludePatterns`).
   */
  excludeOptions?: readonly string[];
  /** Check values, references and required options too (default true). */
  checkValues?: boolean;
}

/** oslo-config-validator's default `--exclude-options`. */
export const VALIDATE_DEFAULTS_EXCLUSIONS: readonly string[] = [
  ".*_ur(i|l)",
  ".*connection",
  "password",
  "username",
  "my_ip",
  "host(name)?",
  "glance_api_servers",
  "osapi_volume_listen",
  "osapi_compute_listen",
];

/** Groups oslo-config-validator does not check options of. */
export const KNOWN_BAD_GROUPS: readonly string[] = ["keystone_authtoken"];

/**
 * Validates INI text against a schema (a loaded sample, or groups declared in code).
 *
 * @example A typo is an unknown option, with a suggestion
 * ```ts
 * import { boolOpt, validateConfigText } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const [f] = validateConfigText("[DEFAULT]\ndevug = True\n", [
 *   { name: "DEFAULT", opts: [boolOpt("debug")] },
 * ]);
 * assert.equal(f?.log, "ERROR:root:DEFAULT/devug is not part of the sample config");
 * assert.equal(f?.oslo, true);
 * assert.equal(f?.line, 2);
 * assert.equal(f?.hint, 'did you mean "debug"?');
 * ```
 */
export function validateConfigText(
  text: string,
  schema: Schema | readonly SchemaGroup[],
  options: ValidateOptions = {},
): Finding[] {
  const s = Array.isArray(schema)
    ? schemaFromGroups(schema as readonly SchemaGroup[])
    : schema as Schema;
  let doc: IniDocument;
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
      log: `ERROR:oslo-edge:${e.message}`,
      oslo: false,
    }];
  }
  const excluded = new Set(options.excludeGroups ?? []);
  const sections = rawSections(doc);
  const findings: Finding[] = [];
  if (options.checkDefaults) findings.push(...checkDefaults(sections, s, options));
  for (const [section, keys] of sections) {
    if (excluded.has(section)) continue;
    const group = s.groups.get(section);
    if (!group && !s.deprecated.has(section) && !KNOWN_BAD_GROUPS.includes(section)) {
      findings.push(unknownGroup(section, keys.line, s));
    }
    for (const [option, { line }] of keys.options) {
      const dep = s.deprecated.get(section)?.find((d) => d.name === option || d.dest === option);
      if (dep) {
        // The key oslo.config reads is the dest (`log_file`), not the name (`log-file`).
        const dest = destOf(s, dep.replacementGroup, dep.replacementName);
        findings.push({
          severity: "warning",
          kind: "deprecated-option",
          group: section,
          option,
          line,
          message: `Deprecated option ${section}/${option}`,
          log: `WARNING:root:Deprecated opt ${section}/${option} found`,
          oslo: true,
          hint: dep.replacementGroup === normalizeGroupName(section) && dest === option
            ? "the sample lists this option as a deprecated name of itself: nothing to change"
            : `use [${dep.replacementGroup}] ${dest}`,
        });
      } else if (!group?.names.has(option)) {
        if (KNOWN_BAD_GROUPS.includes(section)) {
          findings.push({
            severity: "info",
            kind: "ignored-option",
            group: section,
            option,
            line,
            message:
              `Option ${section}/${option} is not checked: the group's sample data is incomplete`,
            log:
              `INFO:root:Ignoring missing option "${option}" from group "${section}" because the group is known to have incomplete sample config data and thus cannot be validated properly.`,
            oslo: true,
          });
          continue;
        }
        const hint = unknownOptionHint(section, option, s);
        findings.push({
          severity: "error",
          kind: "unknown-option",
          group: section,
          option,
          line,
          message: `Unknown option ${section}/${option}: it is not part of the sample config`,
          log: `ERROR:root:${section}/${option} is not part of the sample config`,
          oslo: true,
          ...(hint ? { hint } : {}),
        });
      }
    }
  }
  if (options.checkValues ?? true) {
    findings.push(...checkValues(text, doc, s, excluded, options.file));
  }
  return findings;
}

/** Sections as oslo's raw parser keeps them: exact names, first-appearance order. */
type RawSections = Map<
  string,
  { line: number; options: Map<string, { line: number; values: string[] }> }
>;

function rawSections(doc: IniDocument): RawSections {
  const out: RawSections = new Map();
  for (const sec of doc.sections) {
    if (!out.has(sec.name)) out.set(sec.name, { line: sec.line, options: new Map() });
  }
  for (const e of doc.entries) {
    const opts =
      (out.get(e.section) as { options: Map<string, { line: number; values: string[] }> }).options;
    const known = opts.get(e.key);
    if (known) known.values.push(e.value);
    else opts.set(e.key, { line: e.line, values: [e.value] });
  }
  return out;
}

function unknownGroup(section: string, line: number, s: Schema): Finding {
  const normal = normalizeGroupName(section);
  const hint = normal !== section && s.groups.has(normal)
    ? `oslo.config reads [${section}] as [${normal}], but oslo-config-validator compares group names exactly: write [${normal}]`
    : ((g) => g ? `did you mean [${g}]?` : undefined)(suggest(section, s.groups.keys()));
  return {
    severity: "info",
    kind: "unknown-group",
    group: section,
    option: "",
    line,
    message: `Unknown group [${section}]: it is not part of the sample config`,
    log: `INFO:oslo-edge:Group ${section} is not part of the sample config`,
    oslo: false,
    ...(hint ? { hint } : {}),
  };
}

function unknownOptionHint(section: string, option: string, s: Schema): string | undefined {
  const group = s.groups.get(section) ?? s.groups.get(normalizeGroupName(section));
  // Suggest keys oslo.config reads: dests, and deprecated names without "-".
  const inGroup = group
    ? suggest(option, [
      ...group.opts.map((o) => o.dest),
      ...(s.deprecated.get(section) ?? []).map((d) => d.dest ?? d.name),
    ])
    : undefined;
  if (inGroup) return `did you mean "${inGroup}"?`;
  if (!s.groups.has(section) && group?.names.has(option)) {
    return `oslo.config reads [${section}] as [${group.name}], where ${option} exists; oslo-config-validator compares group names exactly: write [${group.name}]`;
  }
  const elsewhere = [...s.groups.values()].filter((g) => g.names.has(option)).map((g) =>
    `[${g.name}]`
  );
  if (elsewhere.length > 0) return `${option} is an option of ${elsewhere.slice(0, 3).join(", ")}`;
  if (!group) {
    const g = suggest(section, s.groups.keys());
    if (g) return `did you mean [${g}]?`;
  }
  return undefined;
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v !== null && typeof v === "object") return Object.keys(v).length > 0;
  return !!v;
}

/** oslo-config-validator's `_validate_defaults`, line for line. */
function checkDefaults(sections: RawSections, s: Schema, options: ValidateOptions): Finding[] {
  const out: Finding[] = [];
  const exclusions = compileExcludePatterns(options.excludeOptions ?? VALIDATE_DEFAULTS_EXCLUSIONS);
  const excluded = new Set(options.excludeGroups ?? []);
  for (const [group, info] of s.groups) {
    if (excluded.has(group)) continue;
    const section = sections.get(group);
    if (!section) {
      out.push({
        severity: "info",
        kind: "missing-group",
        group,
        option: "",
        line: 0,
        message: `Group [${group}] of the sample config is not in the file`,
        log: `WARNING:root:Group ${group} from the sample config is not defined in input-file`,
        oslo: true,
      });
      continue;
    }
    for (const opt of info.opts) {
      const keyname = section.options.has(opt.name) ? opt.name : opt.dest;
      const entry = section.options.get(keyname);
      if (!entry) continue;
      const base = { group, option: keyname, line: entry.line };
      if (exclusions.some((r) => r.test(keyname))) {
        out.push({
          ...base,
          severity: "info",
          kind: "default-differs",
          message: `Option ${group}/${keyname} is not compared with the sample (excluded)`,
          log:
            `INFO:root:${group}/${keyname} Ignoring option because it is part of the excluded patterns. This can be changed with the --exclude-options argument`,
          oslo: true,
        });
        continue;
      }
      const value = entry.values;
      if (value.length > 1) {
        out.push({
          ...base,
          severity: "info",
          kind: "repeated-option",
          message:
            `Option ${group}/${keyname} is set ${value.length} times: the last value is used`,
          log: `INFO:root:${group}/${keyname} defined ${value.length} times`,
          oslo: true,
        });
      }
      const d = opt.default;
      const str = (x: unknown) =>
        opt.kind === "FloatOpt" && typeof x === "number" ? pyFloatRepr(x) : pyStr(x);
      const defaults = Array.isArray(d) ? d.map((x) => pyStr(x)) : [str(d ?? null)];
      const secret = !!opt.secret;
      if (!truthy(d)) {
        out.push({
          ...base,
          severity: "warning",
          kind: "default-differs",
          message: `Option ${group}/${keyname} has no sample value but the file sets it`,
          log: `WARNING:root:${group}/${keyname} sample value is empty but input-file has ${
            secret ? "****" : value.join(", ")
          }`,
          oslo: true,
        });
      } else if (!defaults.some((x) => value.includes(x))) {
        out.push({
          ...base,
          severity: "warning",
          kind: "default-differs",
          message: `Option ${group}/${keyname} differs from the sample value`,
          log: `WARNING:root:${group}/${keyname} sample value ${pyStr(defaults)} is not in ${
            secret ? "['****']" : pyStr(value)
          }`,
          oslo: true,
        });
      }
    }
  }
  return out;
}

/**
 * oslo-config-validator's exit status for these findings (1 also for value errors).
 *
 * @example Warnings fail only with fatalWarnings
 * ```ts
 * import { exitStatus, type Finding } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const warning = { severity: "warning" } as Finding;
 * assert.equal(exitStatus([warning]), 0);
 * assert.equal(exitStatus([warning], { fatalWarnings: true }), 1);
 * ```
 */
export function exitStatus(
  findings: readonly Finding[],
  options: { fatalWarnings?: boolean } = {},
): 0 | 1 {
  const bad = findings.some((f) =>
    f.severity === "error" || (options.fatalWarnings && f.severity === "warning")
  );
  return bad ? 1 : 0;
}
