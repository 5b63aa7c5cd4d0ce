/**
 * Probes every plugin in the background and keeps the last observation of
 * each, so that a request only reads memory. File plugins are looked at every
 * `fileInterval`, dependencies every `interval`; each probe is bounded by
 * `timeout`, and a probe still hanging (a stuck NFS stat) is not started again
 * until it settles. A heartbeat timer backs liveness.
 *
 * @module
 */
import {
  type HealthcheckResult,
  type HealthPlugin,
  type Observation,
  resultFor,
} from "./plugin.ts";

/** Options of {@linkcode HealthMonitor}. */
export interface MonitorOptions {
  /** Milliseconds between probes of dependency plugins (default 5000). */
  interval?: number;
  /** Milliseconds between probes of file plugins (default 500). */
  fileInterval?: number;
  /** Milliseconds a probe may take (default 2000). */
  timeout?: number;
  /**
   * Called after every probe (for metrics); for a per-port backend
   * (`disable_by_files_ports`) once for each configured port, with the port.
   */
  onResult?: (name: string, result: HealthcheckResult, probe: ProbeInfo) => void;
}

/** How a probe went, besides its result. */
export interface ProbeInfo {
  /** How long the probe took, in milliseconds. */
  durationMs: number;
  /** The port the result is for (per-port backends only). */
  port?: number;
}

/** One check as last seen, for the detailed replies and the HTML page. */
export interface CheckView {
  /** Backend name. */
  name: string;
  /** `file` or `dependency`. */
  kind: "file" | "dependency";
  /** The result for the request's port. */
  result: HealthcheckResult;
  /** When the result was observed; undefined before the first probe ends. */
  checkedAt: Date | undefined;
  /** Seconds since then. */
  ageSeconds: number | undefined;
  /** How long the probe took, in milliseconds. */
  durationMs: number | undefined;
}

type Timer = ReturnType<typeof setTimeout>;

interface State {
  plugin: HealthPlugin;
  observation: Observation | undefined;
  checkedAt: number | undefined;
  durationMs: number | undefined;
  inflight: Promise<void> | undefined;
  timer: Timer | undefined;
  deadline: Timer | undefined;
  controller: AbortController | undefined;
}

const PENDING: HealthcheckResult = {
  available: false,
  reason: "PENDING",
  details: "Not checked yet",
};

/**
 * Runs the plugins in the background.
 *
 * @example
 * ```ts
 * import { HealthMonitor } from "./monitor.ts";
 * import assert from "node:assert/strict";
 *
 * await using monitor = new HealthMonitor([{
 *   name: "always",
 *   kind: "dependency",
 *   probe: () => Promise.resolve({ available: true, reason: "OK" }),
 * }]);
 * await monitor.start();
 * assert.deepEqual(monitor.results(80), [{ available: true, reason: "OK" }]);
 * ```
 */
export class HealthMonitor implements AsyncDisposable {
  readonly #states: State[];
  readonly #interval: number;
  readonly #fileInterval: number;
  readonly #timeout: number;
  readonly #onResult: MonitorOptions["onResult"];
  #closed = false;
  #started: Promise<void> | undefined;
  #heartbeat: Timer | undefined;
  #lastBeat = Date.now();
  #lagMs = 0;
  readonly startedAt = new Date();

