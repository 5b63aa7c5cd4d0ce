/**
 * Option value types, after oslo_config/types.py: a type is a converter that
 * throws. `convert` takes the text from a file, the environment or the command
 * line (or an already typed value) and returns the typed value, or throws a
 * `TypeError` whose message is oslo.config's for the same input.
 *
 * Scalar types live here; `types_collection.ts` has List, Dict and
 * MultiString, `types_net.ts` the address types.
 *
 * @module
 */
import { pyFloat, pyFormatG, pyInt, pyRepr, pyStr, pyStrip } from "./py.ts";

/** A choice and its description (`null` when none), as oslo.config keeps them. */
export type Choice<T> = readonly [value: T, description: string | null];

/** A converter from option text to a typed value. */
export interface ConfigType<T> {
  /** The name samples print (`string value`, `boolean value`, ...). */
  readonly typeName: string;
  /** Converts text (or an already typed value) to `T`; throws `TypeError` when invalid. */
  convert(value: unknown): T;
  /** Formats a value the way a sample config file shows it (oslo's `_formatter`). */
  format(value: T): string;
  /** Allowed values with their descriptions, where the type has them. */
  readonly choices?: readonly Choice<unknown>[];
  /** Smallest allowed value (numbers). */
  readonly min?: number;
  /** Largest allowed value (numbers). */
  readonly max?: number;
}

/** Choices as plain values or `[value, description]` pairs (oslo accepts both). */
export type ChoicesInput<T> = readonly T[] | readonly Choice<T>[];

function normalizeChoices<T>(choices: ChoicesInput<T> | undefined): Choice<T>[] | undefined {
  if (choices === undefined) return undefined;
  const all = choices as readonly unknown[];
  if (all.length > 0 && all.every((c) => Array.isArray(c))) return [...choices] as Choice<T>[];
  return all.map((c) => [c as T, null]);
}

/** oslo's `quote_trailing_and_leading_space`. */
export function quoteEdgeSpace(s: string): string {
  return pyStrip(s) !== s ? `"${s}"` : s;
}

/** Options of {@linkcode stringType}. */
export interface StringTypeOptions {
  /** Allowed values (or `[value, description]` pairs); mutually exclusive with `regex`. */
  choices?: ChoicesInput<string>;
  /** Strip one pair of matching outer quotes; an unbalanced quote is an error. */
  quotes?: boolean;
  /** A pattern the value must contain (unanchored, like Python's `re.search`). */
  regex?: string | RegExp;
  /** Compare `choices` and `regex` ignoring case (the value keeps its case). */
  ignoreCase?: boolean;
  /** Maximum length (in code points) after quote stripping; 0 or absent means none. */
  maxLength?: number;
  /** The name samples print. */
  typeName?: string;
}

/**
 * oslo.config's `String` type.
 *
 * @example Choices ignoring case keep the value's own case
 * ```ts
 * import { stringType } from "./types.ts";
 * import assert from "node:assert/strict";
 *
 * const t = stringType({ choices: ["A"], ignoreCase: true });
 * assert.equal(t.convert("a"), "a");
 * assert.throws(() => t.convert("b"), /Valid values are \[A\], but found 'b'/);
 * ```
 */
