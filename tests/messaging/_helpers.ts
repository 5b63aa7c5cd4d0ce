/**
 * Helpers shared by the messaging tests.
 *
 * @module
 */
import type { Logger, LogLevel } from "../../lib/messaging/mod.ts";

/** A logger keeping lines for assertions instead of printing them. */
export function memoryLog(): Logger & { lines: { level: LogLevel; message: string }[] } {
  const lines: { level: LogLevel; message: string }[] = [];
  const log = ((level: LogLevel, message: string) => void lines.push({ level, message })) as
    & Logger
    & { lines: typeof lines };
  log.lines = lines;
  return log;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A promise with its resolve function outside. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
