/**
 * Generated strings per type family for the conversion differential test.
 *
 * @module
 */
import type { Rng } from "./_gen.ts";

const SPACES = [" ", "\t", "\n", "\x0b", "\x1c", "\xa0", "\u3000", "\u2003", "\ufeff", "\x85"];
const UNICODE_DIGITS = ["\u0661", "\u0662", "\u0663", "\u06f5", "\u0967", "\uff11", "\u{1d7d9}"];

function pad(rng: Rng, s: string): string {
  const p = () => rng.chance(0.25) ? rng.pick(SPACES) : "";
  return p() + s + p();
}

/** Integer-ish and float-ish text. */
export function numberText(rng: Rng): string {
  const fixed = [
    "0",
    "-0",
    "+5",
    "007",
    "1_000",
    "1__0",
    "_1",
    "1_",
    " 42 ",
    "\t7\n",
    "",
    "  ",
    "1.5",
    "1e3",
    "inf",
    "-inf",
    "nan",
    "NaN",
    "Infinity",
    "-iNF",
    "0x10",
    "1e400",
    "-1e-400",
    ".5",
    "5.",
    "1.e5",
    "1_0.0_1",
    "e5",
    "+",
    "--1",
    "1 2",
    "\u0661\u0662",
    "\u0663.\u0665",
    "1e",
    "1e+",
    "4.9e-324",
    "65535",
    "65536",
    "-1",
    "1024",
    "80",
    "443",
    "3",
    "5",
    "10",
    "9007199254740991",
    "1_2_3",
    "0.1",
    "0.5",
    "1e6",
    "1e-05",
    "123456.789",
    "5.0",
    "1.0e2",
    "00",
    "0_0",
  ];
  if (rng.chance(0.4)) return rng.pick(fixed);
  let s = rng.chance(0.3) ? rng.pick(["-", "+"]) : "";
  const digits = 1 + rng.int(rng.chance(0.8) ? 5 : 15);
  for (let i = 0; i < digits; i++) {
    s += rng.chance(0.05) ? rng.pick(UNICODE_DIGITS) : String(rng.int(10));
    if (rng.chance(0.05)) s += "_";
  }
  if (rng.chance(0.3)) s += "." + String(rng.int(1000));
  if (rng.chance(0.1)) s += rng.pick(["e", "E"]) + rng.pick(["", "-", "+"]) + String(rng.int(30));
  return pad(rng, s);
}

/** Boolean-ish text. */
export function boolText(rng: Rng): string {
  return pad(
    rng,
    rng.pick([
      "true",
      "True",
      "TRUE",
      "yes",
      "Yes",
      "on",
      "ON",
      "1",
      "0",
      "no",
      "off",
      "false",
      "False",
      "y",
      "n",
      "t",
      "",
      "tru",
      "2",
      "\u0130",
      "ye s",
      "nO",
      "oFf",
    ]),
  );
}

/** Free text, including quotes and odd characters. */
export function stringText(rng: Rng): string {
  const fixed = [
    "",
    "a",
    "A",
    "B",
    "b",
    "ab",
    "ba",
    '"x"',
    "'x'",
    '"',
    "'",
    "\"x'",
    '"ab"',
    "''",
    "abcd",
    "\u00e9t\u00e9",
    " a ",
    "a\nb",
    "xyz",
    "\u{1f600}\u{1f600}\u{1f600}",
    "\u212a",
    "\u0131",
  ];
  if (rng.chance(0.5)) return rng.pick(fixed);
  return rng.str("abAB \"'\u00e9\t\u{1f600}", rng.int(6));
}

/** List-ish text. */
export function listText(rng: Rng, item: (r: Rng) => string): string {
  const n = rng.int(5);
  const parts = Array.from({ length: n }, () => item(rng));
  let s = parts.join(rng.pick([",", ", ", " ,", ",,"]));
  if (rng.chance(0.2)) s += ",";
  if (rng.chance(0.3)) s = `[${s}]`;
  else if (rng.chance(0.05)) s = `[${s}`;
  return pad(rng, s);
}

/** Dict-ish text. */
export function dictText(rng: Rng, value: (r: Rng) => string): string {
  const n = rng.int(4);
  const keys = ["a", "b", "a", " k ", "", "x:y"];
  const parts = Array.from({ length: n }, () => {
    const k = rng.pick(keys);
    return rng.chance(0.1) ? k : `${k}${rng.pick([":", ": ", " :"])}${value(rng)}`;
  });
  let s = parts.join(",");
  if (rng.chance(0.3)) s = `{${s}}`;
  return pad(rng, s);
}

