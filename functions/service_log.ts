/**
 * The service's log, with one level switch: debug lines are written only
 * while `[DEFAULT] debug` is true, and {@linkcode ServiceLog.follow} makes a
 * reload that flips it take effect at once (the option is mutable).
 * Info and debug lines go to stdout, warnings and errors to stderr, each one
 * line prefixed `oslo-edge:`.
 *
 * @module
 */
import type { ConfigOpts } from "../lib/config/mod.ts";

/** Where the lines go (the console by default). */
export interface LogSink {
  out(line: string): void;
  err(line: string): void;
}

const CONSOLE: LogSink = { out: (l) => console.log(l), err: (l) => console.error(l) };

/**
 * A log with a debug switch.
 *
 * @example Debug lines only while debug is on
 * ```ts
 * import { ServiceLog } from "./service_log.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const log = new ServiceLog({ debug: false, sink: { out: (l) => lines.push(l), err: (l) => lines.push(l) } });
 * log.debug("hidden");
 * log.setDebug(true);
 * log.debug("shown");
 * assert.deepEqual(lines, ["oslo-edge: debug logging on", "oslo-edge: debug: shown"]);
 * ```
 */
export class ServiceLog {
  #debug: boolean;
  #sink: LogSink;

  constructor(options: { debug: boolean; sink?: LogSink }) {
    this.#debug = options.debug;
    this.#sink = options.sink ?? CONSOLE;
  }

  /** Whether debug lines are written (check it before building an expensive line). */
  get debugEnabled(): boolean {
    return this.#debug;
  }

  /** Turns debug lines on or off, saying so when it changes. */
  setDebug(on: boolean): void {
    if (on === this.#debug) return;
    this.#debug = on;
    this.info(`debug logging ${on ? "on" : "off"}`);
  }

  /** A debug line, written only while debug is on. */
  debug(message: string): void {
    if (this.#debug) this.#sink.out(`oslo-edge: debug: ${message}`);
  }

  /** An info line (stdout). */
  info(message: string): void {
    this.#sink.out(`oslo-edge: ${message}`);
  }

  /** A warning (stderr). */
  warn(message: string): void {
    this.#sink.err(`oslo-edge: ${message}`);
  }

  /** An error (stderr). */
  error(message: string): void {
    this.#sink.err(`oslo-edge: ${message}`);
  }

  /** Follows `[DEFAULT] debug` through reloads; returns the unregister function. */
  follow(conf: ConfigOpts): () => void {
    return conf.registerMutateHook((changes) => {
      const c = changes.find((c) => c.group === "DEFAULT" && c.name === "debug");
      if (c) this.setDebug(c.new === true);
    });
  }
}
