/**
 * What a config file is validated against: the machine-readable sample that
 * `oslo-config-generator --format yaml|json` writes (`options`,
 * `deprecated_options`), or options registered in code. Each sample entry
 * becomes an {@linkcode Opt} whose type is rebuilt from its `type` name,
 * `choices`, `min` and `max` (the sample holds no more than that).
 *
 * @module
 */
import { ConfigError } from "./errors.ts";
import { normalizeGroupName } from "./namespace.ts";
import { makeOpt, type Opt, type OptKind, type OptOptions } from "./opt.ts";
import {
  booleanType,
  type Choice,
  type ConfigType,
  floatType,
  integerType,
  portType,
  rangeType,
  stringType,
} from "./types.ts";
import { dictType, listType, multiStringType } from "./types_collection.ts";
import {
  hostAddressType,
  hostDomainType,
  hostnameType,
  ipAddressType,
  uriType,
} from "./types_net.ts";
import { parseBlockYaml, UnsupportedYaml } from "./yaml_block.ts";

/** A deprecated name the sample lists, and what replaces it. */
export interface DeprecatedName {
  /** The old option name. */
  name: string;
  /** The old `dest`, when the sample gives one. */
  dest?: string;
  /** The new option name. */
  replacementName: string;
  /** The new group. */
  replacementGroup: string;
}

/** One group of a schema. */
export interface SchemaGroupInfo {
  /** Group name exactly as the sample writes it. */
  name: string;
  /** Group help. */
  help: string;
  /** Its options. */
  opts: Opt[];
  /** Option names and dests (what a file may write). */
  names: Set<string>;
}

/** A validation schema: groups keyed by exact name, deprecated names keyed by old group. */
export interface Schema {
  groups: Map<string, SchemaGroupInfo>;
  deprecated: Map<string, DeprecatedName[]>;
}

/** A declared group, as validation needs it (`ConfigOpts.groups()` returns these). */
export interface SchemaGroup {
  /** Group name. */
  name: string;
  /** Its options. */
  opts: readonly Opt[];
  /** Group help. */
  help?: string;
}

/** The sample data could not be read. */
export class SchemaError extends ConfigError {
  override readonly code = "ERR_CONFIG_SCHEMA";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SchemaError";
  }
}

/**
 * Builds a schema from groups registered in code; deprecated names come from each option.
 *
 * @example Deprecated names come from the options
 * ```ts
 * import { optGroup, schemaFromGroups, strOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const s = schemaFromGroups([optGroup("db", [strOpt("connection", { deprecatedName: "sql", deprecatedGroup: "DEFAULT" })])]);
 * assert.deepEqual(s.deprecated.get("DEFAULT"), [{ name: "sql", replacementName: "connection", replacementGroup: "db" }]);
 * ```
 */
export function schemaFromGroups(groups: readonly SchemaGroup[]): Schema {
  const schema: Schema = { groups: new Map(), deprecated: new Map() };
  for (const g of groups) {
    const name = normalizeGroupName(g.name);
    const info = schema.groups.get(name) ??
      { name, help: g.help ?? "", opts: [], names: new Set<string>() };
    for (const opt of g.opts) {
      info.opts.push(opt);
      info.names.add(opt.name).add(opt.dest);
      for (const d of opt.deprecatedOpts) {
        if (d.name?.includes("-")) continue; // as the generator: such names never work in files
        const group = d.group ?? name;
        const list = schema.deprecated.get(group) ?? [];
        list.push({ name: d.name ?? opt.name, replacementName: opt.name, replacementGroup: name });
        schema.deprecated.set(group, list);
      }
    }
    schema.groups.set(name, info);
  }
  return schema;
}

/** The `dest` of `[group] name` in the schema: the key oslo.config reads (`log-file` → `log_file`). */
export function destOf(s: Schema, group: string, name: string): string {
  return s.groups.get(group)?.opts.find((o) => o.name === name)?.dest ?? name.replaceAll("-", "_");
}

type Entry = Record<string, unknown>;

const TYPES: Record<string, (e: Entry) => [ConfigType<unknown>, OptKind, boolean?]> = {
  "string value": (e) => [stringType(choicesOf(e)), "StrOpt"],
  "boolean value": () => [booleanType(), "BoolOpt"],
  "integer value": (e) => [integerType({ ...bounds(e), ...choicesOf(e) }), "IntOpt"],
  "floating point value": (e) => [floatType(bounds(e)), "FloatOpt"],
  "port value": (e) => [portType({ ...bounds(e), ...choicesOf(e) }), "PortOpt"],
  "list value": () => [listType(stringType()) as ConfigType<unknown>, "ListOpt"],
  "dict value": () => [dictType(stringType()) as ConfigType<unknown>, "DictOpt"],
  "multi valued": () => [multiStringType(), "MultiStrOpt", true],
  "IP address value": () => [ipAddressType(), "IPOpt"],
  "hostname value": () => [hostnameType(), "HostnameOpt"],
  "host address value": () => [hostAddressType(), "HostAddressOpt"],
  "host domain value": () => [hostDomainType(), "HostDomainOpt"],
  "uri value": () => [uriType(), "URIOpt"],
  "range value": (e) => [rangeType(bounds(e)) as ConfigType<unknown>, "Opt"],
};

function bounds(e: Entry): { min?: number; max?: number } {
  return {
    ...(typeof e.min === "number" ? { min: e.min } : {}),
    ...(typeof e.max === "number" ? { max: e.max } : {}),
  };
}

function choicesOf(e: Entry): { choices?: Choice<never>[] } {
  const c = e.choices;
  if (!Array.isArray(c) || c.length === 0) return {};
  return {
    choices: c.map((x) => Array.isArray(x) ? [x[0], x[1] ?? null] : [x, null]) as unknown as Choice<
      never
    >[],
  };
}

