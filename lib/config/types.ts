/**
 * Option value types, after oslo_config/types.py: a type is a converter that
 * throws. `convert` takes the text from a file, the environment or the command
 * line (or an already typed value) and returns the typed value, or throws a
 * `TypeError` whose message says what is wrong with it.
 *
 * @module
 */

/** A converter from option text to a typed value. */
export interface ConfigType<T> {
  /** The name samples print (`string value`, `boolean value`, ...). */
  readonly typeName: string;
  /** Converts text (or an already typed value) to `T`; throws `TypeError` when invalid. */
  convert(value: unknown): T;
  /** Formats a value the way a sample config file shows it. */
  format(value: T): string;
}

const pyRepr = (s: string) => s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s}'`;

function quoteEdgeSpace(s: string): string {
  return s.trim() !== s ? `"${s}"` : s;
}

/** Options of {@linkcode stringType}. */
export interface StringTypeOptions {
  /** Allowed values; mutually exclusive with `regex`. */
  choices?: readonly string[];
  /** Strip one pair of matching outer quotes; an unbalanced quote is an error. */
  quotes?: boolean;
  /** A pattern the value must contain (unanchored, like Python's `re.search`). */
  regex?: string;
  /** Compare `choices` and `regex` ignoring case (the value keeps its case). */
  ignoreCase?: boolean;
  /** Maximum length after quote stripping; 0 or absent means none. */
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
 * assert.throws(() => t.convert("b"), TypeError);
 * ```
 */
export function stringType(options: StringTypeOptions = {}): ConfigType<string> {
  const { choices, quotes = false, ignoreCase = false, maxLength = 0 } = options;
  if (choices && choices.length > 0 && options.regex !== undefined) {
    throw new TypeError("Cannot use both 'choices' and 'regex'");
  }
  const regex = options.regex === undefined
    ? undefined
    : new RegExp(options.regex, ignoreCase ? "iu" : "u");
  const folded = choices?.map((c) => ignoreCase ? c.toLowerCase() : c);
  return {
    typeName: options.typeName ?? "string value",
    convert(value: unknown): string {
      let s = String(value);
      if (quotes && s.length > 0 && (s[0] === '"' || s[0] === "'")) {
        if (s.length === 1 || s[s.length - 1] !== s[0]) {
          throw new TypeError(`Non-closed quote: ${s}`);
        }
        s = s.slice(1, -1);
      }
      if (maxLength > 0 && [...s].length > maxLength) {
        throw new TypeError(`Value '${s}' exceeds maximum length ${maxLength}`);
      }
      if (regex && !regex.test(s)) {
        throw new TypeError(`Value ${pyRepr(s)} doesn't match regex ${pyRepr(regex.source)}`);
      }
      if (!choices || !folded) return s;
      if (folded.includes(ignoreCase ? s.toLowerCase() : s)) return s;
      throw new TypeError(`Valid values are [${choices.join(", ")}], but found ${pyRepr(s)}`);
    },
    format: quoteEdgeSpace,
  };
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
      const s = String(value);
      if (TRUE_VALUES.includes(s.toLowerCase())) return true;
      if (FALSE_VALUES.includes(s.toLowerCase())) return false;
      throw new TypeError(`Unexpected boolean value ${pyRepr(s)}`);
    },
    format: (v) => String(v),
  };
}

/** Options of the number types. */
export interface NumberTypeOptions {
  /** Smallest allowed value. */
  min?: number;
  /** Largest allowed value. */
  max?: number;
  /** Allowed values (integers only); replaces min/max checks. */
  choices?: readonly number[];
  /** The name samples print. */
  typeName?: string;
}

