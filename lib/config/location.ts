/**
 * Where a value came from, after oslo.config's `LocationInfo`.
 *
 * @module
 */

/**
 * The kinds of source, in oslo.config's `Locations` terms (`user` = a config
 * file); `driver` is a `config_source` driver, which oslo.config also labels `user`.
 */
export type LocationKind =
  | "opt_default"
  | "set_default"
  | "set_override"
  | "user"
  | "command_line"
  | "environment"
  | "driver";

/** Where one value came from. */
export interface Location {
  /** Kind of source. */
  kind: LocationKind;
  /** File path, environment variable, command-line flag, or `group: reference` for a driver. */
  detail?: string;
  /** 1-based line in `detail` when it is a file. */
  line?: number;
}

/**
 * Describes a location for messages: `keystone.conf:12`, `environment variable OS_DEFAULT__DEBUG`.
 *
 * @example
 * ```ts
 * import { describeLocation } from "./location.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(describeLocation({ kind: "user", detail: "a.conf", line: 3 }), "a.conf:3");
 * assert.equal(describeLocation({ kind: "environment", detail: "OS_DEFAULT__DEBUG" }),
 *   "environment variable OS_DEFAULT__DEBUG");
 * ```
 */
export function describeLocation(location: Location): string {
  switch (location.kind) {
    case "user":
      return location.line === undefined
        ? String(location.detail)
        : `${location.detail}:${location.line}`;
    case "environment":
      return `environment variable ${location.detail}`;
    case "command_line":
      return `command line ${location.detail}`;
    case "driver":
      return `config source ${location.detail}${
        location.line === undefined ? "" : `:${location.line}`
      }`;
    case "set_override":
      return "an override";
    case "set_default":
      return "a set default";
    case "opt_default":
      return "the default";
  }
}
