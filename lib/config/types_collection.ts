/**
 * oslo.config's container types: `List`, `Dict` and `MultiString`.
 *
 * @module
 */
import { pyStr, pyStrip, pyStripSlice } from "./py.ts";
import { type ConfigType, quoteEdgeSpace, stringType } from "./types.ts";

/** Options of {@linkcode listType} and {@linkcode dictType}. */
export interface ListTypeOptions {
  /** The value must be written inside `[` and `]` (`{` and `}` for a dict). */
  bounds?: boolean;
  /** The name samples print. */
  typeName?: string;
}

/** Where the piece starting at `from` ends: the next comma, else the end of `s`. */
function nextComma(s: string, from: number): number {
  const at = s.indexOf(",", from);
  return at < 0 ? s.length : at;
}

/** `s` without its trailing commas (`/,+$/`). */
function trimCommas(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 44) end--;
  return end === s.length ? s : s.slice(0, end);
}

function unwrap(s: string, open: string, close: string): string {
  if (!s.startsWith(open)) throw new TypeError(`Value should start with "${open}"`);
  if (!s.endsWith(close)) throw new TypeError(`Value should end with "${close}"`);
  return s.slice(1, -1);
}

/**
 * oslo.config's `List`: comma-separated items of `itemType` (strings by default).
 *
 * @example Items may contain commas when the item type needs them
 * ```ts
 * import { listType } from "./types_collection.ts";
 * import { stringType } from "./types.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(listType(stringType()).convert("a, b,"), ["a", "b"]);
 * ```
 */
export function listType<T = string>(
  itemType: ConfigType<T> = stringType() as unknown as ConfigType<T>,
  options: ListTypeOptions = {},
): ConfigType<T[]> & { readonly itemType: ConfigType<T> } {
  return {
    typeName: options.typeName ?? "list value",
    itemType,
    convert(value: unknown): T[] {
      if (Array.isArray(value)) return value.map((v) => itemType.convert(v));
      let s = trimCommas(pyStrip(pyStr(value)));
      if (options.bounds) s = unwrap(s, "[", "]");
      if (s === "") return [];
      // As many items as pieces, unless some are re-joined (then the array is cut to size).
      let pieces = 1;
      for (let at = s.indexOf(","); at >= 0; at = s.indexOf(",", at + 1)) pieces++;
      const out = new Array<T>(pieces);
      let n = 0;
      // Comma-separated pieces, s.slice(from, end): a piece that fails is re-joined with the
      // next one and retried, so items may contain commas; when the pieces run out, the last
      // failure is raised, as oslo.config does.
      for (let from = 0; from <= s.length;) {
        let end = nextComma(s, from);
        for (;;) {
          try {
            const item = itemType.convert(pyStripSlice(s, from, end));
            out[n++] = item;
            break;
          } catch (e) {
            if (!(e instanceof TypeError) || end >= s.length) throw e;
            end = nextComma(s, end + 1);
          }
        }
        from = end + 1;
      }
      if (n < pieces) out.length = n;
      return out;
    },
    format(value: T[]): string {
      const body = Array.isArray(value)
        ? value.map((v) => itemType.format(v)).join(",")
        : typeof value === "string"
        ? value
        : itemType.format(value);
      return options.bounds ? `[${body}]` : body;
    },
  };
}

/**
 * oslo.config's `Dict`: comma-separated `key:value` pairs split on the first
 * colon; values are of `valueType` (strings by default).
 *
 * @example
 * ```ts
 * import { dictType } from "./types_collection.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(dictType().convert("a:b:c, d:1"), { a: "b:c", d: "1" });
 * assert.throws(() => dictType().convert("a:1,a:2"), /Duplicate key a/);
 * ```
 */
export function dictType<T = string>(
  valueType: ConfigType<T> = stringType() as unknown as ConfigType<T>,
  options: ListTypeOptions = {},
): ConfigType<Record<string, T>> & { readonly valueType: ConfigType<T> } {
  return {
    typeName: options.typeName ?? "dict value",
    valueType,
    convert(value: unknown): Record<string, T> {
      if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        return value as Record<string, T>;
      }
      let s = pyStrip(pyStr(value));
      if (options.bounds) s = unwrap(s, "{", "}");
      const result: Record<string, T> = {};
      if (s === "") return result;
      // Pairs are re-joined and retried as list items are (see listType).
      for (let from = 0; from <= s.length;) {
        let end = nextComma(s, from);
        let key: string;
        let v: T;
        for (;;) {
          try {
            const at = s.indexOf(":", from);
            if (at < 0 || at >= end) {
              throw new TypeError('Value should be NAME:VALUE pairs separated by ","');
            }
            key = pyStripSlice(s, from, at);
            v = valueType.convert(pyStripSlice(s, at + 1, end));
            break;
          } catch (e) {
            if (!(e instanceof TypeError) || end >= s.length) throw e;
            end = nextComma(s, end + 1);
          }
        }
        from = end + 1;
        if (key === "") throw new TypeError("Key name should not be empty");
        if (Object.hasOwn(result, key)) throw new TypeError(`Duplicate key ${key}`);
        // Only "__proto__" needs defining: a plain object has no other inherited setter.
        if (key === "__proto__") {
          Object.defineProperty(result, key, {
            value: v,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        } else result[key] = v;
      }
      return result;
    },
    format(value: Record<string, T>): string {
      const keys = Object.keys(value).sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
      return keys.map((k) => `${k}:${pyStr(value[k])}`).join(",");
    },
  };
}

/**
 * oslo.config's `MultiString`: the item type of `MultiStrOpt` (samples show `['']` when empty).
 *
 * @example Its type name
 * ```ts
 * import { multiStringType } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(multiStringType().typeName, "multi valued");
 * ```
 */
export function multiStringType(typeName = "multi valued"): ConfigType<string> {
  return { ...stringType({ typeName }), format: quoteEdgeSpace };
}
