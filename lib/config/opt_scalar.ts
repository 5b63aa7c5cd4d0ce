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
  return makeOpt(name, stringType(options), options, { kind: "StrOpt" });
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
  return makeOpt(name, booleanType(), options, { kind: "BoolOpt" });
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
  return makeOpt(name, integerType(options) as ConfigType<number>, options, { kind: "IntOpt" });
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
  return makeOpt(name, floatType(options) as ConfigType<number>, options, { kind: "FloatOpt" });
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
  return makeOpt(name, portType(options) as ConfigType<number>, options, { kind: "PortOpt" });
}
