/**
 * Content negotiation as oslo.middleware's healthcheck does it: webob's
 * `Accept.acceptable_offers` (RFC 7231 §5.3.2) over an ordered list of offers,
 * the first acceptable offer wins, and no match (or an invalid header) falls
 * back to a default instead of 406.
 *
 * @module
 */

const OWS = "[ \\t]*";
const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const QVALUE = "(?:0(?:\\.[0-9]{0,3})?)|(?:1(?:\\.0{0,3})?)";
const WEIGHT = `${OWS};${OWS}[qQ]=(${QVALUE})`;
const QDTEXT = "[\\t \\x21\\x23-\\x5b\\x5d-\\x7e\\x80-\\xff]";
const QUOTED_PAIR = "\\\\[\\t \\x21-\\x7e\\x80-\\xff]";
const QUOTED_STRING = `"(?:(?:${QDTEXT})|(?:${QUOTED_PAIR}))*"`;
const PARAMETER = `${TOKEN}=(?:(?:${TOKEN})|(?:${QUOTED_STRING}))`;
const MEDIA_RANGE = `((?:${TOKEN}/${TOKEN}))((?:${OWS};${OWS}(?![qQ]=)${PARAMETER})*)`;
const ACCEPT_EXT = `${OWS};${OWS}${TOKEN}(?:=(?:(?:${TOKEN})|(?:${QUOTED_STRING})))?`;
const ELEMENT = `${MEDIA_RANGE}(?:${WEIGHT}((?:${ACCEPT_EXT})*))?`;
// webob's `_list_0_or_more__compiled_re`: empty, or elements separated by commas (empty ones allowed).
const VALID_HEADER = new RegExp(
  `^(?:(?:)|(?:(?:,|(?:${ELEMENT}))(?:${OWS},(?:${OWS}${ELEMENT})?)*))$`,
);
const ELEMENTS = new RegExp(ELEMENT, "g");

interface MediaRange {
  type: string;
  subtype: string;
  hasParams: boolean;
  q: number;
}

function parseAccept(header: string): MediaRange[] | undefined {
  if (!VALID_HEADER.test(header)) return undefined;
  const ranges: MediaRange[] = [];
  for (const m of header.matchAll(ELEMENTS)) {
    const [type = "", subtype = ""] = (m[1] ?? "").toLowerCase().split("/", 2);
    ranges.push({ type, subtype, hasParams: (m[2] ?? "") !== "", q: m[3] ? Number(m[3]) : 1 });
  }
  return ranges;
}

/**
 * The offers acceptable under an `Accept` header, best first: each offer takes
 * the q-value of the most specific range matching it (`type/subtype` over
 * `type/*` over `*\/*`; the first of equally specific ranges counts), q=0
 * excludes it, ties keep the offers' order. A missing or invalid header
 * accepts every offer, in order. Offers are parameterless `type/subtype`.
 *
 * @example Prefer JSON over text with q-values
 * ```ts
 * import { acceptableOffers } from "./accept.ts";
 * import assert from "node:assert/strict";
 *
 * const offers = ["text/plain", "text/html", "application/json"];
 * assert.deepEqual(
 *   acceptableOffers("application/json;q=0.9, text/plain;q=0.5", offers),
 *   ["application/json", "text/plain"],
 * );
 * assert.deepEqual(acceptableOffers("image/png", offers), []);
 * assert.deepEqual(acceptableOffers(undefined, offers), offers);
 * ```
 */
export function acceptableOffers(
  header: string | null | undefined,
  offers: readonly string[],
): string[] {
  const ranges = header === null || header === undefined ? undefined : parseAccept(header);
  if (!ranges) return [...offers];
  const found: { offer: string; q: number; index: number }[] = [];
  offers.forEach((offer, index) => {
    const [type, subtype] = offer.toLowerCase().split("/", 2);
    let best: { q: number; specificity: number } | undefined;
    for (const r of ranges) {
      let specificity: number;
      if (r.type === type && r.subtype === subtype) {
        if (r.hasParams) continue; // a range with parameters matches only an offer with the same ones
        specificity = 3;
      } else if (r.subtype === "*" && r.type === type) specificity = 2;
      else if (r.type === "*" && r.subtype === "*") specificity = 1;
      else continue;
      if (best && specificity <= best.specificity) continue;
      best = { q: r.q, specificity };
    }
    if (best && best.q !== 0) found.push({ offer, q: best.q, index });
  });
  found.sort((a, b) => b.q - a.q || a.index - b.index);
  return found.map((f) => f.offer);
}

/**
 * The reply type for an `Accept` header: the best acceptable offer, or
 * `fallback` when none is acceptable (oslo.middleware never answers 406).
 *
 * @example No match falls back to text/plain
 * ```ts
 * import { negotiate } from "./accept.ts";
 * import assert from "node:assert/strict";
 *
 * const offers = ["text/plain", "text/html", "application/json"];
 * assert.equal(negotiate("application/*", offers, "text/plain"), "application/json");
 * assert.equal(negotiate("text/plain;q=0, text/*", offers, "text/plain"), "text/html");
 * assert.equal(negotiate("image/png", offers, "text/plain"), "text/plain");
 * ```
 */
export function negotiate(
  header: string | null | undefined,
  offers: readonly string[],
  fallback: string,
): string {
  return acceptableOffers(header, offers)[0] ?? fallback;
}

/**
 * {@linkcode negotiate} for a fixed list of offers, remembering the answer
 * for the last `size` distinct headers (probes send the same few headers).
 *
 * @example
 * ```ts
 * import { negotiator } from "./accept.ts";
 * import assert from "node:assert/strict";
 *
 * const pick = negotiator(["text/plain", "text/html", "application/json"], "text/plain");
 * assert.equal(pick("text/html,application/xhtml+xml,*\/*;q=0.8"), "text/html");
 * assert.equal(pick(undefined), "text/plain");
 * ```
 */
export function negotiator(
  offers: readonly string[],
  fallback: string,
  size = 64,
): (header: string | null | undefined) => string {
  const cache = new Map<string, string>();
  const none = negotiate(undefined, offers, fallback);
  return (header) => {
    if (header === null || header === undefined) return none;
    let type = cache.get(header);
    if (type === undefined) {
      type = negotiate(header, offers, fallback);
      if (cache.size >= size) cache.clear();
      cache.set(header, type);
    }
    return type;
  };
}
