/**
 * Options of the `ConfigOpts` constructor: the config-source drivers it
 * knows, and where it writes what it has to say at run time (reload changes,
 * sources that failed, hooks that threw).
 *
 * @module
 */
import type { ConfigSourceDriver } from "./source.ts";

/** Where lib/config writes what it has to say at run time (reloads, sources). */
export interface ConfigLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Options of the `ConfigOpts` constructor. */
export interface ConfigOptsOptions {
  /** Config-source drivers `[group] driver = ...` may name (the built-in ones by default). */
  drivers?: readonly ConfigSourceDriver[];
  /** Defaults to the console. */
  logger?: ConfigLogger;
}

/** The default logger: `info` on stdout, `warn` and `error` on stderr. */
export const CONSOLE_LOGGER: ConfigLogger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};
