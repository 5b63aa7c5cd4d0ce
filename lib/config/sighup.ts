/**
 * Reload on a signal, as oslo.service's launcher does on SIGHUP with
 * `restart_method='mutate'`: every signal runs {@linkcode ConfigOpts.reload}
 * (a signal arriving during a reload queues one more, so an edit made
 * meanwhile is read). Nothing a reload does can end the process: a failing
 * `onEvent` or an unexpected error is logged on one line (`conf.logger`) and
 * serving goes on. Where signals do not exist (Deno Deploy, Windows), call
 * `conf.reload()` from an HTTP or NATS trigger.
 *
 * @module
 */
import type { ConfigOpts } from "./config_opts.ts";
import type { ReloadEvent } from "./reload.ts";
import { describeUnexpected } from "./reload_run.ts";

/** Options of {@linkcode reloadOnSignal}. */
export interface ReloadOnSignalOptions {
  /** The signal (SIGHUP by default). */
  signal?: Deno.Signal;
  /** Called with each reload's outcome. */
  onEvent?: (event: ReloadEvent) => void;
}

/** A signal subscription; disposing it removes the listener. */
export interface SignalReload extends Disposable {
  /** True when the platform delivered no signals (nothing listens). */
  readonly unsupported: boolean;
}

/**
 * Reloads `conf` whenever the process gets `signal`.
 *
 * @example
 * ```ts ignore
 * using _ = reloadOnSignal(conf, { onEvent: (e) => console.log(e.ok ? "reloaded" : e.error) });
 * ```
 */
export function reloadOnSignal(
  conf: ConfigOpts,
  options: ReloadOnSignalOptions = {},
): SignalReload {
  const signal = options.signal ?? "SIGHUP";
  const handler = () => {
    conf.reload().then((event) => options.onEvent?.(event)).catch((e) => {
      try {
        conf.logger.error(`A ${signal} reload failed: ${describeUnexpected(e)}`);
      } catch { /* nowhere left to say it */ }
    });
  };
  try {
    Deno.addSignalListener(signal, handler);
  } catch {
    return { unsupported: true, [Symbol.dispose]() {} };
  }
  return {
    unsupported: false,
    [Symbol.dispose]() {
      Deno.removeSignalListener(signal, handler);
    },
  };
}
