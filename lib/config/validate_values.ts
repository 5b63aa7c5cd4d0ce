/**
 * The value checks oslo-config-validator does not make: every value against
 * its option's type (choices, range, syntax), `$references` as oslo.config
 * substitutes them, and required options without a value. Sections are read
 * as oslo.config reads them at run time (`[Database]` is `[database]`).
 *
 * @module
 */
import { ConfigOpts } from "./config_opts.ts";
import {
  ConfigError,
  ConfigErrors,
  ConfigFileValueError,
  InterpolationError,
  RequiredOptError,
} from "./errors.ts";
import type { IniDocument, IniEntry } from "./ini.ts";
import { normalizeGroupName } from "./namespace.ts";
import type { Opt } from "./opt.ts";
import { looksSecret } from "./redact.ts";
import { destOf, type Schema } from "./schema.ts";
import type { Finding } from "./validate.ts";

const HAS_REF = (v: string) => v.replaceAll("\\$", "").replaceAll("$$", "").includes("$");

/** Finds the option an entry sets, following deprecated names. */
function optFor(schema: Schema, e: IniEntry): { group: string; opt: Opt } | undefined {
  const g = normalizeGroupName(e.section);
  const direct = schema.groups.get(g)?.opts.find((o) => o.dest === e.key || o.name === e.key);
  if (direct) return { group: g, opt: direct };
  const dep = (schema.deprecated.get(e.section) ?? schema.deprecated.get(g))?.find((d) =>
    d.name === e.key || d.dest === e.key
  );
  if (!dep) return undefined;
  const opt = schema.groups.get(dep.replacementGroup)?.opts.find((o) =>
    o.name === dep.replacementName
  );
  return opt ? { group: dep.replacementGroup, opt } : undefined;
}

/** Value, reference and required-option findings. */
export function checkValues(
  text: string,
  doc: IniDocument,
  schema: Schema,
  excluded: ReadonlySet<string>,
  file = "<string>",
): Finding[] {
  const out: Finding[] = [];
  for (const e of doc.entries) {
    if (excluded.has(e.section)) continue;
    const found = optFor(schema, e);
    if (!found) continue;
    const { opt, group } = found;
    if (opt.deprecatedForRemoval) {
      out.push({
        severity: "info",
        kind: "deprecated-for-removal",
        group: e.section,
        option: e.key,
        line: e.line,
        message: `Option ${group}/${opt.dest} is deprecated for removal${
          opt.deprecatedSince ? ` since ${opt.deprecatedSince}` : ""
        }: its value may be silently ignored in the future`,
        log: `INFO:oslo-edge:${e.section}/${e.key} is deprecated for removal`,
        oslo: false,
        ...(opt.deprecatedReason ? { hint: opt.deprecatedReason } : {}),
      });
    }
    if (HAS_REF(e.value)) continue; // checked after substitution below
    try {
      opt.type.convert(e.value);
    } catch (err) {
      out.push(invalid(e, group, opt, (err as Error).message));
    }
  }
  out.push(...checkResolved(text, doc, schema, excluded, file));
  return out;
}

function invalid(e: IniEntry, group: string, opt: Opt, reason: string): Finding {
  const secret = opt.secret || looksSecret(opt.name);
  return {
    severity: "error",
    kind: "invalid-value",
    group: e.section,
    option: e.key,
    line: e.line,
    message: `Invalid value for ${group}/${opt.dest}: ${
      secret ? `the value (not shown: secret) is not a valid ${opt.type.typeName}` : reason
    }`,
    log: `ERROR:oslo-edge:${e.section}/${e.key} has an invalid value`,
    oslo: false,
  };
}

/** Loads the text as a service would (env and command line off) to find reference and required errors. */
function checkResolved(
  text: string,
  doc: IniDocument,
  schema: Schema,
  excluded: ReadonlySet<string>,
  file: string,
): Finding[] {
  const conf = new ConfigOpts({ drivers: [], logger: { info() {}, warn() {}, error() {} } });
  for (const g of schema.groups.values()) {
    for (const opt of g.opts) {
      try {
        conf.registerOpt({ ...opt, cli: false }, g.name);
      } catch { /* the same option twice in the sample (two namespaces) */ }
    }
  }
  const lines = new Map<string, IniEntry>();
  for (const e of doc.entries) {
    const f = optFor(schema, e);
    if (f) lines.set(`${f.group}/${f.opt.name}`, e);
  }
  let errors: ConfigError[] = [];
  try {
    conf.loadTexts([{ name: file, text }]);
  } catch (e) {
    errors = e instanceof ConfigErrors ? e.errors : e instanceof ConfigError ? [e] : [];
  }
  return errorsToFindings(errors, lines, schema, doc).filter((f) => !excluded.has(f.group));
}

function errorsToFindings(
  errors: ConfigError[],
  lines: Map<string, IniEntry>,
  schema: Schema,
  doc: IniDocument,
): Finding[] {
  const out: Finding[] = [];
  for (const err of errors) {
    const option = (err as { option?: string }).option ?? "";
    const entry = lines.get(option);
    const [group = "", name = ""] = option.split("/");
    // Findings name options by dest, the key oslo.config reads (`use_syslog`, not `use-syslog`).
    const dest = destOf(schema, group, name);
    if (err instanceof RequiredOptError) {
      // Only for groups the file configures: a sample lists plugin options (keystoneauth's
      // auth-url) that are required only where their group is in use.
      const header = doc.sections.find((s) => normalizeGroupName(s.name) === group);
      if (!header) continue;
      out.push({
        severity: "error",
        kind: "missing-required",
        group,
        option: dest,
        line: header.line,
        message: `Option ${group}/${dest} is required and has no value`,
        log: `ERROR:oslo-edge:${group}/${dest} is required and has no value`,
        oslo: false,
        hint: `set [${group}] ${dest}`,
      });
    } else if (err instanceof InterpolationError && entry) {
      out.push({
        severity: "error",
        kind: "invalid-value",
        group: entry.section,
        option: entry.key,
        line: entry.line,
        message: err.message.replaceAll(option, `${group}/${dest}`),
        log: `ERROR:oslo-edge:${entry.section}/${entry.key} has an invalid value`,
        oslo: false,
      });
    } else if (err instanceof ConfigFileValueError && entry && HAS_REF(entry.value)) {
      const opt = schema.groups.get(group)?.opts.find((o) => o.name === name);
      if (opt) out.push(invalid(entry, group, opt, err.message.replace(/^.*?: /, "")));
    }
  }
  return out;
}