  constructor(plugins: readonly HealthPlugin[], options: MonitorOptions = {}) {
    this.#states = plugins.map((plugin) => ({
      plugin,
      observation: undefined,
      checkedAt: undefined,
      durationMs: undefined,
      inflight: undefined,
      timer: undefined,
      deadline: undefined,
      controller: undefined,
    }));
    this.#interval = options.interval ?? 5000;
    this.#fileInterval = options.fileInterval ?? 500;
    this.#timeout = options.timeout ?? 2000;
    this.#onResult = options.onResult;
  }

  /** Backend names, in order. */
  get names(): string[] {
    return this.#states.map((s) => s.plugin.name);
  }

  /** Starts the background probes; resolves once each plugin has a first result. */
  start(): Promise<void> {
    this.#started ??= (async () => {
      this.#beat(Date.now());
      await Promise.all(this.#states.map((s) => this.#probe(s)));
    })();
    return this.#started;
  }

  /** The current result of every plugin for a request on `serverPort`, in order. */
  results(serverPort: number): HealthcheckResult[] {
    return this.#states.map((s) => s.observation ? resultFor(s.observation, serverPort) : PENDING);
  }

  /** The current state of every plugin, with ages, for a request on `serverPort`. */
  checks(serverPort: number): CheckView[] {
    const now = Date.now();
    return this.#states.map((s) => ({
      name: s.plugin.name,
      kind: s.plugin.kind,
      result: s.observation ? resultFor(s.observation, serverPort) : PENDING,
      checkedAt: s.checkedAt === undefined ? undefined : new Date(s.checkedAt),
      ageSeconds: s.checkedAt === undefined ? undefined : Math.max(0, now - s.checkedAt) / 1000,
      durationMs: s.durationMs,
    }));
  }

  /** How late the last heartbeat fired, in milliseconds. */
  get lagMs(): number {
    return this.#lagMs;
  }

  /** Liveness: the background timers still fire (the event loop is not starved). */
  liveness(): { ok: boolean; detail: string; lagMs: number } {
    const silentFor = Date.now() - this.#lastBeat;
    const limit = Math.max(3 * this.#interval, 10_000);
    const ok = !this.#closed && silentFor <= limit;
    const detail = this.#closed
      ? "health monitor closed"
      : `timers fired ${(silentFor / 1000).toFixed(1)} s ago (limit ${limit / 1000} s)`;
    return { ok, detail, lagMs: this.#lagMs };
  }

  #beat(expected: number): void {
    if (this.#closed) return;
    const now = Date.now();
    this.#lagMs = Math.max(0, now - expected);
    this.#lastBeat = now;
    const timer = setTimeout(() => this.#beat(now + this.#interval), this.#interval);
    Deno.unrefTimer(timer);
    this.#heartbeat = timer;
  }

  #probe(state: State): Promise<void> {
    if (state.inflight) return state.inflight;
    const plugin = state.plugin;
    const started = performance.now();
    const controller = new AbortController();
    state.controller = controller;
    const timedOut = new Promise<Observation>((resolve) => {
      state.deadline = setTimeout(() => {
        controller.abort(new DOMException("Timed out", "TimeoutError"));
        resolve({
          available: false,
          reason: failReason(plugin),
          details: `No answer within ${this.#timeout / 1000} s`,
        });
      }, this.#timeout);
    });
    const probed = plugin.probe(controller.signal).catch((e): Observation => ({
      available: false,
      reason: failReason(plugin),
      details: e instanceof Error ? e.message : String(e),
    }));
    const done = Promise.race([probed, timedOut]).then((observation) => {
      clearTimeout(state.deadline);
      if (this.#closed) return;
      state.observation = observation;
      state.checkedAt = Date.now();
      state.durationMs = performance.now() - started;
      const onResult = this.#onResult;
      const durationMs = state.durationMs;
      if (onResult && "byPort" in observation) {
        for (const [port, r] of observation.byPort) onResult(plugin.name, r, { durationMs, port });
      } else if (onResult) onResult(plugin.name, observation as HealthcheckResult, { durationMs });
      this.#schedule(state);
    });
    // A hung probe blocks the next one until it settles, not the schedule of others.
    state.inflight = probed.then(() => {}, () => {}).finally(() => {
      state.inflight = undefined;
    });
    return done;
  }

  /**
   * Probes the plugins named `name` now instead of at their next turn (a
   * dependency handed a new connection); resolves once they have a result.
   */
  async refresh(name: string): Promise<void> {
    if (this.#closed) return;
    await Promise.all(
      this.#states.filter((s) => s.plugin.name === name).map((s) => {
        clearTimeout(s.timer);
        s.timer = undefined;
        return s.inflight ? s.inflight.then(() => this.#probe(s)) : this.#probe(s);
      }),
    );
  }

  #schedule(state: State): void {
    if (this.#closed) return;
    const every = state.plugin.kind === "file" ? this.#fileInterval : this.#interval;
    clearTimeout(state.timer); // one schedule per plugin, also after refresh()
    const timer = setTimeout(() => {
      state.timer = undefined;
      if (state.inflight) this.#schedule(state);
      else void this.#probe(state);
    }, every);
    Deno.unrefTimer(timer);
    state.timer = timer;
  }

  /** Stops the probes and closes the plugins. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#heartbeat);
    for (const s of this.#states) {
      clearTimeout(s.timer);
      clearTimeout(s.deadline);
      s.controller?.abort(new DOMException("Health monitor closed", "AbortError"));
    }
    await Promise.all(this.#states.map(async (s) => {
      await s.plugin.close?.();
    }));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function failReason(plugin: HealthPlugin): string {
  return plugin.failReason ?? "CHECK FAILED";
}