const PY_INT = /^[+-]?(?:\d(?:_?\d)*)$/;
const PY_FLOAT =
  /^[+-]?(?:(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|(?:\d(?:_?\d)*)\.(?:[eE][+-]?\d(?:_?\d)*)?|inf(?:inity)?|nan)$/i;

function numberType(
  kind: "integer" | "float",
  options: NumberTypeOptions,
): ConfigType<number | null> {
  const { min, max, choices } = options;
  if (min !== undefined && max !== undefined && max < min) {
    throw new RangeError("Max value is less than min value");
  }
  const fmt = (n: number) => String(n);
  return {
    typeName: options.typeName ?? `${kind} value`,
    convert(value: unknown): number | null {
      let n: number;
      if (typeof value === "number") {
        n = value;
      } else {
        const s = String(value).trim();
        if (s === "") return null; // oslo.config returns None for blank text
        const ok = kind === "integer" ? PY_INT.test(s) : PY_FLOAT.test(s);
        if (!ok) {
          throw new TypeError(
            kind === "integer"
              ? `invalid literal for int() with base 10: ${pyRepr(String(value))}`
              : `could not convert string to float: ${pyRepr(String(value))}`,
          );
        }
        n = Number(s.replaceAll("_", "").replace(/^([+-]?)inf(inity)?$/i, "$1Infinity"));
      }
      if (choices) {
        if (!choices.includes(n)) {
          throw new TypeError(`Valid values are [${choices.join(", ")}], but found ${fmt(n)}`);
        }
        return n;
      }
      if (min !== undefined && n < min) {
        throw new TypeError(`Should be greater than or equal to ${min}`);
      }
      if (max !== undefined && n > max) {
        throw new TypeError(`Should be less than or equal to ${max}`);
      }
      return n;
    },
    format: (v) => v === null ? "<None>" : fmt(v),
  };
}

/** oslo.config's `Integer`: blank text converts to `null`, as oslo.config gives None. */
export function integerType(options: NumberTypeOptions = {}): ConfigType<number | null> {
  return numberType("integer", options);
}

/** oslo.config's `Float`. */
export function floatType(options: Omit<NumberTypeOptions, "choices"> = {}): ConfigType<
  number | null
> {
  return numberType("float", options);
}

/** oslo.config's `Port`: an integer within 0..65535. */
export function portType(options: NumberTypeOptions = {}): ConfigType<number | null> {
  const min = options.min ?? 0;
  const max = options.max ?? 65535;
  if (min < 0) throw new RangeError("Min value cannot be less than 0");
  if (max > 65535) throw new RangeError("Max value cannot be more than 65535");
  return numberType("integer", {
    ...options,
    min,
    max,
    typeName: options.typeName ?? "port value",
  });
}

/** Options of {@linkcode listType}. */
export interface ListTypeOptions {
  /** Value must be written inside `[` and `]`. */
  bounds?: boolean;
  /** The name samples print. */
  typeName?: string;
}

/**
 * oslo.config's `List`: comma-separated items; an item that fails its type is
 * re-joined with the next piece and retried, so items may contain commas.
 *
 * @example
 * ```ts
 * import { listType, stringType } from "./types.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(listType(stringType()).convert("a, b,"), ["a", "b"]);
 * ```
 */
export function listType<T>(
  itemType: ConfigType<T> = stringType() as unknown as ConfigType<T>,
  options: ListTypeOptions = {},
): ConfigType<T[]> {
  return {
    typeName: options.typeName ?? "list value",
    convert(value: unknown): T[] {
      if (Array.isArray(value)) return value.map((v) => itemType.convert(v));
      let s = String(value).trim().replace(/,+$/, "");
      if (options.bounds) {
        if (!s.startsWith("[")) throw new TypeError('Value should start with "["');
        if (!s.endsWith("]")) throw new TypeError('Value should end with "]"');
        s = s.slice(1, -1);
      }
      if (s === "") return [];
      return joinRetrying(s.split(","), (piece) => itemType.convert(piece.trim()));
    },
    format(value: T[]): string {
      const body = value.map((v) => itemType.format(v)).join(",");
      return options.bounds ? `[${body}]` : body;
    },
  };
}

/** Converts each piece; a piece that throws is re-joined with the next (oslo's List/Dict). */
function joinRetrying<R>(pieces: string[], convert: (piece: string) => R): R[] {
  const out: R[] = [];
  while (pieces.length > 0) {
    let piece = pieces.shift() as string;
    let firstError: unknown;
    for (;;) {
      try {
        out.push(convert(piece));
        break;
      } catch (e) {
        firstError ??= e;
        if (pieces.length === 0) throw firstError;
        piece += "," + pieces.shift();
      }
    }
  }
  return out;
}

/** oslo.config's `Dict`: comma-separated `key:value` pairs split on the first colon. */
export function dictType<T>(
  valueType: ConfigType<T> = stringType() as unknown as ConfigType<T>,
  options: ListTypeOptions = {},
): ConfigType<Record<string, T>> {
  return {
    typeName: options.typeName ?? "dict value",
    convert(value: unknown): Record<string, T> {
      if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        return value as Record<string, T>;
      }
      let s = String(value).trim();
      if (options.bounds) {
        if (!s.startsWith("{")) throw new TypeError('Value should start with "{"');
        if (!s.endsWith("}")) throw new TypeError('Value should end with "}"');
        s = s.slice(1, -1);
      }
      const result: Record<string, T> = {};
      if (s === "") return result;
      const pairs = joinRetrying(s.split(","), (pair): [string, T] => {
        const at = pair.indexOf(":");
        if (at < 0) throw new TypeError('Value should be NAME:VALUE pairs separated by ","');
        return [pair.slice(0, at).trim(), valueType.convert(pair.slice(at + 1).trim())];
      });
      for (const [key, v] of pairs) {
        if (key === "") throw new TypeError("Key name should not be empty");
        if (Object.hasOwn(result, key)) throw new TypeError(`Duplicate key ${key}`);
        result[key] = v;
      }
      return result;
    },
    format(value: Record<string, T>): string {
      return Object.keys(value).sort().map((k) => `${k}:${value[k]}`).join(",");
    },
  };
}

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

