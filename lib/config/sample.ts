/**
 * Samples of registered options, as `oslo-config-generator` writes them: the
 * INI sample (defaults commented out, help wrapped) and the machine-readable
 * data (`--format yaml|json`) that oslo-config-validator and
 * `loadSchema()` read. Secret defaults never appear: the INI shows `<secret>`,
 * the data `null`.
 *
 * @module
 */
import type { Opt } from "./opt.ts";
import { pyStr } from "./py.ts";
import type { SchemaGroup } from "./schema.ts";
import { quoteEdgeSpace } from "./types.ts";

/** A group to write, with the namespace its options come from. */
export interface SampleGroup extends SchemaGroup {
  /** `dynamic_group_owner`. */
  dynamicGroupOwner?: string;
  /** `driver_option`. */
  driverOption?: string;
}

function jsonDefault(opt: Opt): unknown {
  if (opt.secret || opt.default === undefined) return null;
  return opt.default;
}

function deprecatedOf(opt: Opt, group: string): { group: string; name: string }[] {
  return opt.deprecatedOpts
    .filter((d) => !d.name || !d.name.includes("-"))
    .map((d) => ({ group: d.group ?? group, name: d.name ?? opt.name }));
}

/**
 * oslo-config-generator's machine-readable data (`_generate_machine_readable_data`).
 *
 * @example The machine-readable form
 * ```ts
 * import { intOpt, optGroup, sampleData } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const data = sampleData([optGroup("api", [intOpt("workers", { default: 2, min: 1 })])]) as {
 *   options: { api: { opts: { name: string; type: string; min: number }[] } };
 * };
 * assert.deepEqual(data.options.api.opts.map((o) => [o.name, o.type, o.min]), [["workers", "integer value", 1]]);
 * ```
 */
export function sampleData(
  groups: readonly SampleGroup[],
  options: { namespace?: string; generatorOptions?: Record<string, unknown> } = {},
): Record<string, unknown> {
  const namespace = options.namespace ?? "oslo-edge";
  const out: Record<string, Record<string, unknown>> = {};
  const deprecated: Record<string, unknown[]> = {};
  const byName = new Map<string, SampleGroup[]>();
  for (const g of groups) byName.set(g.name, [...(byName.get(g.name) ?? []), g]);
  if (!byName.has("DEFAULT")) byName.set("DEFAULT", []);
  for (
    const [name, list] of [...byName].sort(([a], [b]) =>
      a === "DEFAULT" ? -1 : b === "DEFAULT" ? 1 : a < b ? -1 : 1
    )
  ) {
    const opts = list.flatMap((g) => [...g.opts]);
    out[name] = {
      driver_option: list.find((g) => g.driverOption)?.driverOption ?? "",
      driver_opts: {},
      dynamic_group_owner: list.find((g) => g.dynamicGroupOwner)?.dynamicGroupOwner ?? "",
      help: list.find((g) => g.help)?.help ?? "",
      opts: opts.map((opt) => {
        const deps = deprecatedOf(opt, name);
        for (const d of deps) {
          (deprecated[d.group] ??= []).push({
            name: d.name,
            replacement_group: name,
            replacement_name: opt.name,
          });
        }
        return {
          advanced: !!opt.advanced,
          choices: (opt.type.choices ?? []).map(([v, d]) => [v, d]),
          default: jsonDefault(opt),
          deprecated_for_removal: !!opt.deprecatedForRemoval,
          deprecated_opts: deps,
          deprecated_reason: opt.deprecatedReason ?? null,
          deprecated_since: opt.deprecatedSince ?? null,
          dest: opt.dest,
          help: opt.help ?? "",
          max: opt.type.max ?? null,
          metavar: opt.metavar ?? null,
          min: opt.type.min ?? null,
          mutable: !!opt.mutable,
          name: opt.name,
          namespace,
          positional: false,
          required: !!opt.required,
          sample_default: opt.sampleDefault ?? null,
          secret: !!opt.secret,
          short: opt.short ?? null,
          type: opt.type.typeName,
        };
      }),
      standard_opts: opts.map((o) => o.name),
    };
  }
  return {
    deprecated_options: deprecated,
    generator_options: options.generatorOptions ?? {},
    options: out,
  };
}

/** Python's `textwrap.wrap` as the generator calls it (greedy, long words kept whole). */
function wrap(line: string, width: number): string[] {
  const words = line.split(" ");
  const out: string[] = [];
  let cur = "# ";
  let empty = true;
  for (const w of words) {
    if (w === "" && empty) continue;
    if (!empty && cur.length + 1 + w.length > width) {
      out.push(cur.trimEnd());
      cur = "# ";
      empty = true;
    }
    cur += (empty ? "" : " ") + w;
    empty = false;
  }
  if (!empty) out.push(cur.trimEnd());
  return out;
}

