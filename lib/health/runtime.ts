/**
 * Runtime details for detailed replies: Deno's counterparts of what
 * oslo.middleware reports about Python (`python_version` → `deno_version`,
 * `gc` → `memory`, `greenthreads`/`threads` stacks → event loop lag and
 * requests in flight; `now` and `platform` as Python formats them).
 * Facts that need `--allow-sys` are left out when it is not granted.
 *
 * @module
 */

/** Runtime facts of this process. */
export interface RuntimeDetails {
  /** `2.9.6 (v8 ..., typescript ...)`, as Python's `sys.version`. */
  deno_version: string;
  /** `Linux-6.1.0-x86_64`, after Python's `platform.platform()`. */
  platform: string;
  /** Host name, when `--allow-sys=hostname` is granted. */
  hostname?: string;
  /** Process id. */
  pid: number;
  /** Seconds since the health monitor started. */
  uptime_seconds: number;
  /** `Deno.memoryUsage()` in bytes (the counterpart of Python's `gc` counts). */
  memory: { rss: number; heap_total: number; heap_used: number; external: number };
  /** How late the last heartbeat timer fired, in milliseconds. */
  event_loop_lag_ms: number;
  /** Requests being served right now (health probes aside), when the HTTP layer counts them. */
  requests_in_flight?: number;
  /** UTC time as Python's `str(datetime.utcnow())`: `2026-01-31 12:00:00.123000`. */
  now: string;
}

function sysGranted(kind: "hostname" | "osRelease"): boolean {
  try {
    return Deno.permissions.querySync({ name: "sys", kind }).state === "granted";
  } catch {
    return false;
  }
}

/**
 * Formats a date as Python's `str(datetime)` of a naive UTC datetime.
 *
 * @example
 * ```ts
 * import { pythonUtcNow } from "./runtime.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pythonUtcNow(new Date("2026-01-31T12:00:00.123Z")), "2026-01-31 12:00:00.123000");
 * assert.equal(pythonUtcNow(new Date("2026-01-31T12:00:00Z")), "2026-01-31 12:00:00");
 * ```
 */
export function pythonUtcNow(date: Date = new Date()): string {
  const iso = date.toISOString(); // 2026-01-31T12:00:00.123Z
  const ms = date.getUTCMilliseconds();
  const base = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  return ms === 0 ? base : `${base}.${String(ms * 1000).padStart(6, "0")}`;
}

/** The parts of {@linkcode RuntimeDetails} that never change, read once. */
export interface StaticRuntime {
  deno_version: string;
  platform: string;
  hostname?: string;
  pid: number;
}

/**
 * Reads the facts that do not change while the process runs.
 *
 * @example
 * ```ts
 * import { staticRuntime } from "./runtime.ts";
 * import assert from "node:assert/strict";
 *
 * const rt = staticRuntime();
 * assert.ok(rt.deno_version.startsWith(Deno.version.deno));
 * assert.equal(rt.pid, Deno.pid);
 * ```
 */
export function staticRuntime(): StaticRuntime {
  const os = Deno.build.os === "linux"
    ? "Linux"
    : Deno.build.os === "darwin"
    ? "macOS"
    : Deno.build.os.charAt(0).toUpperCase() + Deno.build.os.slice(1);
  const release = sysGranted("osRelease") ? Deno.osRelease() : undefined;
  const hostname = sysGranted("hostname") ? Deno.hostname() : undefined;
  return {
    deno_version:
      `${Deno.version.deno} (v8 ${Deno.version.v8}, typescript ${Deno.version.typescript})`,
    platform: [os, release, Deno.build.arch, `with-${Deno.build.env ?? "unknown"}`]
      .filter((p) => p !== undefined).join("-"),
    ...(hostname === undefined ? {} : { hostname }),
    pid: Deno.pid,
  };
}

/**
 * Current runtime details, from the static part and the live counters.
 *
 * @example
 * ```ts
 * import { runtimeDetails, staticRuntime } from "./runtime.ts";
 * import assert from "node:assert/strict";
 *
 * const now = new Date("2026-01-31T12:00:10Z");
 * const rt = runtimeDetails(staticRuntime(), { startedAt: new Date("2026-01-31T12:00:00Z"), lagMs: 2, now });
 * assert.equal(rt.uptime_seconds, 10);
 * assert.equal(rt.now, "2026-01-31 12:00:10");
 * assert.ok(rt.memory.rss > 0);
 * ```
 */
export function runtimeDetails(
  fixed: StaticRuntime,
  live: {
    startedAt: Date;
    lagMs: number;
    inFlight?: number | undefined;
    now?: Date;
    /** A recent `Deno.memoryUsage()` (it costs a system call); read now when absent. */
    memory?: Deno.MemoryUsage;
  },
): RuntimeDetails {
  const m = live.memory ?? Deno.memoryUsage();
  const now = live.now ?? new Date();
  return {
    ...fixed,
    uptime_seconds: Math.round((now.getTime() - live.startedAt.getTime()) / 100) / 10,
    memory: { rss: m.rss, heap_total: m.heapTotal, heap_used: m.heapUsed, external: m.external },
    event_loop_lag_ms: live.lagMs,
    ...(live.inFlight === undefined ? {} : { requests_in_flight: live.inFlight }),
    now: pythonUtcNow(now),
  };
}
