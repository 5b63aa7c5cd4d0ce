/**
 * Logging hook of lib/messaging: a function of level and message, so the
 * application decides where lines go (stderr by default for warnings and errors).
 *
 * @module
 */

/** Log levels used by lib/messaging. */
export type LogLevel = "debug" | "info" | "warning" | "error";
/** Where lib/messaging logs: a function of level and message. */
export type Logger = (level: LogLevel, message: string) => void;

/**
 * Logs warnings and errors to stderr.
 *
 * @example
 * ```ts
 * import { defaultLogger } from "./logger.ts";
 * defaultLogger("debug", "not printed");
 * ```
 */
export const defaultLogger: Logger = (level, message) => {
  if (level === "warning" || level === "error") console.error(`${level.toUpperCase()} ${message}`);
};
