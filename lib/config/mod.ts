/**
 * lib/config: oslo.config's semantics for Deno. Typed options with full
 * metadata, INI files in oslo.config's dialect, the command line, the
 * environment and config-source drivers as sources with oslo.config's
 * precedence, every value with its location, mutable options reloaded on
 * demand (SIGHUP) with hooks, strict validation against oslo-config-generator
 * samples, and upgrade migration of deprecated options.
 *
 * @example Declare, load and read
 * ```ts
 * import { boolOpt, ConfigOpts, optGroup } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const defaults = optGroup("DEFAULT", [boolOpt("debug", { default: false, mutable: true })]);
 * const conf = new ConfigOpts().register(defaults);
 * await conf.load({ texts: [{ name: "svc.conf", text: "[DEFAULT]\ndebug = yes\n" }], env: false });
 * assert.equal(conf.group(defaults).debug, true);
 * assert.deepEqual(conf.location("DEFAULT", "debug"), { kind: "user", detail: "svc.conf", line: 2 });
 * ```
 *
 * @module
 */
export { ConfigOpts } from "./config_opts.ts";
export type { ConfigLogger, ConfigOptsOptions } from "./config_options.ts";
export type { GroupInfo } from "./registry.ts";
export type { LoadOptions } from "./load.ts";
export { normalizeGroupName } from "./namespace.ts";
export type { ConfigText } from "./namespace.ts";
export { envVarName } from "./registry.ts";
export type { ResolvedValue } from "./resolved_value.ts";
export type {
  ConfigChange,
  MutateHook,
  ReloadEvent,
  ReloadListener,
  ReloadStatus,
} from "./reload.ts";
export { reloadOnSignal } from "./sighup.ts";
export type { ReloadOnSignalOptions, SignalReload } from "./sighup.ts";
export { parseIni, parseIniDocument, parseIniMap } from "./ini.ts";
export type {
  IniDocument,
  IniEntry,
  IniSection,
  IniSections,
  IniSectionsMap,
  ParseIniOptions,
} from "./ini.ts";
export { describeLocation } from "./location.ts";
export type { Location, LocationKind } from "./location.ts";
export { makeOpt, optGroup } from "./opt.ts";
export { boolOpt, floatOpt, intOpt, portOpt, strOpt } from "./opt_scalar.ts";
export { dictOpt, listOpt, multiOpt, multiStrOpt } from "./opt_compound.ts";
export { hostAddressOpt, hostDomainOpt, hostnameOpt, ipOpt, uriOpt } from "./opt_net.ts";
export type {
  DeprecatedOpt,
  GroupValues,
  Opt,
  OptGroup,
  OptGroupOptions,
  OptKind,
  OptOptions,
  ReadType,
} from "./opt.ts";
export { booleanType, floatType, integerType, portType, rangeType, stringType } from "./types.ts";
export type {
  Choice,
  ChoicesInput,
  ConfigType,
  NumberTypeOptions,
  RangeTypeOptions,
  RangeValue,
  StringTypeOptions,
} from "./types.ts";
export { dictType, listType, multiStringType } from "./types_collection.ts";
export type { ListTypeOptions } from "./types_collection.ts";
export {
  hostAddressType,
  hostDomainType,
  hostnameType,
  ipAddressType,
  maskPassword,
  uriType,
} from "./types_net.ts";
export type { IpVersion, UriTypeOptions } from "./types_net.ts";
export { looksSecret, REDACTED } from "./redact.ts";
export type { ConfigSource, ConfigSourceDriver, SourceHost, SourceValue } from "./source.ts";
export { BUILTIN_DRIVERS } from "./drivers/builtin.ts";
export { castellanDriver } from "./drivers/castellan.ts";
export { environmentDriver } from "./drivers/environment.ts";
export { remoteFileDriver } from "./drivers/remote_file.ts";
export { secretsDirDriver } from "./drivers/secrets_dir.ts";
export {
  ArgsError,
  ConfigDirNotFoundError,
  ConfigError,
  ConfigErrors,
  ConfigFileParseError,
  ConfigFilesNotFoundError,
  ConfigFilesPermissionDeniedError,
  ConfigFileValueError,
  ConfigSourceError,
  DefaultValueError,
  DuplicateOptError,
  InterpolationError,
  NoSuchOptError,
  RequiredOptError,
} from "./errors.ts";
export { parseArgs } from "./args.ts";
export type { ArgEvent, CliOpt, ParsedArgs } from "./args.ts";
export { suggest } from "./suggest.ts";
export {
  compileExcludePatterns,
  ExcludePatternError,
  UNTRUSTED_PATTERN_LIMITS,
} from "./exclude_patterns.ts";
export {
  exitStatus,
  KNOWN_BAD_GROUPS,
  VALIDATE_DEFAULTS_EXCLUSIONS,
  validateConfigText,
} from "./validate.ts";
export type { Finding, FindingKind, ValidateOptions } from "./validate.ts";
export { loadSchema, parseSampleData, SchemaError, schemaFromGroups } from "./schema.ts";
export { migrateConfigText } from "./migrate.ts";
export type { MigrationChange, MigrationResult, MigrationWarning } from "./migrate.ts";
export { MERGED_OPTIONS } from "./migrate_merges.ts";
export type { MergedOptions } from "./migrate_merges.ts";
export { unifiedDiff } from "./diff.ts";
export { formatSampleIni, sampleData } from "./sample.ts";
export type { SampleGroup } from "./sample.ts";
export { toYaml } from "./yaml_emit.ts";
export type { DeprecatedName, Schema, SchemaGroup, SchemaGroupInfo } from "./schema.ts";
