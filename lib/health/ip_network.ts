/**
 * IPv4/IPv6 addresses and networks, parsed as strictly as Python's `ipaddress`
 * (which oslo.middleware uses for `allowed_source_ranges`): a network with host
 * bits set is an error, IPv4 octets have no leading zeros.
 *
 * @module
 */

/** A parsed address: its version and its bits as a bigint. */
export interface IpAddress {
  version: 4 | 6;
  value: bigint;
}

/** A network: version, base address bits and prefix length. */
export interface IpNetwork {
  version: 4 | 6;
  base: bigint;
  prefix: number;
  /** The text it was parsed from. */
  text: string;
}

function parseV4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith("0")) || Number(p) > 255) {
      return undefined;
    }
    v = (v << 8n) | BigInt(p);
  }
  return v;
}

function parseV6(text: string): bigint | undefined {
  let s = text;
  const lastColon = s.lastIndexOf(":");
  if (s.includes(".", lastColon)) {
    // An embedded IPv4 tail (`::ffff:1.2.3.4`) stands for the last two groups.
    const v4 = parseV4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const toGroups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = toGroups(halves[0] ?? "");
  const rest = halves.length === 2 ? toGroups(halves[1] ?? "") : [];
  const given = head.length + rest.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  let value = 0n;
  for (const g of [...head, ...Array<string>(8 - given).fill("0"), ...rest]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(`0x${g}`);
  }
  return value;
}

/**
 * Parses an IPv4 or IPv6 address (an IPv6 zone `%eth0` is dropped); undefined
 * when it is not one. An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, what a
 * dual-stack listener reports for IPv4 clients) is returned as IPv4.
 *
 * @example
 * ```ts
 * import { parseIpAddress } from "./ip_network.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseIpAddress("127.0.0.1")?.version, 4);
 * assert.equal(parseIpAddress("::ffff:127.0.0.1")?.version, 4);
 * assert.equal(parseIpAddress("::1")?.value, 1n);
 * assert.equal(parseIpAddress("010.0.0.1"), undefined);
 * ```
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  const v4 = parseV4(text);
  if (v4 !== undefined) return { version: 4, value: v4 };
  if (!text.includes(":")) return undefined;
  const v6 = parseV6(text.replace(/%[^%]*$/, ""));
  if (v6 === undefined) return undefined;
  if (v6 >> 32n === 0xffffn) return { version: 4, value: v6 & 0xffffffffn };
  return { version: 6, value: v6 };
}

function maskOf(version: 4 | 6, prefix: number): bigint {
  const bits = version === 4 ? 32n : 128n;
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

/**
 * Parses a network as Python's `ipaddress.ip_network(text)` (strict): an
 * address alone is a /32 or /128; the prefix is a length, or for IPv4 a
 * netmask or host mask; host bits set is an error. Throws `TypeError` saying what is wrong.
 *
 * @example
 * ```ts
 * import { inNetwork, parseIpAddress, parseIpNetwork } from "./ip_network.ts";
 * import assert from "node:assert/strict";
 *
 * const net = parseIpNetwork("10.0.0.0/8");
 * assert.equal(inNetwork(parseIpAddress("10.1.2.3")!, net), true);
 * assert.throws(() => parseIpNetwork("10.0.0.1/8"), /has host bits set/);
 * ```
 */
export function parseIpNetwork(text: string): IpNetwork {
  const [addr = "", prefixText, extra] = text.trim().split("/");
  if (extra !== undefined) throw new TypeError(`"${text}" does not appear to be a network`);
  const v4 = parseV4(addr);
  const version: 4 | 6 = v4 !== undefined ? 4 : 6;
  const base = v4 ?? (addr.includes(":") ? parseV6(addr) : undefined);
  if (base === undefined) {
    throw new TypeError(`"${text}" does not appear to be an IPv4 or IPv6 network`);
  }
  const width = version === 4 ? 32 : 128;
  let prefix = width;
  if (prefixText !== undefined) {
    if (/^\d+$/.test(prefixText) && Number(prefixText) <= width) prefix = Number(prefixText);
    else if (version === 4 && parseV4(prefixText) !== undefined) {
      const bits = parseV4(prefixText)!.toString(2).padStart(32, "0");
      // A netmask (255.0.0.0) or, as Python also accepts, a host mask (0.255.255.255).
      if (/^1*0*$/.test(bits)) prefix = bits.indexOf("0") === -1 ? 32 : bits.indexOf("0");
      else if (/^0*1*$/.test(bits)) prefix = bits.indexOf("1") === -1 ? 32 : bits.indexOf("1");
      else throw new TypeError(`"${prefixText}" is not a valid netmask`);
    } else throw new TypeError(`"${prefixText}" is not a valid netmask`);
  }
  if ((base & ~maskOf(version, prefix)) !== 0n) {
    throw new TypeError(`"${text}" has host bits set`);
  }
  return { version, base, prefix, text };
}

/**
 * True when the address is in the network (same IP version only, as Python's).
 *
 * @example
 * ```ts
 * import { inNetwork, parseIpAddress, parseIpNetwork } from "./ip_network.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(inNetwork(parseIpAddress("fe80::1")!, parseIpNetwork("fe80::/10")), true);
 * assert.equal(inNetwork(parseIpAddress("10.0.0.1")!, parseIpNetwork("::/0")), false);
 * ```
 */
export function inNetwork(address: IpAddress, network: IpNetwork): boolean {
  return address.version === network.version &&
    (address.value & maskOf(network.version, network.prefix)) === network.base;
}