/** IP-address-ish text. */
export function ipText(rng: Rng): string {
  const fixed = [
    "127.0.0.1",
    "0.0.0.0",
    "255.255.255.255",
    "256.1.1.1",
    "01.2.3.4",
    "1.2.3",
    "1.2.3.4.5",
    "1.2.3.4.",
    ".1.2.3",
    "::",
    "::1",
    "1::",
    "::ffff:1.2.3.4",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    "fe80::1%eth0",
    "FE80::A",
    "1:2:3:4:5:6:1.2.3.4",
    "1:2:3:4:5:6:7:1.2.3.4",
    ":::",
    "12345::",
    "::1.2.3",
    "1:2:3:4:5:6:7::",
    "::1:2:3:4:5:6:7",
    ":1::",
    "1:",
    "",
    " 1.2.3.4",
    "0:0:0:0:0:0:0:0",
    "::ffff:01.2.3.4",
    "abcd:ef01::",
    "g::1",
  ];
  if (rng.chance(0.4)) return rng.pick(fixed);
  if (rng.chance(0.5)) {
    const n = 3 + rng.int(3);
    return Array.from({ length: n }, () => {
      const v = rng.int(rng.chance(0.8) ? 256 : 400);
      return rng.chance(0.1) ? `0${v}` : String(v);
    }).join(".");
  }
  const groups = Array.from(
    { length: 1 + rng.int(9) },
    () => rng.str("0123456789abcdefABCDEF", rng.int(6)),
  );
  let s = groups.join(":");
  if (rng.chance(0.3)) s += ":" + [1, 2, 3, 4].map(() => rng.int(300)).join(".");
  return s;
}

/** Hostname-ish text. */
export function hostText(rng: Rng): string {
  const fixed = [
    "localhost",
    "a.com",
    "a.com.",
    "a.123",
    "-a.com",
    "a-.com",
    "a..com",
    "a_b.com",
    "_a.com",
    "a." + "x".repeat(63),
    "a." + "x".repeat(64),
    "x".repeat(254),
    "123",
    "1.2.3.4",
    "host-1.example.org",
    "\u0131.com",
    "\u017f.com",
    "\u212a.com",
    "\u00e9.com",
    "a.b-",
    "a.b\n",
    "",
    ".",
    "a b.com",
    "xn--bcher-kva.ch",
  ];
  if (rng.chance(0.4)) return rng.pick(fixed);
  const labels = Array.from(
    { length: 1 + rng.int(4) },
    () => rng.str("abcxyz019-_", 1 + rng.int(rng.chance(0.95) ? 8 : 70)),
  );
  return labels.join(".") + (rng.chance(0.1) ? "." : "");
}

/** URI-ish text. */
export function uriText(rng: Rng): string {
  const fixed = [
    "http://x",
    "https://example.com/path?q=1#f",
    "/path",
    "example.com",
    "HTTP://x",
    "mysql+pymysql://u:p@db/nova",
    "http://",
    "http:///path",
    "http://[::1]:80/",
    "http://[fe80::1%eth0]/",
    "http://[fe80::1%25eth0]/",
    "http://300.1.1.1/",
    "http://1.2.3.4:99999/",
    "http://a:123456/",
    "http://a b/",
    "http://a/b c",
    "http://a/[x]",
    "http://a\\b",
    "1http://x",
    "rabbit://u:p@h1:5672,u:p@h2:5672/",
    "file:///etc/x",
    "http://user@host",
    "http://%41.com/",
    "http://a/%zz",
    "http://a/\u00e9",
    "ftp://x.y/z",
    "http://a#b\nc",
    "http://[v1.x]/",
    "http://a:/",
    "",
  ];
  if (rng.chance(0.5)) return rng.pick(fixed);
  const scheme = rng.pick(["http", "https", "HTTPS", "git+ssh", "1x", "", "mysql"]);
  const auth = rng.pick(["", "u@", "u:p@", "@"]) +
    rng.pick(["host", "1.2.3.4", "[::1]", "[g::1]", "h_st", "ex.com", "", "h%20"]) +
    rng.pick(["", ":80", ":", ":x"]);
  const path = rng.pick(["", "/", "/a/b", "/a b", "/[x]", "/%2F", "/a?x=1", "/#frag"]);
  return `${scheme}${scheme ? ":" : ""}${rng.chance(0.9) ? "//" : ""}${auth}${path}`;
}

/** Range-ish text. */
export function rangeText(rng: Rng): string {
  return rng.pick([
    "1",
    "1-5",
    "5-1",
    "-3-3",
    "0",
    "-0",
    "01-5",
    "1--5",
    "1-",
    "-",
    "",
    "3-3",
    "-5--1",
    "10-100",
    "1-5\n",
    "a-b",
    " 1-2",
    "100-0",
    "0-0",
  ]);
}
