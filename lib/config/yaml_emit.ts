/**
 * A small YAML writer for sample data, in PyYAML's block style (sequences
 * under a key not indented, compact `- - x`), strings double-quoted as JSON
 * writes them (valid YAML), so `yaml.safe_load` and `parseBlockYaml` read it.
 *
 * @module
 */

function scalar(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean" || typeof v === "number") {
    return typeof v === "number" && !Number.isFinite(v)
      ? (Number.isNaN(v) ? ".nan" : v > 0 ? ".inf" : "-.inf")
      : String(v);
  }
  return JSON.stringify(String(v));
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function block(v: unknown, indent: number): string[] {
  const pad = " ".repeat(indent);
  if (Array.isArray(v)) {
    if (v.length === 0) return [];
    return v.flatMap((item) => {
      if (Array.isArray(item) && item.length > 0) {
        const [first, ...rest] = block(item, indent + 2);
        return [`${pad}- ${(first as string).trimStart()}`, ...rest];
      }
      if (isMap(item) && Object.keys(item).length > 0) {
        const [first, ...rest] = block(item, indent + 2);
        return [`${pad}- ${(first as string).trimStart()}`, ...rest];
      }
      return [`${pad}- ${inline(item)}`];
    });
  }
  if (isMap(v)) {
    return Object.entries(v).flatMap(([k, item]) => {
      const key =
        /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(k)
          ? k
          : JSON.stringify(k);
      if (
        (Array.isArray(item) && item.length > 0) || (isMap(item) && Object.keys(item).length > 0)
      ) {
        return [`${pad}${key}:`, ...block(item, Array.isArray(item) ? indent : indent + 2)];
      }
      return [`${pad}${key}: ${inline(item)}`];
    });
  }
  return [`${pad}${scalar(v)}`];
}

function inline(v: unknown): string {
  if (Array.isArray(v)) return "[]";
  if (isMap(v)) return "{}";
  return scalar(v);
}

/**
 * Writes plain data (maps, lists, strings, numbers, booleans, null) as YAML.
 *
 * @example
 * ```ts
 * import { toYaml } from "./yaml_emit.ts";
 * import { parseBlockYaml } from "./yaml_block.ts";
 * import assert from "node:assert/strict";
 *
 * const data = { options: { DEFAULT: { opts: [{ name: "debug", choices: [["a", null]] }] } }, x: [] };
 * assert.deepEqual(parseBlockYaml(toYaml(data)), data);
 * ```
 */
export function toYaml(data: unknown): string {
  return block(data, 0).join("\n") + "\n";
}
