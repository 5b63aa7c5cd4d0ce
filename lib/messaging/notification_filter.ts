/**
 * `NotificationFilter`, after oslo.messaging's: regular expressions on the
 * publisher id, event type, and keys of the context, metadata and payload. As
 * in the original, each expression must match at the **start** of the value
 * (Python's `re.match`: anchored at the start only, so `^compute` and
 * `compute` are the same, and `compute` also matches `compute.x`), a missing
 * key or a value that is not a string fails the filter.
 *
 * Python-only syntax is translated: `(?P<name>...)`, `(?P=name)`, `\A`, `\Z`
 * and leading inline flags `(?i)`, `(?m)`, `(?s)`.
 *
 * @module
 */

/** What a filter looks at, by field; each value is a regular expression (Python syntax). */
export interface NotificationFilterRules {
  /** Context keys. */
  context?: Record<string, string>;
  /** The publisher id. */
  publisherId?: string;
  /** The event type. */
  eventType?: string;
  /** Metadata keys (`message_id`, `timestamp`). */
  metadata?: Record<string, string>;
  /** Payload keys. */
  payload?: Record<string, string>;
}

/** Compiles a Python regular expression into one that matches only at the start (sticky). */
export function pythonMatchRegExp(pattern: string): RegExp {
  let src = pattern;
  let flags = "y";
  const lead = /^\(\?([imsx]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1] as string) {
      if (f === "x") throw new SyntaxError(`Cannot use verbose flag (?x) in "${pattern}"`);
      if (!flags.includes(f)) flags += f;
    }
    src = src.slice(lead[0].length);
  }
  src = src.replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, "(?<$1>")
    .replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, "\\k<$1>")
    .replace(/\\A/g, "^")
    .replace(/\\Z/g, "$(?![\\s\\S])");
  try {
    return new RegExp(src, flags);
  } catch (e) {
    throw new SyntaxError(`Cannot compile filter expression "${pattern}": ${(e as Error).message}`);
  }
}

function matchesAtStart(re: RegExp, value: unknown): boolean {
  if (typeof value !== "string") return false;
  re.lastIndex = 0;
  return re.test(value);
}

function compileMap(rules: Record<string, string> | undefined): [string, RegExp][] {
  return Object.entries(rules ?? {}).map(([k, v]) => [k, pythonMatchRegExp(v)]);
}

function mapMatches(rules: [string, RegExp][], data: unknown): boolean {
  if (rules.length === 0) return true;
  if (typeof data !== "object" || data === null) return false;
  const obj = data as Record<string, unknown>;
  return rules.every(([k, re]) => Object.hasOwn(obj, k) && matchesAtStart(re, obj[k]));
}

/**
 * Decides which notifications an endpoint sees (set it as the endpoint's `filterRule`).
 *
 * @example Event types of one service
 * ```ts
 * import { NotificationFilter } from "./notification_filter.ts";
 * import assert from "node:assert/strict";
 *
 * const f = new NotificationFilter({ eventType: "compute\\.instance\\.", payload: { state: "active$" } });
 * assert.equal(f.match({}, "nova", "compute.instance.create", {}, { state: "active" }), true);
 * assert.equal(f.match({}, "nova", "image.upload", {}, { state: "active" }), false);
 * assert.equal(f.match({}, "nova", "compute.instance.create", {}, {}), false);
 * ```
 */
export class NotificationFilter {
  #publisherId: RegExp | undefined;
  #eventType: RegExp | undefined;
  #context: [string, RegExp][];
  #metadata: [string, RegExp][];
  #payload: [string, RegExp][];

  /** Compiles the rules now; throws `SyntaxError` naming a bad expression. */
  constructor(rules: NotificationFilterRules = {}) {
    this.#publisherId = rules.publisherId === undefined
      ? undefined
      : pythonMatchRegExp(rules.publisherId);
    this.#eventType = rules.eventType === undefined
      ? undefined
      : pythonMatchRegExp(rules.eventType);
    this.#context = compileMap(rules.context);
    this.#metadata = compileMap(rules.metadata);
    this.#payload = compileMap(rules.payload);
  }

  /** Whether a notification passes (oslo's argument order). */
  match(
    context: unknown,
    publisherId: unknown,
    eventType: unknown,
    metadata: unknown,
    payload: unknown,
  ): boolean {
    if (this.#publisherId && !matchesAtStart(this.#publisherId, publisherId)) return false;
    if (this.#eventType && !matchesAtStart(this.#eventType, eventType)) return false;
    return mapMatches(this.#context, context) && mapMatches(this.#metadata, metadata) &&
      mapMatches(this.#payload, payload);
  }
}
