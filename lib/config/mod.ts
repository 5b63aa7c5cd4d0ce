/**
 * lib/config: oslo.config's semantics for Deno. Typed options with full
 * metadata, INI files in oslo.config's dialect, the environment and the command
 * line as sources with oslo.config's precedence, every value with its location.
 *
 * @example Declare, load and read
 * ```ts
 * import { boolOpt, ConfigOpts, optGroup } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const defaults = optGroup("DEFAULT", [boolOpt("debug", { default: false })]);
 * const conf = new ConfigOpts().register(defaults);
 * await conf.load({ texts: [{ name: "svc.conf", text: "[DEFAULT]\ndebug = yes\n" }], env: false });
 * assert.equal(conf.group(defaults).debug, true);
 * ```
 *
 * @module
 */
export { ConfigOpts, envVarName, normalizeGroupName } from "./config_opts.ts";
export type { ConfigText, LoadOptions, ResolvedValue } from "./config_opts.ts";
export { parseIni, parseIniDocument } from "./ini.ts";
export type { IniDocument, IniEntry, IniSection, IniSections, ParseIniOptions } from "./ini.ts";
export { describeLocation } from "./location.ts";
export type { Location, LocationKind } from "./location.ts";
export {
  boolOpt,
  dictOpt,
  floatOpt,
  hostAddressOpt,
  hostnameOpt,
  intOpt,
  ipOpt,
  listOpt,
  makeOpt,
  multiStrOpt,
  optGroup,
  portOpt,
  strOpt,
  uriOpt,
} from "./opt.ts";
export type { DeprecatedOpt, GroupValues, Opt, OptGroup, OptOptions, ReadType } from "./opt.ts";
export {
  booleanType,
  dictType,
  floatType,
  hostAddressType,
  hostnameType,
  integerType,
  ipAddressType,
  listType,
  portType,
  stringType,
  uriType,
} from "./types.ts";
export type {
  ConfigType,
  ListTypeOptions,
  NumberTypeOptions,
  StringTypeOptions,
  UriTypeOptions,
} from "./types.ts";
export { InterpolationError } from "./interpolate.ts";
export {
  ArgsError,
  ConfigError,
  ConfigErrors,
  ConfigFileParseError,
  ConfigFilesNotFoundError,
  ConfigFileValueError,
  DefaultValueError,
  DuplicateOptError,
  NoSuchOptError,
  RequiredOptError,
} from "./errors.ts";
export { parseArgs } from "./args.ts";
export type { CliOpt, CliValue, ParsedArgs } from "./args.ts";
export { validateConfigText } from "./validate.ts";
export type { Finding, SchemaGroup } from "./validate.ts";
