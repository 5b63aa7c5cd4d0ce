/**
 * What resolution gives each option: its typed value, where it came from and
 * whether it is secret. Most locations are never read, so a file location is
 * built on first read from the file name and line kept.
 *
 * @module
 */
import type { Location } from "./location.ts";
import { fileLocation } from "./namespace.ts";
import type { Raw } from "./raw.ts";

/** A resolved value and where it came from. */
export interface ResolvedValue {
  /** The typed value. */
  value: unknown;
  /** Its source. */
  location: Location;
  /** The text before substitution and conversion, when it came from text. */
  raw?: string | string[] | undefined;
  /**
   * Never show it: the option is declared secret, the value came from a secret
   * store (`secrets_dir`, `castellan`), or it substitutes a value that is secret.
   */
  secret?: boolean | undefined;
}

/** A resolved value whose location is built when first asked. */
export class Resolved implements ResolvedValue {
  secret: boolean | undefined;
  #location: Location | undefined;
  #file: string | undefined;
  #line: number;

  /** `location` when known, else `file` and `line` (neither: the option's default). */
  constructor(
    readonly value: unknown,
    readonly raw: string | string[] | undefined,
    location: Location | undefined,
    file: string | undefined,
    line: number,
  ) {
    this.#location = location;
    this.#file = file;
    this.#line = line;
  }

  get location(): Location {
    return this.#location ??= this.#file === undefined
      ? { kind: "opt_default" }
      : fileLocation(this.#file, this.#line);
  }
}

/** A resolved value from what a source gave (undefined: the default). */
export function resolvedFrom(
  value: unknown,
  from: Raw | undefined,
  raw: string | string[] | undefined,
): Resolved {
  if (from === undefined) return new Resolved(value, raw, undefined, undefined, 0);
  if (from.kind === "typed") return new Resolved(value, raw, from.location, undefined, 0);
  return new Resolved(value, raw, from.location, from.file, from.line ?? 0);
}
