/**
 * oslo.config's address option classes: `IPOpt`, `HostnameOpt`,
 * `HostAddressOpt`, `HostDomainOpt`, `URIOpt`.
 *
 * @module
 */
import { makeOpt, type Opt, type OptOptions, type ReadType } from "./opt.ts";
import {
  hostAddressType,
  hostDomainType,
  hostnameType,
  ipAddressType,
  type IpVersion,
  uriType,
  type UriTypeOptions,
} from "./types_net.ts";

/**
 * oslo.config's `IPOpt`.
 *
 * @example One version only
 * ```ts
 * import { ipOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => ipOpt("my_ip", { version: 4 }).type.convert("::1"), /not an IPv4 address/);
 * ```
 */
export function ipOpt<
  const N extends string,
  const O extends OptOptions<string> & { version?: IpVersion },
>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<string, O>> {
  return makeOpt(name, ipAddressType(options.version), options, { kind: "IPOpt" });
}

/**
 * oslo.config's `HostnameOpt`.
 *
 * @example A trailing dot is dropped
 * ```ts
 * import { hostnameOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(hostnameOpt("host").type.convert("db.example.org."), "db.example.org");
 * ```
 */
export function hostnameOpt<const N extends string, const O extends OptOptions<string>>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<string, O>> {
  return makeOpt(name, hostnameType(), options, { kind: "HostnameOpt" });
}

/**
 * oslo.config's `HostAddressOpt`.
 *
 * @example An address or a name
 * ```ts
 * import { hostAddressOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(hostAddressOpt("bind").type.convert("10.0.0.1"), "10.0.0.1");
 * assert.equal(hostAddressOpt("bind").type.convert("api.local"), "api.local");
 * ```
 */
export function hostAddressOpt<
  const N extends string,
  const O extends OptOptions<string> & { version?: IpVersion },
>(name: N, options: O = {} as O): Opt<N, ReadType<string, O>> {
  return makeOpt(name, hostAddressType(options.version), options, { kind: "HostAddressOpt" });
}

/**
 * oslo.config's `HostDomainOpt` (a host address whose labels may hold `_`).
 *
 * @example Underscores allowed
 * ```ts
 * import { hostDomainOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(hostDomainOpt("srv").type.convert("_ldap._tcp.example.org"), "_ldap._tcp.example.org");
 * ```
 */
export function hostDomainOpt<
  const N extends string,
  const O extends OptOptions<string> & { version?: IpVersion },
>(name: N, options: O = {} as O): Opt<N, ReadType<string, O>> {
  return makeOpt(name, hostDomainType(options.version), options, { kind: "HostDomainOpt" });
}

/**
 * oslo.config's `URIOpt` (schemes, max length).
 *
 * @example Schemes
 * ```ts
 * import { uriOpt } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => uriOpt("auth_url", { schemes: ["https"] }).type.convert("http://k/v3"), /scheme/);
 * ```
 */
export function uriOpt<const N extends string, const O extends OptOptions<string> & UriTypeOptions>(
  name: N,
  options: O = {} as O,
): Opt<N, ReadType<string, O>> {
  return makeOpt(name, uriType(options), options, { kind: "URIOpt" });
}