function isIPv6(s: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || !s.includes(":")) return false;
  try {
    new URL(`http://[${s}]/`);
    return true;
  } catch {
    return false;
  }
}

/** oslo.config's `IPAddress` (strict, like inet_pton): version 4, 6 or either. */
export function ipAddressType(version?: 4 | 6, typeName = "IP address value"): ConfigType<string> {
  return {
    typeName,
    convert(value: unknown): string {
      const s = String(value);
      if (s === "") throw new TypeError("IP address cannot be an empty string");
      if (version === 4 && !isIPv4(s)) throw new TypeError(`${s} is not an IPv4 address`);
      if (version === 6 && !isIPv6(s)) throw new TypeError(`${s} is not an IPv6 address`);
      if (version === undefined && !isIPv4(s) && !isIPv6(s)) {
        throw new TypeError(`${s} is not IPv4 or IPv6 address`);
      }
      return s;
    },
    format: (v) => v,
  };
}

const HOST_LABEL = /^(?!-)[A-Z0-9-]{1,63}(?<!-)$/i;
const DOMAIN_LABEL = /^(?!-)[A-Z0-9_-]{1,63}(?<!-)$/i;

function checkHostname(value: string, label: RegExp): string {
  if (value.length === 0) throw new TypeError("Cannot have an empty hostname");
  if (value.length > 253) {
    throw new TypeError(`hostname is greater than 253 characters: ${value}`);
  }
  const v = value.endsWith(".") ? value.slice(0, -1) : value;
  const labels = v.split(".");
  if (!/[a-zA-Z-]/.test(labels[labels.length - 1] ?? "")) {
    throw new TypeError(
      `${v} contains no non-numeric characters in the top-level domain part of the host name and is invalid`,
    );
  }
  if (labels.some((l) => !label.test(l))) throw new TypeError(`${v} is an invalid hostname`);
  return v;
}

/** oslo.config's `Hostname`. */
export function hostnameType(typeName = "hostname value"): ConfigType<string> {
  return { typeName, convert: (v) => checkHostname(String(v), HOST_LABEL), format: (v) => v };
}

/** oslo.config's `HostAddress` (an IP address or a hostname) and, with `underscore`, `HostDomain`. */
export function hostAddressType(
  version?: 4 | 6,
  options: { underscore?: boolean; typeName?: string } = {},
): ConfigType<string> {
  const ip = ipAddressType(version);
  return {
    typeName: options.typeName ?? (options.underscore ? "host domain value" : "host address value"),
    convert(value: unknown): string {
      const s = String(value);
      try {
        return ip.convert(s);
      } catch {
        try {
          return checkHostname(s, HOST_LABEL);
        } catch {
          if (options.underscore) {
            try {
              return checkHostname(s, DOMAIN_LABEL);
            } catch { /* reported below */ }
          }
          throw new TypeError(`${s} is not a valid host address`);
        }
      }
    },
    format: (v) => v,
  };
}

/** Options of {@linkcode uriType}. */
export interface UriTypeOptions {
  /** Allowed schemes (lower case). */
  schemes?: readonly string[];
  /** Maximum length. */
  maxLength?: number;
  /** The name samples print. */
  typeName?: string;
}

const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** oslo.config's `URI`: scheme and host required, optional scheme allow-list and maximum length. */
export function uriType(options: UriTypeOptions = {}): ConfigType<string> {
  return {
    typeName: options.typeName ?? "uri value",
    convert(value: unknown): string {
      const s = String(value);
      let url: URL | undefined;
      try {
        if (URI_SCHEME.test(s)) url = new URL(s);
      } catch { /* reported below */ }
      if (!url || url.hostname === "" || !s.includes("//")) {
        throw new TypeError(`${s} is not a valid URI: a scheme and a host are required`);
      }
      const scheme = url.protocol.slice(0, -1).toLowerCase();
      if (options.schemes && options.schemes.length > 0 && !options.schemes.includes(scheme)) {
        throw new TypeError(`${s} has scheme ${scheme}, allowed: ${options.schemes.join(", ")}`);
      }
      if (options.maxLength !== undefined && s.length > options.maxLength) {
        throw new TypeError(`Value '${s}' exceeds maximum length ${options.maxLength}`);
      }
      return s;
    },
    format: (v) => v,
  };
}
