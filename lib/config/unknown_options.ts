/**
 * What oslo.config silently ignores: options the files set in groups the
 * program registered but that no option reads (`devug = true`), and whole
 * groups nothing registered. One line each, with file and line and a
 * did-you-mean, for a service to print at start; loading goes on regardless,
 * as in oslo.config (a file shared by several services holds the others'
 * groups). `deno task config-validator` is the strict check.
 *
 * @module
 */
import { normalizeGroupName, type ParsedFile } from "./namespace.ts";
import type { OptRegistry } from "./registry.ts";
import { suggest } from "./suggest.ts";

/** One line per unknown option and unknown group the files hold, in file order. */
export function unknownOptions(registry: OptRegistry, files: readonly ParsedFile[]): string[] {
  // The keys oslo.config reads, by group: each option's dest and its deprecated names.
  const known = new Map<string, Set<string>>();
  for (const reg of registry.opts) {
    if (!reg) continue;
    for (const n of reg.names) {
      let keys = known.get(n.group);
      if (!keys) known.set(n.group, keys = new Set());
      keys.add(n.name);
    }
  }
  const groups = [...registry.groups.keys()];
  const isKnown = (g: string) => registry.groups.has(g) || known.has(g);
  const out: string[] = [];
  for (const f of files) {
    const lines: [number, string][] = [];
    const seen = new Set<string>();
    for (const h of f.headers) {
      const g = normalizeGroupName(h.name);
      if (isKnown(g) || seen.has(g)) continue;
      seen.add(g);
      const hint = suggest(g, groups);
      lines.push([
        h.line,
        `${f.name}:${h.line}: ignoring unknown group [${h.name}]${
          hint ? `: did you mean [${hint}]?` : ""
        }`,
      ]);
    }
    for (const e of f.entries) {
      const g = normalizeGroupName(e.section);
      const keys = known.get(g);
      if (!isKnown(g) || keys?.has(e.key)) continue;
      const underscored = e.key.replaceAll("-", "_");
      const hint = keys?.has(underscored)
        ? `: write ${underscored} (oslo.config reads option names with "_", not "-")`
        : ((s) => s ? `: did you mean "${s}"?` : "")(suggest(e.key, [...keys ?? []]));
      lines.push([
        e.line,
        `${f.name}:${e.line}: ignoring unknown option [${e.section}] ${e.key}${hint}`,
      ]);
    }
    out.push(...lines.sort((a, b) => a[0] - b[0]).map(([, m]) => m));
  }
  return out;
}
