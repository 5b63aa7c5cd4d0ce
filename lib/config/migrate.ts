/**
 * Upgrade migration (oslo-specs rocky "handle-config-changes", cases 1 and
 * 3-6): deprecated options are renamed in place, or moved to their new group,
 * from the schema's deprecation data, keeping every other line (comments,
 * order, spacing, line endings) as it is. What is not a plain rename is never
 * guessed: both names set with different values, options merged into one
 * (the `rabbit_*` connection options into `transport_url`), and options
 * deprecated for removal become warnings for the operator.
 *
 * @module
 */
import { type IniEntry, parseIniDocument } from "./ini.ts";
import { normalizeGroupName } from "./namespace.ts";
import type { Opt } from "./opt.ts";
import { type Schema, schemaFromGroups, type SchemaGroup } from "./schema.ts";
import { MERGED_OPTIONS } from "./migrate_merges.ts";

/** One rewrite made. */
export interface MigrationChange {
  /** `renamed` in place, `moved` to another group, `removed` (old name holding the same value as the new). */
  action: "renamed" | "moved" | "removed";
  /** Group and option as the file had them, and the line. */
  from: { group: string; option: string; line: number };
  /** The new group and option. */
  to: { group: string; option: string };
}

/** Something the operator must decide. */
export interface MigrationWarning {
  /** `conflict`: both names set, differently; `merge`: options replaced by one (not a rename); `removal`: no replacement. */
  kind: "conflict" | "merge" | "removal";
  /** Group as written. */
  group: string;
  /** Option as written. */
  option: string;
  /** 1-based line. */
  line: number;
  /** What to do, in one sentence (never with a value that may be secret). */
  message: string;
}

/** The outcome of {@linkcode migrateConfigText}. */
export interface MigrationResult {
  /** The rewritten text (the input when nothing changed). */
  text: string;
  /** The rewrites made. */
  changes: MigrationChange[];
  /** What was left for the operator. */
  warnings: MigrationWarning[];
}

interface Physical {
  text: string;
  eol: string;
}

function physicalLines(text: string): Physical[] {
  const out: Physical[] = [];
  const re = /([^\r\n]*)(\r\n|\r|\n|$)/g;
  for (const m of text.matchAll(re)) {
    if (m[0] === "" && m.index === text.length) break;
    out.push({ text: m[1] as string, eol: m[2] as string });
  }
  return out;
}

/** The option a deprecated name points to, if the schema has one. */
function replacementOf(schema: Schema, e: IniEntry): { group: string; opt: Opt } | undefined {
  const g = normalizeGroupName(e.section);
  if (schema.groups.get(g)?.names.has(e.key)) return undefined; // a current name
  const dep = (schema.deprecated.get(e.section) ?? schema.deprecated.get(g))?.find((d) =>
    d.name === e.key || d.dest === e.key
  );
  if (!dep) return undefined;
  const opt = schema.groups.get(dep.replacementGroup)?.opts.find((o) =>
    o.name === dep.replacementName
  );
  return opt ? { group: dep.replacementGroup, opt } : undefined;
}

/**
 * Rewrites deprecated options to their new group and name.
 *
 * @example A regroup, keeping the comment above and everything else
 * ```ts
 * import { migrateConfigText, optGroup, strOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const schema = [optGroup("oslo_messaging_notifications", [
 *   strOpt("driver", { deprecatedName: "notification_driver", deprecatedGroup: "DEFAULT" }),
 * ])];
 * const { text, changes } = migrateConfigText(
 *   "[DEFAULT]\n# send them\nnotification_driver = messaging\ndebug = true\n",
 *   schema,
 * );
 * assert.equal(text,
 *   "[DEFAULT]\n# send them\ndebug = true\n\n[oslo_messaging_notifications]\ndriver = messaging\n");
 * assert.equal(changes[0]?.action, "moved");
 * ```
 */
