/**
 * oslo.config's scalar option classes: `StrOpt`, `BoolOpt`, `IntOpt`, `FloatOpt`, `PortOpt`.
 *
 * @module
 */
import { makeOpt, type Opt, type OptOptions, type ReadType } from "./opt.ts";
import {
  booleanType,
  type ConfigType,
  floatType,
  integerType,
  type NumberTypeOptions,
  portType,
  stringType,
  type StringTypeOptions,
} from "./types.ts";

/**
 * Converters of options that set nothing about their type: shared by every
 * such option, so thousands of them hold (and a load reads) five converters,
 * not one each.
 */
const PLAIN = {
  string: stringType(),
  boolean: booleanType(),
  integer: integerType() as ConfigType<number>,
  float: floatType() as ConfigType<number>,
  port: portType() as ConfigType<number>,
};

/** Whether number options set none of the type's settings. */
const plainNumber = (o: NumberTypeOptions) =>
  o.min === undefined && o.max === undefined && o.choices === undefined &&
  o.typeName === undefined;

/**
 * oslo.config's `StrOpt`.
 *
 * @example Choices, and a deprecated name
 * ```ts
 * import { ConfigOpts, optGroup, strOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const g = optGroup("api", [strOpt("mode", { choices: ["a", "b"], default: "a", deprecatedName: "api_mode" })]);
 * const conf = new ConfigOpts().register(g).loadTexts([{ name: "x", text: "[api]\napi_mode = b\n" }]);
 * assert.equal(conf.group(g).mode, "b");
 * ```
 */
export function strOpt<
  const N extends string,
  const O extends OptOptions<string> & StringTypeOptions,
>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<string, O>> {
  const plain = options.choices === undefined && !options.quotes && options.regex === undefined &&
    !options.ignoreCase && !options.maxLength && options.typeName === undefined;
  return makeOpt(name, plain ? PLAIN.string : stringType(options), options, { kind: "StrOpt" });
}

/**
 * oslo.config's `BoolOpt`.
 *
 * @example oslo spellings
 * ```ts
 * import { boolOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(boolOpt("debug").type.convert("On"), true);
 * ```
 */
export function boolOpt<const N extends string, const O extends OptOptions<boolean>>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<boolean, O>> {
  return makeOpt(name, PLAIN.boolean, options, { kind: "BoolOpt" });
}

/**
 * oslo.config's `IntOpt` (min, max, choices).
 *
 * @example Bounds are checked
 * ```ts
 * import { intOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => intOpt("workers", { min: 1 }).type.convert("0"), /greater than or equal to 1/);
 * ```
 */
export function intOpt<
  const N extends string,
  const O extends OptOptions<number> & NumberTypeOptions,
>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<number, O>> {
  const type = plainNumber(options) ? PLAIN.integer : integerType(options) as ConfigType<number>;
  return makeOpt(name, type, options, { kind: "IntOpt" });
}

/**
 * oslo.config's `FloatOpt` (min, max).
 *
 * @example Python float literals
 * ```ts
 * import { floatOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(floatOpt("ratio").type.convert("1e-1"), 0.1);
 * ```
 */
export function floatOpt<
  const N extends string,
  const O extends OptOptions<number> & Omit<NumberTypeOptions, "choices">,
>(name: N, options: O = {} as O): Opt<N, ReadType<number, O>> {
  const type = plainNumber(options) ? PLAIN.float : floatType(options) as ConfigType<number>;
  return makeOpt(name, type, options, { kind: "FloatOpt" });
}

/**
 * oslo.config's `PortOpt` (0..65535, min, max, choices).
 *
 * @example 0..65535
 * ```ts
 * import { portOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => portOpt("bind_port").type.convert("70000"));
 * ```
 */
export function portOpt<
  const N extends string,
  const O extends OptOptions<number> & NumberTypeOptions,
>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<number, O>> {
  const type = plainNumber(options) ? PLAIN.port : portType(options) as ConfigType<number>;
  return makeOpt(name, type, options, { kind: "PortOpt" });
}
