/**
 * oslo.config's address types: `IPAddress`, `Hostname`, `HostAddress`,
 * `HostDomain` and `URI`.
 *
 * @module
 */
import { isIPv4, isIPv6, uriProblem } from "./inet.ts";
import { pyStr } from "./py.ts";
import type { ConfigType } from "./types.ts";

/** IP versions an address type accepts; undefined accepts both. */
export type IpVersion = 4 | 6;

function checkIp(s: string, version: IpVersion | undefined): void {
  if (version === 4 && !isIPv4(s)) throw new TypeError(`${s} is not an IPv4 address`);
  if (version === 6 && !isIPv6(s)) throw new TypeError(`${s} is not an IPv6 address`);
  if (version === undefined && !isIPv4(s) && !isIPv6(s)) {
    throw new TypeError(`${s} is not IPv4 or IPv6 address`);
  }
}

/**
 * oslo.config's `IPAddress` (strict, like `inet_pton`): version 4, 6 or either.
 *
 * @example
 * ```ts
 * import { ipAddressType } from "./types_net.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ipAddressType().convert("::ffff:10.0.0.1"), "::ffff:10.0.0.1");
 * assert.throws(() => ipAddressType(4).convert("010.0.0.1"), /is not an IPv4 address/);
 * ```
 */
export function ipAddressType(
  version?: IpVersion,
  typeName = "IP address value",
): ConfigType<string> {
  return {
    typeName,
    convert(value: unknown): string {
      const s = pyStr(value);
      if (s === "") throw new TypeError("IP address cannot be an empty string");
      checkIp(s, version);
      return s;
    },
    format: (v) => v,
  };
}

// Python's [A-Z] under re.IGNORECASE also matches İ ı ſ and the Kelvin sign.
const FOLDS = "\\u0130\\u0131\\u017f\\u212a";
const HOST_LABEL = new RegExp(`^(?!-)[A-Za-z0-9${FOLDS}-]{1,63}(?<!-)\\n?$`);
const DOMAIN_LABEL = new RegExp(`^(?!-)[A-Za-z0-9${FOLDS}_-]{1,63}(?<!-)\\n?$`);

function checkHostname(value: string, label: RegExp): string {
  if (value.length === 0) throw new TypeError("Cannot have an empty hostname");
  if ([...value].length > 253) {
    throw new TypeError(`hostname is greater than 253 characters: ${value}`);
  }
  const v = value.endsWith(".") ? value.slice(0, -1) : value;
  const labels = v.split(".");
  if (!/[a-zA-Z-]/.test(labels[labels.length - 1] as string)) {
    throw new TypeError(
      `${v} contains no non-numeric characters in the top-level domain part of the host name and is invalid`,
    );
  }
  if (labels.some((l) => !label.test(l))) throw new TypeError(`${v} is an invalid hostname`);
  return v;
}

/**
 * oslo.config's `Hostname`: labels of letters, digits and `-`, a trailing dot
 * dropped, a top-level domain that is not all digits.
 *
 * @example
 * ```ts
 * import { hostnameType } from "./types_net.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(hostnameType().convert("db.example.org."), "db.example.org");
 * assert.throws(() => hostnameType().convert("a.123"), /no non-numeric characters/);
 * ```
 */
export function hostnameType(typeName = "hostname value"): ConfigType<string> {
  return {
    typeName,
    convert: (v) => checkHostname(String(v), HOST_LABEL),
    format: (v) => v,
  };
}

/**
 * oslo.config's `HostAddress` (an IP address or a hostname).
 *
 * @example Not a valid name or address
 * ```ts
 * import { hostAddressType } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => hostAddressType().convert("a_b.com"), /not a valid host address/);
 * ```
 */
export function hostAddressType(
  version?: IpVersion,
  typeName = "host address value",
): ConfigType<string> {
  return {
    typeName,
    convert(value: unknown): string {
      const s = pyStr(value);
      try {
        if (s === "") throw new TypeError("IP address cannot be an empty string");
        checkIp(s, version);
        return s;
      } catch {
        try {
          return checkHostname(s, HOST_LABEL);
        } catch {
          throw new TypeError(`${s} is not a valid host address`);
        }
      }
    },
    format: (v) => v,
  };
}

/**
 * oslo.config's `HostDomain`: a `HostAddress` whose labels may also hold `_`.
 *
 * @example Like HostAddress, with underscores
 * ```ts
 * import { hostDomainType } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(hostDomainType().convert("a_b.com"), "a_b.com");
 * ```
 */
export function hostDomainType(
  version?: IpVersion,
  typeName = "host domain value",
): ConfigType<string> {
  const address = hostAddressType(version, typeName);
  return {
    typeName,
    convert(value: unknown): string {
      try {
        return address.convert(value);
      } catch {
        const s = pyStr(value);
        try {
          return checkHostname(s, DOMAIN_LABEL);
        } catch {
          throw new TypeError(`${s} is not a valid host address`);
        }
      }
    },
    format: (v) => v,
  };
}

/** Options of {@linkcode uriType}. */
export interface UriTypeOptions {
  /** Allowed schemes; the value's scheme must be written in lower case to match. */
  schemes?: readonly string[];
  /** Maximum length. */
  maxLength?: number;
  /** The name samples print. */
  typeName?: string;
}

/**
 * oslo.config's `URI`: RFC 3986 with a scheme and a host, an optional scheme
 * allow-list and maximum length.
 *
 * @example
 * ```ts
 * import { uriType } from "./types_net.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(uriType().convert("mysql+pymysql://u@db/nova"), "mysql+pymysql://u@db/nova");
 * assert.throws(() => uriType({ schemes: ["https"] }).convert("http://x"), /scheme was required/);
 * assert.throws(() => uriType().convert("/path"), /required but missing/);
 * ```
 */
export function uriType(options: UriTypeOptions = {}): ConfigType<string> {
  return {
    typeName: options.typeName ?? "uri value",
    convert(value: unknown): string {
      const s = pyStr(value);
      const problem = uriProblem(s, options.schemes ?? []);
      if (problem) throw new TypeError(`Invalid URI ${maskPassword(s)}: ${problem}`);
      if (options.maxLength !== undefined && s.length > options.maxLength) {
        throw new TypeError(
          `Value '${maskPassword(s)}' exceeds maximum length ${options.maxLength}`,
        );
      }
      return s;
    },
    format: (v) => v,
  };
}

/**
 * Hides the password of a URI's user information (`rabbit://u:****@host`), for messages.
 *
 * @example
 * ```ts
 * import { maskPassword } from "./types_net.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(maskPassword("rabbit://nova:s3cret@mq:5672/"), "rabbit://nova:****@mq:5672/");
 * ```
 */
export function maskPassword(uri: string): string {
  return uri.replace(/(\/\/[^:@/?#\s]*:)[^@/?#\s]*@/g, "$1****@");
}