export function migrateConfigText(
  text: string,
  schema: Schema | readonly SchemaGroup[],
  options: { file?: string } = {},
): MigrationResult {
  const s = Array.isArray(schema)
    ? schemaFromGroups(schema as readonly SchemaGroup[])
    : schema as Schema;
  const doc = parseIniDocument(text, options.file === undefined ? {} : { file: options.file });
  const lines = physicalLines(text);
  const eol = lines.find((l) => l.eol)?.eol ?? "\n";
  const changes: MigrationChange[] = [];
  const warnings: MigrationWarning[] = [];
  const removed = new Set<number>(); // 0-based physical lines to drop
  const appended = new Map<string, string[]>(); // target group -> lines to add
  const current = (group: string, name: string) =>
    doc.entries.filter((x) => normalizeGroupName(x.section) === group && x.key === name);

  for (const e of doc.entries) {
    const rep = replacementOf(s, e);
    if (!rep) continue;
    const { group, opt } = rep;
    const from = { group: e.section, option: e.key, line: e.line };
    const existing = current(group, opt.dest).concat(
      opt.dest === opt.name ? [] : current(group, opt.name),
    );
    if (existing.length > 0) {
      if (existing.every((x) => x.value === e.value)) {
        for (let i = e.line - 1; i < e.endLine; i++) removed.add(i);
        changes.push({ action: "removed", from, to: { group, option: opt.dest } });
      } else {
        warnings.push({
          kind: "conflict",
          group: e.section,
          option: e.key,
          line: e.line,
          message:
            `Both [${e.section}] ${e.key} (line ${e.line}) and its replacement [${group}] ${opt.dest} ` +
            `(line ${
              existing[0]?.line
            }) are set, to different values: keep one and delete the other`,
        });
      }
      continue;
    }
    if (normalizeGroupName(e.section) === group) {
      const first = lines[e.line - 1] as Physical;
      first.text = opt.dest + first.text.slice(first.text.indexOf(e.key) + e.key.length);
      changes.push({ action: "renamed", from, to: { group, option: opt.dest } });
      continue;
    }
    const moved: string[] = [];
    for (let i = e.line - 1; i < e.endLine; i++) {
      removed.add(i);
      const l = lines[i] as Physical;
      moved.push(
        i === e.line - 1 ? opt.dest + l.text.slice(l.text.indexOf(e.key) + e.key.length) : l.text,
      );
    }
    appended.set(group, [...(appended.get(group) ?? []), ...moved]);
    changes.push({ action: "moved", from, to: { group, option: opt.dest } });
  }
  warnings.push(...mergeWarnings(doc.entries, s), ...removalWarnings(doc.entries, s));
  if (changes.length === 0) return { text, changes, warnings };
  return { text: rebuild(lines, removed, appended, doc, eol), changes, warnings };
}

/** Writes the lines back: dropped ones out, moved ones after their group's last entry (or a new section). */
function rebuild(
  lines: Physical[],
  removed: Set<number>,
  appended: Map<string, string[]>,
  doc: ReturnType<typeof parseIniDocument>,
  eol: string,
): string {
  const insertAfter = new Map<number, string[]>();
  const atEnd: string[] = [];
  for (const [group, moved] of appended) {
    const headers = doc.sections.filter((sec) => normalizeGroupName(sec.name) === group);
    const header = headers[headers.length - 1];
    if (!header) {
      atEnd.push("", `[${group}]`, ...moved);
      continue;
    }
    const inBlock = doc.entries.filter((x) =>
      x.line > header.line && normalizeGroupName(x.section) === group && !removed.has(x.line - 1) &&
      !doc.sections.some((sec) => sec.line > header.line && sec.line < x.line)
    );
    const after = (inBlock[inBlock.length - 1]?.endLine ?? header.line) - 1;
    insertAfter.set(after, [...(insertAfter.get(after) ?? []), ...moved]);
  }
  let out = "";
  lines.forEach((l, i) => {
    if (!removed.has(i)) {
      out += l.text + (l.eol || (insertAfter.has(i) || i < lines.length - 1 ? eol : ""));
    }
    for (const m of insertAfter.get(i) ?? []) out += m + eol;
  });
  if (atEnd.length > 0) {
    if (out !== "" && !/(\r\n|\r|\n)$/.test(out)) out += eol;
    if (out === "") atEnd.shift();
    out += atEnd.map((l) => l + eol).join("");
  }
  return out;
}

function mergeWarnings(entries: IniEntry[], s: Schema): MigrationWarning[] {
  const out: MigrationWarning[] = [];
  for (const merge of MERGED_OPTIONS) {
    const hits = entries.filter((e) =>
      merge.groups.includes(normalizeGroupName(e.section)) && merge.options.includes(e.key) &&
      !s.groups.get(normalizeGroupName(e.section))?.names.has(e.key)
    );
    for (const e of hits) {
      out.push({
        kind: "merge",
        group: e.section,
        option: e.key,
        line: e.line,
        message:
          `[${e.section}] ${e.key} is not renamed but merged into ${merge.target}: ${merge.hint}`,
      });
    }
  }
  return out;
}

function removalWarnings(entries: IniEntry[], s: Schema): MigrationWarning[] {
  const out: MigrationWarning[] = [];
  for (const e of entries) {
    const opt = s.groups.get(normalizeGroupName(e.section))?.opts.find((o) =>
      o.dest === e.key || o.name === e.key
    );
    if (!opt?.deprecatedForRemoval) continue;
    out.push({
      kind: "removal",
      group: e.section,
      option: e.key,
      line: e.line,
      message: `[${e.section}] ${e.key} is deprecated for removal${
        opt.deprecatedSince ? ` since ${opt.deprecatedSince}` : ""
      } and has no replacement${opt.deprecatedReason ? `: ${opt.deprecatedReason}` : ""}`,
    });
  }
  return out;
}
