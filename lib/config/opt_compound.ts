/**
 * oslo.config's option classes holding several values: `ListOpt`, `DictOpt`,
 * `MultiStrOpt`, `MultiOpt`.
 *
 * @module
 */
import { makeOpt, type Opt, type OptOptions, type ReadType } from "./opt.ts";
import { type ConfigType, stringType } from "./types.ts";
import { dictType, listType, type ListTypeOptions, multiStringType } from "./types_collection.ts";

/** Converters of list and dict options that set nothing about their type, shared (see opt_scalar.ts). */
const PLAIN = { list: listType(stringType()), dict: dictType(stringType()) };

/** Whether list or dict options set none of the type's settings. */
const plainCollection = (o: ListTypeOptions & { itemType?: unknown; valueType?: unknown }) =>
  o.itemType === undefined && o.valueType === undefined && !o.bounds && o.typeName === undefined;

/**
 * oslo.config's `ListOpt` (items are strings unless `itemType` says otherwise).
 *
 * @example Typed items
 * ```ts
 * import { integerType, listOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(listOpt("ports", { itemType: integerType() }).type.convert("80, 443"), [80, 443]);
 * ```
 */
export function listOpt<
  const N extends string,
  const O extends OptOptions<string[]> & ListTypeOptions & { itemType?: ConfigType<unknown> },
>(name: N, options: O = {} as O): Opt<N, ReadType<string[], O>> {
  if (plainCollection(options)) return makeOpt(name, PLAIN.list, options, { kind: "ListOpt" });
  const item = (options.itemType ?? stringType()) as ConfigType<string>;
  return makeOpt(name, listType(item, options), options, { kind: "ListOpt" });
}

/**
 * oslo.config's `DictOpt` (values are strings unless `valueType` says otherwise).
 *
 * @example key:value pairs
 * ```ts
 * import { dictOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(dictOpt("labels").type.convert("a:1, b:2"), { a: "1", b: "2" });
 * ```
 */
export function dictOpt<
  const N extends string,
  const O extends
    & OptOptions<Record<string, string>>
    & ListTypeOptions
    & { valueType?: ConfigType<unknown> },
>(name: N, options: O = {} as O): Opt<N, ReadType<Record<string, string>, O>> {
  if (plainCollection(options)) return makeOpt(name, PLAIN.dict, options, { kind: "DictOpt" });
  const value = (options.valueType ?? stringType()) as ConfigType<string>;
  return makeOpt(name, dictType(value, options), options, { kind: "DictOpt" });
}

/**
 * oslo.config's `MultiStrOpt`: every value given, in order, across files
 * (undefined, as oslo.config's None, when none is given and there is no default).
 *
 * @example Every value, across files
 * ```ts
 * import { ConfigOpts, multiStrOpt, optGroup } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const g = optGroup("DEFAULT", [multiStrOpt("hook")]);
 * const conf = new ConfigOpts().register(g).loadTexts([
 *   { name: "1", text: "[DEFAULT]\nhook = a\nhook = b\n" },
 *   { name: "2", text: "[DEFAULT]\nhook = c\n" },
 * ]);
 * assert.deepEqual(conf.group(g).hook, ["a", "b", "c"]);
 * ```
 */
export function multiStrOpt<const N extends string, const O extends OptOptions<string[]>>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<string[], O>> {
  return makeOpt(name, multiStringType() as ConfigType<unknown>, options as OptOptions<unknown>, {
    multi: true,
    kind: "MultiStrOpt",
  }) as unknown as Opt<N, ReadType<string[], O>>;
}

/**
 * oslo.config's `MultiOpt`: every value given, each converted by `itemType`.
 *
 * @example Typed items
 * ```ts
 * import { integerType, multiOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const o = multiOpt("n", integerType());
 * assert.equal(o.multi, true);
 * assert.equal(o.type.convert("7"), 7);
 * ```
 */
export function multiOpt<const N extends string, T, const O extends OptOptions<T[]>>(
  name: N,
  itemType: ConfigType<T>,
  options: O = {} as O,
): Opt<N, ReadType<T[], O>> {
  return makeOpt(name, itemType as ConfigType<unknown>, options as OptOptions<unknown>, {
    multi: true,
    kind: "MultiOpt",
  }) as unknown as Opt<N, ReadType<T[], O>>;
}
