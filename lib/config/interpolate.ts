/**
 * oslo.config's `$opt` / `${opt}` / `${group.opt}` substitution in values
 * (Python's `string.Template`): `$$` is a literal `$`, a name without a group is
 * looked up in the value's own group first, then in DEFAULT.
 *
 * @module
 */
import { ConfigError } from "./errors.ts";

/** Looks up the text of another option; undefined when it does not exist. */
export type Lookup = (group: string, name: string) => string | undefined;

/** Substitution failed: a cycle or a reference to an option that does not exist. */
export class InterpolationError extends ConfigError {
  override readonly code = "ERR_CONFIG_INTERPOLATION";
  constructor(message: string) {
    super(message);
    this.name = "InterpolationError";
  }
}

const TEMPLATE =
  /\$(?:(\$)|([_a-z][_a-z0-9]*(?:\.[_a-z][_a-z0-9]*)?)|\{([_a-z][_a-z0-9]*(?:\.[_a-z][_a-z0-9]*)?)\})/gi;

/**
 * Substitutes references in `text`, recursively, detecting cycles.
 *
 * @example
 * ```ts
 * import { interpolate } from "./interpolate.ts";
 * import assert from "node:assert/strict";
 *
 * const values: Record<string, string> = { "DEFAULT/host": "db", "database/port": "5432" };
 * const lookup = (g: string, n: string) => values[`${g}/${n}`];
 * assert.equal(interpolate("$host:${database.port} $$1", "database", lookup), "db:5432 $1");
 * ```
 */
export function interpolate(
  text: string,
  group: string,
  lookup: Lookup,
  seen: readonly string[] = [],
): string {
  if (!text.includes("$")) return text;
  return text.replace(TEMPLATE, (match, dollar, bare, braced) => {
    if (dollar) return "$";
    const ref = (bare ?? braced) as string;
    const dot = ref.indexOf(".");
    const candidates = dot >= 0
      ? [[ref.slice(0, dot), ref.slice(dot + 1)]]
      : [[group, ref], ["DEFAULT", ref]];
    for (const [g, n] of candidates as [string, string][]) {
      const value = lookup(g, n);
      if (value === undefined) continue;
      const id = `${g}/${n}`;
      if (seen.includes(id)) {
        throw new InterpolationError(
          `Cannot substitute ${match}: it refers back to itself (${[...seen, id].join(" -> ")})`,
        );
      }
      return interpolate(value, g, lookup, [...seen, id]);
    }
    // string.Template.safe_substitute leaves unknown references as they are.
    return match;
  });
}
