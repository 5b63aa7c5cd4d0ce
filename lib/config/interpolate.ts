/**
 * oslo.config's `$opt` / `${opt}` / `${group.opt}` substitution (Python's
 * `string.Template.safe_substitute` with idpattern `[_a-z][._a-z0-9]*`, any
 * case). `$$` and `\$` are a literal `$`. A bare name is looked up in the
 * value's own group first, then in DEFAULT; the referenced option's typed value
 * is printed as Python's `str()` would (`True`, `['a', 'b']`), None as "".
 * A reference to an option that does not exist is an error, as in oslo.config.
 *
 * @module
 */
import { InterpolationError } from "./errors.ts";
import { pyStr } from "./py.ts";

/** What a reference resolves to. */
export type RefResult =
  | { kind: "value"; value: unknown }
  | { kind: "no-option" }
  | { kind: "no-group" }
  | { kind: "group" };

/**
 * Looks up a reference: `group` undefined means "no group given" (DEFAULT,
 * where a group's name refers to the group itself, as oslo's `_get(name)`).
 */
export type RefLookup = (group: string | undefined, name: string) => RefResult;

const ID = "[_a-zA-Z\\u0130\\u0131\\u017f\\u212a][._a-zA-Z0-9\\u0130\\u0131\\u017f\\u212a]*";
const TEMPLATE = new RegExp(`\\$(?:(\\$)|(${ID})|\\{(${ID})\\}|)`, "g");

/**
 * Substitutes references in `text`, a value of option `option` in `group`.
 *
 * @example
 * ```ts
 * import { substitute } from "./interpolate.ts";
 * import assert from "node:assert/strict";
 *
 * const values: Record<string, unknown> = { "DEFAULT/host": "db", "database/port": 5432 };
 * const lookup = (g: string | undefined, n: string) => {
 *   const v = values[`${g ?? "DEFAULT"}/${n}`];
 *   return v === undefined ? { kind: "no-option" as const } : { kind: "value" as const, value: v };
 * };
 * assert.equal(substitute("$host:${database.port} $$1 \\$2", "database", "url", lookup), "db:5432 $1 $2");
 * ```
 */
export function substitute(
  text: string,
  group: string,
  option: string,
  lookup: RefLookup,
): string {
  if (!text.includes("$")) return text;
  const source = text.replaceAll("\\$", "$$$$");
  return source.replace(TEMPLATE, (match, escaped, named, braced) => {
    if (escaped) return "$";
    const key = (named ?? braced) as string | undefined;
    if (key === undefined) return match; // a lone "$" stays as it is
    const fail = (why: string) =>
      new InterpolationError(
        `${group}/${option}`,
        `Cannot substitute ${match} in option ${group}/${option}: ${why} (write $$ for a literal $)`,
      );
    const dot = key.indexOf(".");
    let r: RefResult = dot >= 0
      ? lookup(key.slice(0, dot), key.slice(dot + 1))
      : lookup(group === "DEFAULT" ? undefined : group, key);
    if (r.kind === "no-group") {
      throw fail(`there is no group [${key.slice(0, dot)}]`);
    }
    if (r.kind === "no-option") r = lookup(undefined, key);
    if (r.kind === "group") throw fail(`"${key}" is a group, not an option`);
    if (r.kind !== "value") throw fail(`there is no option "${key}"`);
    return r.value === null || r.value === undefined ? "" : pyStr(r.value);
  });
}

/** Substitutes in every string of a value (lists item by item, dicts in keys and values). */
export function substituteValue(
  value: unknown,
  group: string,
  option: string,
  lookup: RefLookup,
): unknown {
  if (typeof value === "string") return substitute(value, group, option, lookup);
  if (Array.isArray(value)) return value.map((v) => substituteValue(v, group, option, lookup));
  if (
    value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype
  ) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[substitute(k, group, option, lookup)] = substituteValue(v, group, option, lookup);
    }
    return out;
  }
  return value;
}