/** One sample entry as an option (an unknown type name checks nothing). */
function entryToOpt(e: Entry, group: string): Opt {
  const name = String(e.name);
  const typeName = String(e.type ?? "string value");
  const [type, kind, multi] = TYPES[typeName]?.(e) ?? [stringType({ typeName }), "Opt" as OptKind];
  const options: OptOptions<unknown> = {
    ...(typeof e.help === "string" ? { help: e.help } : {}),
    ...(e.secret ? { secret: true } : {}),
    ...(e.required ? { required: true } : {}),
    ...(e.mutable ? { mutable: true } : {}),
    ...(e.advanced ? { advanced: true } : {}),
    ...(typeof e.sample_default === "string" ? { sampleDefault: e.sample_default } : {}),
    ...(e.deprecated_for_removal ? { deprecatedForRemoval: true } : {}),
    ...(typeof e.deprecated_reason === "string" ? { deprecatedReason: e.deprecated_reason } : {}),
    ...(typeof e.deprecated_since === "string" ? { deprecatedSince: e.deprecated_since } : {}),
    deprecatedOpts: (Array.isArray(e.deprecated_opts) ? e.deprecated_opts as Entry[] : []).map((
      d,
    ) => ({
      name: String(d.name),
      group: String(d.group ?? group),
    })),
  };
  const withDefault = { ...options, ...(e.default === null ? {} : { default: e.default }) };
  const opt = makeOpt(name, lenient(type, e), withDefault, {
    kind,
    ...(multi ? { multi } : {}),
    checkDefault: false,
  });
  return typeof e.dest === "string" && e.dest !== opt.dest ? { ...opt, dest: e.dest } : opt;
}

/**
 * The sample holds no `ignore_case`, `regex`, item types or IP versions: when
 * the sample's own default fails the rebuilt type, the option's real type must
 * be more permissive, so compare choices ignoring case, or check nothing.
 */
function lenient(type: ConfigType<unknown>, e: Entry): ConfigType<unknown> {
  const d = e.default;
  if (d === null || d === undefined || (typeof d === "string" && d.includes("$"))) return type;
  try {
    for (const v of Array.isArray(d) && TYPES[String(e.type)]?.(e)[2] ? d : [d]) type.convert(v);
    return type;
  } catch {
    if (String(e.type) === "string value") {
      const folded = stringType({ ...choicesOf(e), ignoreCase: true });
      try {
        folded.convert(d);
        return folded;
      } catch { /* fall through */ }
    }
    return stringType({ typeName: type.typeName });
  }
}

/**
 * Reads the generator's YAML (fast path) or JSON, falling back to a general YAML parser.
 *
 * @example JSON or YAML
 * ```ts
 * import { parseSampleData } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(await parseSampleData('{"options": {}}'), { options: {} });
 * assert.deepEqual(await parseSampleData("options: {}\n"), { options: {} });
 * ```
 */
export async function parseSampleData(text: string): Promise<unknown> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new SchemaError(`Cannot read the sample data as JSON: ${(e as Error).message}`);
    }
  }
  try {
    return parseBlockYaml(text);
  } catch (e) {
    if (!(e instanceof UnsupportedYaml)) throw e;
  }
  const { parse } = await import("yaml");
  try {
    return parse(text);
  } catch (e) {
    throw new SchemaError(`Cannot read the sample data as YAML: ${(e as Error).message}`);
  }
}

/**
 * Builds a schema from `oslo-config-generator --format yaml` (or json) output.
 *
 * @example
 * ```ts
 * import { loadSchema } from "./schema.ts";
 * import assert from "node:assert/strict";
 *
 * const schema = await loadSchema(`deprecated_options:
 *   DEFAULT:
 *   - name: policy_file
 *     replacement_group: oslo_policy
 *     replacement_name: policy_file
 * options:
 *   oslo_policy:
 *     help: ''
 *     opts:
 *     - name: policy_file
 *       type: string value
 *       default: policy.json
 * `);
 * assert.equal(schema.groups.get("oslo_policy")?.opts[0]?.default, "policy.json");
 * assert.equal(schema.deprecated.get("DEFAULT")?.[0]?.replacementGroup, "oslo_policy");
 * ```
 */
export async function loadSchema(text: string): Promise<Schema> {
  const data = await parseSampleData(text) as Entry | null;
  const options = data?.options as Record<string, Entry> | undefined;
  if (!options || typeof options !== "object") {
    throw new SchemaError(
      "Cannot use the sample data: it has no 'options' mapping (write it with oslo-config-generator --format yaml)",
    );
  }
  const schema: Schema = { groups: new Map(), deprecated: new Map() };
  for (const [name, g] of Object.entries(options)) {
    const opts = (Array.isArray(g?.opts) ? g.opts as Entry[] : []).map((e) => entryToOpt(e, name));
    const names = new Set<string>();
    for (const [i, e] of (Array.isArray(g?.opts) ? g.opts as Entry[] : []).entries()) {
      names.add(String(e.name));
      names.add(typeof e.dest === "string" ? e.dest : (opts[i] as Opt).dest);
    }
    schema.groups.set(name, { name, help: typeof g?.help === "string" ? g.help : "", opts, names });
  }
  const deprecated = (data?.deprecated_options ?? {}) as Record<string, Entry[]>;
  for (const [group, list] of Object.entries(deprecated)) {
    schema.deprecated.set(
      group,
      (Array.isArray(list) ? list : []).map((d) => ({
        name: String(d.name),
        ...(typeof d.dest === "string" ? { dest: d.dest } : {}),
        replacementName: String(d.replacement_name),
        replacementGroup: String(d.replacement_group),
      })),
    );
  }
  return schema;
}