function formatHelp(text: string, width: number): string {
  if (width <= 0) return `# ${text}\n`;
  return text.split(/\r\n|\r|\n/).map((l) => {
    const w = wrap(l, width);
    return w.length === 0 ? "#" : w.join("\n");
  }).join("\n") + "\n";
}

function defaultLines(opt: Opt): string[] {
  if (opt.sampleDefault !== undefined) return [opt.sampleDefault];
  if (opt.secret && opt.default !== undefined && opt.default !== null) return ["<secret>"];
  if (opt.multi) {
    const d = opt.default as unknown[] | undefined;
    return !d || d.length === 0 ? [""] : d.map((v) => quoteEdgeSpace(pyStr(v)));
  }
  if (opt.default === undefined || opt.default === null) return ["<None>"];
  return [opt.type.format(opt.default as never)];
}

function formatOpt(opt: Opt, group: string, width: number, minimal: boolean): string {
  const prefix = opt.deprecatedForRemoval && !(opt.help ?? "").startsWith("DEPRECATED")
    ? "DEPRECATED: "
    : "";
  let out = formatHelp(
    opt.help ? `${prefix}${opt.help} (${opt.type.typeName})` : `(${opt.type.typeName})`,
    width,
  );
  if (opt.type.min !== undefined) out += `# Minimum value: ${opt.type.min}\n`;
  if (opt.type.max !== undefined) out += `# Maximum value: ${opt.type.max}\n`;
  if (opt.type.choices && opt.type.choices.length > 0) {
    out += "# Possible values:\n";
    for (const [v, d] of opt.type.choices) {
      const text = v === null ? "<None>" : v === "" ? "''" : String(v);
      out += formatHelp(`${text} - ${d ?? "<No description provided>"}`, width);
    }
  }
  if (opt.mutable) out += "# Note: This option can be changed without restarting.\n";
  for (const d of deprecatedOf(opt, group)) {
    out += `# Deprecated group/name - [${d.group}]/${d.name}\n`;
  }
  if (opt.deprecatedForRemoval) {
    out += opt.deprecatedSince
      ? `# This option is deprecated for removal since ${opt.deprecatedSince}.\n`
      : "# This option is deprecated for removal.\n";
    out += "# Its value may be silently ignored in the future.\n";
    if (opt.deprecatedReason) out += formatHelp(`Reason: ${opt.deprecatedReason}`, width);
  }
  if (opt.advanced) {
    out += "# Advanced Option: intended for advanced users and not used\n" +
      "# by the majority of users, and might have a significant\n" +
      "# effect on stability and/or performance.\n";
  }
  if (opt.sampleDefault) {
    out += "#\n# This option has a sample default set, which means that\n" +
      "# its actual default value may vary from the one documented\n# below.\n";
  }
  for (const d of defaultLines(opt)) {
    const shown = d ? ` ${d.replaceAll("\n", "\n#    ")}` : "";
    out += `${minimal ? "" : "#"}${opt.dest} =${shown}\n`;
  }
  return out;
}

/**
 * The INI sample `oslo-config-generator` writes (DEFAULT first, then groups
 * in name order; options in declaration order, advanced ones last).
 *
 * @example
 * ```ts
 * import { boolOpt, formatSampleIni, optGroup } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const text = formatSampleIni([optGroup("DEFAULT", [boolOpt("debug", { default: false, help: "Log more." })])]);
 * assert.equal(text, "[DEFAULT]\n\n#\n# From oslo-edge\n#\n\n# Log more. (boolean value)\n#debug = false\n");
 * ```
 */
export function formatSampleIni(
  groups: readonly SampleGroup[],
  options: { namespace?: string; wrapWidth?: number; minimal?: boolean } = {},
): string {
  const width = options.wrapWidth ?? 70;
  const namespace = options.namespace ?? "oslo-edge";
  const names = [...new Set(["DEFAULT", ...groups.map((g) => g.name)])];
  const ordered = ["DEFAULT", ...names.filter((n) => n !== "DEFAULT").sort()];
  const parts: string[] = [];
  for (const name of ordered) {
    const list = groups.filter((g) => g.name === name);
    let out = `[${name}]\n`;
    const help = list.find((g) => g.help)?.help;
    if (help) out += formatHelp(help, width);
    const opts = list.flatMap((g) => [...g.opts]);
    if (opts.length > 0) out += `\n#\n# From ${namespace}\n#\n`;
    const sorted = [...opts.filter((o) => !o.advanced), ...opts.filter((o) => o.advanced)];
    for (const opt of sorted) {
      if (options.minimal && !opt.required) continue;
      out += "\n" + formatOpt(opt, name, width, !!options.minimal);
    }
    parts.push(out);
  }
  return parts.join("\n\n");
}
