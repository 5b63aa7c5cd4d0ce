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
 * Logs warnings and errors to stderr; pass your own {@linkcode Logger} to
 * servers, listeners and notifiers to send lines elsewhere.
 *
 * @example A logger keeping lines
 * ```ts
 * import { defaultLogger, type Logger } from "./logger.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const mine: Logger = (level, message) => void lines.push(`${level}: ${message}`);
 * mine("warning", "link down");
 * defaultLogger("debug", "not printed");
 * assert.deepEqual(lines, ["warning: link down"]);
 * ```
 */
export const defaultLogger: Logger = (level, message) => {
  if (level === "warning" || level === "error") console.error(`${level.toUpperCase()} ${message}`);
};
