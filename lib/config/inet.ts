/**
 * Address syntax as oslo.config checks it: glibc's `inet_pton` (which netaddr
 * calls with `INET_PTON`) for IP addresses, and the checks the `rfc3986`
 * package's validator makes for URIs (scheme and host present and valid, path valid).
 *
 * @module
 */

/** `inet_pton(AF_INET, s)` succeeds: four decimal octets, no leading zeros. */
export function isIPv4(s: string): boolean {
  let octets = 0;
  let sawDigit = false;
  let cur = 0;
  for (const ch of s) {
    if (ch >= "0" && ch <= "9") {
      const next = cur * 10 + (ch.charCodeAt(0) - 48);
      if (sawDigit && cur === 0) return false;
      if (next > 255) return false;
      cur = next;
      if (!sawDigit) {
        if (++octets > 4) return false;
        sawDigit = true;
      }
    } else if (ch === "." && sawDigit) {
      if (octets === 4) return false;
      cur = 0;
      sawDigit = false;
    } else {
      return false;
    }
  }
  return octets >= 4;
}

/** `inet_pton(AF_INET6, s)` succeeds (glibc's algorithm, embedded IPv4 tail included). */
export function isIPv6(s: string): boolean {
  if (s.length === 0) return false;
  let i = 0;
  if (s[0] === ":") {
    if (s[1] !== ":") return false;
    i = 1;
  }
  let bytes = 0; // bytes written so far (of 16)
  let sawDouble = false;
  let curtok = i;
  let xdigits = 0;
  let val = 0;
  for (; i < s.length; i++) {
    const ch = s[i] as string;
    const digit = parseInt(ch, 16);
    if (/^[0-9a-fA-F]$/.test(ch)) {
      if (xdigits === 4) return false;
      val = (val << 4) | digit;
      xdigits++;
      continue;
    }
    if (ch === ":") {
      curtok = i + 1;
      if (xdigits === 0) {
        if (sawDouble) return false;
        sawDouble = true;
        continue;
      } else if (i + 1 === s.length) {
        return false;
      }
      if (bytes + 2 > 16) return false;
      bytes += 2;
      xdigits = 0;
      val = 0;
      continue;
    }
    if (ch === "." && bytes + 4 <= 16 && isIPv4(s.slice(curtok))) {
      bytes += 4;
      xdigits = 0;
      break;
    }
    return false;
  }
  if (xdigits > 0) {
    if (bytes + 2 > 16) return false;
    bytes += 2;
  }
  if (sawDouble) return bytes !== 16;
  return bytes === 16;
}

