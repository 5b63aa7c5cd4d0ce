/**
 * Sample policy files as oslopolicy-sample-generator writes them, byte for
 * byte: YAML with every rule commented out under its description, operations
 * (`# GET  /path`), intended scopes and deprecation notes; or the JSON form.
 *
 * @module
 */
import { pyStr } from "./py_str.ts";
import { pyWrap } from "./py_textwrap.ts";
import type { RuleDefault } from "./rule_default.ts";

/** oslo.policy's `_format_help_text`: a description as `# ` comment lines wrapped at 70. */
export function formatHelpText(description: string | undefined | null): string {
  if (!description) return "#";
  const out: string[] = [];
  let paragraph: string[] = [];
  const wrap = (lines: string[]) =>
    pyWrap(lines.join(" "), 70, { initialIndent: "# ", subsequentIndent: "# " });
  // deno-lint-ignore no-control-regex
  for (const line of description.trim().split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/)) {
    if (!line.trim()) {
      out.push(...wrap(paragraph), "#");
      paragraph = [];
    } else if (line.length === line.trimStart().length) {
      paragraph.push(line.trimEnd());
    } else {
      if (paragraph.length > 0) {
        out.push(...wrap(paragraph), "#");
        paragraph = [];
      }
      out.push(`# ${line.trimEnd()}`);
    }
  }
  if (paragraph.length > 0) out.push(...wrap(paragraph));
  return out.join("\n");
}

/** Options of {@linkcode formatRuleYaml}. */
export interface RuleYamlOptions {
  /** Description, operations and scope comments (default true). */
  includeHelp?: boolean;
  /** Comment the rule line out (default true). */
  commentRule?: boolean;
  /** Deprecation notes (default true). */
  addDeprecatedRules?: boolean;
}

const RENAME_WARNING = "# WARNING: A rule name change has been identified.\n" +
  "#          This may be an artifact of new rules being\n" +
  "#          included which require legacy fallback\n" +
  "#          rules to ensure proper policy behavior.\n" +
  "#          Alternatively, this may just be an alias.\n" +
  "#          Please evaluate on a case by case basis\n" +
  "#          keeping in mind the format for aliased\n" +
  "#          rules is:\n" +
  '#          "old_rule_name": "new_rule_name".\n';

/** oslo.policy's `_format_rule_default_yaml`. */
export function formatRuleYaml(d: RuleDefault, options: RuleYamlOptions = {}): string {
  const { includeHelp = true, commentRule = true, addDeprecatedRules = true } = options;
  let text = `"${d.name}": "${d.checkStr}"\n`;
  if (includeHelp) {
    let op = "";
    for (const o of d.operations ?? []) {
      const method = pyStr(o.method), path = pyStr(o.path);
      if (o.method && (o.method as unknown[]).length !== 0 && o.path) {
        op += `# ${method}  ${path}\n`;
      }
    }
    const scope = d.scopeTypes !== undefined
      ? `# Intended scope(s): ${d.scopeTypes.join(", ")}\n`
      : "";
    text = `${op}${scope}${commentRule ? "#" : ""}${text}\n`;
    if (d.description) text = `${formatHelpText(d.description)}\n${text}`;
  }
  if (addDeprecatedRules && d.deprecatedForRemoval) {
    text = `# DEPRECATED\n# "${d.name}" has been deprecated since ${
      d.deprecatedSince ?? "None"
    }.\n${formatHelpText(d.deprecatedReason)}\n${text}`;
  } else if (addDeprecatedRules && d.deprecatedRule) {
    const dep = d.deprecatedRule;
    const reason = dep.deprecatedReason || d.deprecatedReason;
    const since = dep.deprecatedSince || d.deprecatedSince;
    const deprecatedText = `"${dep.name}":"${dep.checkStr}" has been deprecated since ${
      since ?? "None"
    } in favor of "${d.name}":"${d.checkStr}".`;
    text = `${text}# DEPRECATED\n${formatHelpText(deprecatedText)}\n${formatHelpText(reason)}\n`;
    if (d.name !== dep.name) {
      text += RENAME_WARNING + `# "${dep.name}": "rule:${d.name}"\n`;
    }
    text += "\n";
  }
  return text;
}

/** oslo.policy's `_format_rule_default_json`. */
export function formatRuleJson(d: RuleDefault): string {
  return `"${d.name}": "${d.checkStr}"`;
}

/** Options of {@linkcode generateSample}. */
export interface SampleOptions {
  format?: "yaml" | "json";
  excludeDeprecated?: boolean;
  includeHelp?: boolean;
}

/**
 * A whole sample file from defaults grouped by namespace (namespaces sorted by name).
 *
 * @example One rule
 * ```ts
 * import { generateSample } from "./sample.ts";
 * import assert from "node:assert/strict";
 *
 * const text = generateSample({ svc: [{ name: "svc:get", checkStr: "role:reader", description: "Get a thing." }] });
 * assert.equal(text, '# Get a thing.\n#"svc:get": "role:reader"\n\n');
 * ```
 */
export function generateSample(
  namespaces: Readonly<Record<string, readonly RuleDefault[]>>,
  options: SampleOptions = {},
): string {
  const sections: string[] = [];
  for (const ns of Object.keys(namespaces).sort()) {
    for (const d of namespaces[ns]!) {
      sections.push(
        options.format === "json" ? formatRuleJson(d) : formatRuleYaml(d, {
          includeHelp: options.includeHelp ?? true,
          addDeprecatedRules: !options.excludeDeprecated,
        }),
      );
    }
  }
  if (options.format === "json") return `{\n    ${sections.join(",\n    ")}\n}\n`;
  return sections.join("");
}