export function stringType(options: StringTypeOptions = {}): ConfigType<string> {
  const { quotes = false, ignoreCase = false } = options;
  const maxLength = options.maxLength ?? 0;
  const choices = normalizeChoices(options.choices);
  if (choices && choices.length > 0 && options.regex !== undefined) {
    throw new TypeError("Cannot use both 'choices' and 'regex'");
  }
  const regex = options.regex === undefined ? undefined : toRegExp(options.regex, ignoreCase);
  const keys = choices?.map(([c]) => ignoreCase ? c.toLowerCase() : c);
  return {
    typeName: options.typeName ?? "string value",
    ...(choices ? { choices } : {}),
    convert(value: unknown): string {
      let s = pyStr(value);
      if (quotes && s.length > 0 && (s[0] === '"' || s[0] === "'")) {
        if (s.length === 1 || s[s.length - 1] !== s[0]) {
          throw new TypeError(`Non-closed quote: ${s}`);
        }
        s = s.slice(1, -1);
      }
      if (maxLength > 0 && [...s].length > maxLength) {
        throw new TypeError(`Value '${s}' exceeds maximum length ${maxLength}`);
      }
      if (regex) {
        regex.lastIndex = 0;
        if (!regex.test(s)) {
          throw new TypeError(`Value ${pyRepr(s)} doesn't match regex ${pyRepr(regex.source)}`);
        }
      }
      if (!choices || !keys) return s;
      if (keys.includes(ignoreCase ? s.toLowerCase() : s)) return s;
      throw new TypeError(
        `Valid values are [${choices.map(([c]) => c).join(", ")}], but found ${pyRepr(s)}`,
      );
    },
    format: quoteEdgeSpace,
  };
}

function toRegExp(regex: string | RegExp, ignoreCase: boolean): RegExp {
  const source = typeof regex === "string" ? regex : regex.source;
  const flags = new Set([...(typeof regex === "string" ? "u" : regex.flags.replace(/[gy]/g, ""))]);
  if (ignoreCase) flags.add("i");
  return new RegExp(source, [...flags].join(""));
}

const TRUE_VALUES = ["true", "1", "on", "yes"];
const FALSE_VALUES = ["false", "0", "off", "no"];

/**
 * oslo.config's `Boolean` type: `true/1/on/yes` and `false/0/off/no`, any case.
 *
 * @example
 * ```ts
 * import { booleanType } from "./types.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(booleanType().convert("YES"), true);
 * assert.throws(() => booleanType().convert("y"), /Unexpected boolean value 'y'/);
 * ```
 */
export function booleanType(typeName = "boolean value"): ConfigType<boolean> {
  return {
    typeName,
    convert(value: unknown): boolean {
      if (typeof value === "boolean") return value;
      switch (value) { // the usual spellings, without lower-casing
        case "true":
        case "True":
        case "1":
          return true;
        case "false":
        case "False":
        case "0":
          return false;
      }
      const s = String(value).toLowerCase();
      if (TRUE_VALUES.includes(s)) return true;
      if (FALSE_VALUES.includes(s)) return false;
      throw new TypeError(`Unexpected boolean value ${pyRepr(String(value))}`);
    },
    format: (v) => String(v).toLowerCase(),
  };
}

/** Options of the number types. */
export interface NumberTypeOptions {
  /** Smallest allowed value. */
  min?: number;
  /** Largest allowed value. */
  max?: number;
  /** Allowed values (integers and ports only); replaces the min/max checks. */
  choices?: ChoicesInput<number>;
  /** The name samples print. */
  typeName?: string;
}

function numberType(
  kind: "int" | "float",
  options: NumberTypeOptions,
  defaultName: string,
): ConfigType<number | null> {
  const { min, max } = options;
  if (min !== undefined && max !== undefined && max < min) {
    throw new RangeError("Max value is less than min value");
  }
  const choices = normalizeChoices(options.choices);
  const outside = (choices ?? []).map(([c]) => c).filter((c) =>
    (min !== undefined && min > c) || (max !== undefined && max < c)
  );
  if (outside.length > 0) {
    throw new RangeError(
      `Choices [${outside.join(", ")}] are out of bounds [${min ?? "None"}..${max ?? "None"}]`,
    );
  }
  return {
    typeName: options.typeName ?? defaultName,
    ...(choices ? { choices } : {}),
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
    convert(value: unknown): number | null {
      let n: number;
      if (typeof value === "number" && (kind === "float" || Number.isInteger(value))) {
        n = value;
      } else {
        const text = pyStr(value);
        if (pyStrip(text) === "") return null; // oslo.config gives None for blank text
        n = kind === "int" ? pyInt(text) : pyFloat(text);
      }
      if (choices) {
        if (choices.some(([c]) => c === n)) return n;
        const repr = `OrderedDict(${
          choices.length === 0
            ? ""
            : `[${
              choices.map(([c, d]) => `(${c}, ${d === null ? "None" : pyRepr(d)})`).join(", ")
            }]`
        })`;
        throw new TypeError(`Valid values are ${repr}, but found ${pyFormatG(n)}`);
      }
      if (min !== undefined && n < min) {
        throw new TypeError(`Should be greater than or equal to ${pyFormatG(min)}`);
      }
      if (max !== undefined && n > max) {
        throw new TypeError(`Should be less than or equal to ${pyFormatG(max)}`);
      }
      return n;
    },
    format: (v) => v === null ? "<None>" : String(v),
  };
}