const UNRESERVED = "A-Za-z0-9._~\\-";
const SUB_DELIMS = "!$&'()*+,;=";
const PCT = "%[A-Fa-f0-9]{2}";
const REG_NAME = `(?:${PCT}|[${SUB_DELIMS}${UNRESERVED}])*`;
const IPV4_LIKE = "(?:[0-9]{1,3}\\.){3}[0-9]{1,3}";
const H16 = "[0-9A-Fa-f]{1,4}";
const LS32 = `(?:${H16}:${H16}|${IPV4_LIKE})`;
const IPV6 = [
  `(?:${H16}:){6}${LS32}`,
  `::(?:${H16}:){5}${LS32}`,
  `(?:${H16})?::(?:${H16}:){4}${LS32}`,
  `(?:(?:${H16}:)?${H16})?::(?:${H16}:){3}${LS32}`,
  `(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2}${LS32}`,
  `(?:(?:${H16}:){0,3}${H16})?::${H16}:${LS32}`,
  `(?:(?:${H16}:){0,4}${H16})?::${LS32}`,
  `(?:(?:${H16}:){0,5}${H16})?::${H16}`,
  `(?:(?:${H16}:){0,6}${H16})?::`,
].map((v) => `(?:${v})`).join("|");
const ZONE_ID = `(?:[${UNRESERVED}]|${PCT})+`;
const IPV6_ZONE_ANY = `(?:${IPV6})(?:(?:%25|%)${ZONE_ID})?`;
const IPV6_ZONE_25 = `(?:${IPV6})(?:%25${ZONE_ID})?`;
const IPV_FUTURE = `v[0-9A-Fa-f]+\\.[${UNRESERVED}${SUB_DELIMS}:]+`;
const HOST = `(?:${REG_NAME}|${IPV4_LIKE}|\\[(?:${IPV6_ZONE_ANY}|${IPV_FUTURE})\\])`;
const USERINFO = `(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})+`;
// Python's `$` (no MULTILINE) also matches before one final newline.
const END = "(?=\\n?$)";
const SUBAUTHORITY = new RegExp(
  `^(?:(?<userinfo>${USERINFO})@)?(?<host>${HOST}):?(?<port>[0-9]{1,5})?${END}`,
);
const HOST_RE = new RegExp(`^${HOST}${END}`);
const IPV4_MATCHER = new RegExp(`^${IPV4_LIKE}${END}`);
const IPV6_MATCHER = new RegExp(`^\\[${IPV6_ZONE_ANY}\\]${END}`);
const IPV6_NO_RFC4007 = new RegExp(`^\\[${IPV6_ZONE_25}\\]${END}`);
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})`;
const PCHAR_NC = `(?:[${UNRESERVED}${SUB_DELIMS}@]|${PCT})`;
const SEGMENT = `${PCHAR}*`;
const PATH_RE = new RegExp(
  `^(?:(?:/${SEGMENT})*|/(?:${PCHAR}+(?:/${SEGMENT})*)?|${PCHAR_NC}+(?:/${SEGMENT})*|${PCHAR}+(?:/${SEGMENT})*|)${END}`,
);
const URI_PARSE =
  /^(?:(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/(?<authority>[^\\/?#]*))?(?<path>[^?#]*)/;

const NON_PCT_ENCODED = new Set(
  ":/?#[]@!$&'()*+,;=ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._!-~",
);

/** rfc3986's `encode_component` of a path: percent-encodes what is not a URI character. */
function encodePath(path: string): string {
  const valid = (path.match(/%[A-Fa-f0-9]{2}/g) ?? []).length;
  const bytes = new TextEncoder().encode(path);
  const allEncoded = valid === bytes.filter((b) => b === 0x25).length;
  let out = "";
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if ((allEncoded && b === 0x25) || (b < 128 && NON_PCT_ENCODED.has(ch))) out += ch;
    else out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function validIPv4Host(host: string): boolean {
  return host.split(".").every((b) => Number(b) <= 255);
}

/** Why a URI fails oslo.config's `URI` type, or undefined when it passes. */
export function uriProblem(value: string, schemes: readonly string[] = []): string | undefined {
  const m = URI_PARSE.exec(value)?.groups ?? {};
  const scheme = m.scheme || undefined;
  const authority = m.authority || undefined;
  const rawPath = m.path || undefined;
  let info: Record<string, string | undefined> | undefined;
  if (authority !== undefined) {
    const sub = SUBAUTHORITY.exec(authority)?.groups;
    if (sub && !(sub.host && IPV4_MATCHER.test(sub.host) && !validIPv4Host(sub.host))) {
      info = sub;
    }
  }
  const host = info?.host;
  const missing = [...(host === undefined ? ["host"] : []), ...(scheme ? [] : ["scheme"])].sort();
  if (missing.length > 0) {
    return `${missing.join(", ")} ${missing.length > 1 ? "were" : "was"} required but missing`;
  }
  const invalid: string[] = [];
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*(?=\n?$)/.test(scheme as string)) invalid.push("scheme");
  let hostOk = HOST_RE.test(host as string);
  if (hostOk && IPV4_MATCHER.test(host as string)) hostOk = validIPv4Host(host as string);
  else if (hostOk && IPV6_MATCHER.test(host as string)) {
    hostOk = IPV6_NO_RFC4007.test(host as string);
  }
  if (!hostOk) invalid.push("host");
  const path = rawPath === undefined ? undefined : encodePath(rawPath);
  if (path !== undefined && !PATH_RE.test(path)) invalid.push("path");
  if (invalid.length > 0) {
    return `${invalid.sort().join(", ")} ${invalid.length > 1 ? "are" : "is"} not valid`;
  }
  if (schemes.length > 0 && !schemes.map((s) => s.toLowerCase()).includes(scheme as string)) {
    return `scheme was required to be one of [${
      schemes.map((s) => `'${s.toLowerCase()}'`).sort().join(", ")
    }] but was '${scheme}'`;
  }
  return undefined;
}