/**
 * oslo.config's `Integer`: blank text converts to `null`, as oslo.config gives None.
 *
 * @example Blank text is None
 * ```ts
 * import { integerType } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(integerType().convert(" "), null);
 * assert.equal(integerType({ choices: [1, 2] }).convert("2"), 2);
 * ```
 */
export function integerType(options: NumberTypeOptions = {}): ConfigType<number | null> {
  return numberType("int", options, "integer value");
}

/**
 * oslo.config's `Float` (no choices).
 *
 * @example inf and nan too
 * ```ts
 * import { floatType } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(floatType().convert("-inf"), -Infinity);
 * ```
 */
export function floatType(
  options: Omit<NumberTypeOptions, "choices"> = {},
): ConfigType<number | null> {
  return numberType("float", options, "floating point value");
}

/**
 * oslo.config's `Port`: an integer within 0..65535 (`PortOpt` names it `port value`).
 *
 * @example Custom bounds inside 0..65535
 * ```ts
 * import { portType } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(portType({ min: 1024 }).convert("8080"), 8080);
 * assert.throws(() => portType({ min: 1024 }).convert("80"));
 * ```
 */
export function portType(options: NumberTypeOptions = {}): ConfigType<number | null> {
  const min = options.min ?? 0;
  const max = options.max ?? 65535;
  if (min < 0) throw new RangeError("Min value cannot be less than 0");
  if (max > 65535) throw new RangeError("Max value cannot be more than 65535");
  return numberType("int", { ...options, min, max }, "port value");
}

/** A Python `range`: `start` up to (not including) `stop` by `step`. */
export interface RangeValue {
  /** First value. */
  start: number;
  /** Bound, excluded. */
  stop: number;
  /** 1 or -1. */
  step: number;
}

/** Options of {@linkcode rangeType}. */
export interface RangeTypeOptions {
  /** Smallest lower bound. */
  min?: number;
  /** Largest upper bound. */
  max?: number;
  /** Include the right bound (the default). */
  inclusive?: boolean;
  /** The name samples print. */
  typeName?: string;
}

/**
 * oslo.config's `Range`: `N` or `N-M` (negatives allowed), as a Python range.
 *
 * @example A descending range steps by -1
 * ```ts
 * import { rangeType } from "./types.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(rangeType().convert("5-1"), { start: 5, stop: 0, step: -1 });
 * ```
 */
export function rangeType(options: RangeTypeOptions = {}): ConfigType<RangeValue> {
  const inclusive = options.inclusive ?? true;
  const lower = integerType(options.min === undefined ? {} : { min: options.min });
  const upper = integerType(options.max === undefined ? {} : { max: options.max });
  return {
    typeName: options.typeName ?? "range value",
    convert(value: unknown): RangeValue {
      const s = pyStr(value);
      const m = /^(0|-?[1-9][0-9]*)(?:-(0|-?[1-9][0-9]*))?(?:\n)?$/.exec(s);
      if (!m) throw new TypeError(`Invalid Range: ${s}`);
      let left = pyInt(m[1] as string);
      let right = m[2] === undefined ? left : pyInt(m[2]);
      let step: number;
      if (left < right) {
        left = lower.convert(left) as number;
        right = upper.convert(right) as number;
        step = 1;
      } else {
        left = upper.convert(left) as number;
        right = lower.convert(right) as number;
        step = -1;
      }
      return { start: left, stop: inclusive ? right + step : right, step };
    },
    format: (v) => pyStr(v),
  };
}
