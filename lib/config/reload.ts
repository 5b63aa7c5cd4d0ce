/**
 * Reload (oslo.config's `mutate_config_files`) bookkeeping: what changed,
 * what was ignored, what happened, and a status other areas can report.
 *
 * @module
 */
import type { Location } from "./location.ts";
import { pyStr } from "./py.ts";
import { REDACTED } from "./redact.ts";

/** One mutable option whose value changed on reload. */
export interface ConfigChange {
  /** Group (`DEFAULT` for none). */
  group: string;
  /** Option name. */
  name: string;
  /** Value before the reload. */
  old: unknown;
  /** Value after the reload. */
  new: unknown;
  /** Where the new value came from. */
  location: Location;
  /** The value is secret (declared, read from a secret store, or substituting one): never log `old` or `new`. */
  secret: boolean;
}

/** What one reload did. */
export interface ReloadEvent {
  /** False when the files could not be read, parsed or validated: the old values stay. */
  ok: boolean;
  /** When it finished. */
  at: Date;
  /** Mutable options that changed (their hooks were called with these). */
  changes: ConfigChange[];
  /** Immutable options whose sources changed, as `group.name`: their old values stay. */
  ignored: string[];
  /** Why it failed (never holds a secret). */
  error?: string;
  /** The log lines it wrote. */
  messages: string[];
}

/** Load and reload counters, for health checks and metrics. */
export interface ReloadStatus {
  /** When the first load finished (undefined before). */
  loadedAt?: Date;
  /** Reloads attempted. */
  reloads: number;
  /** Reloads that failed (old values kept). */
  failedReloads: number;
  /** Options changed by reloads, in total. */
  changesApplied: number;
  /** The latest reload. */
  last?: ReloadEvent;
}

/** Called after a successful reload with the changed mutable options (oslo's mutate hooks). */
export type MutateHook = (changes: readonly ConfigChange[]) => void | Promise<void>;

/** Called after every reload attempt, successful or not. */
export type ReloadListener = (event: ReloadEvent) => void;

/** Deep equality of configuration values (plain data only). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) =>
    Object.hasOwn(b as object, k) &&
    sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
  );
}

/** oslo's log line for a change, with secrets masked. */
export function changeMessage(change: ConfigChange): string {
  const show = (v: unknown) => change.secret ? REDACTED : pyStr(v ?? null);
  return `Option ${change.group}.${change.name} changed from [${show(change.old)}] to [${
    show(change.new)
  }]`;
}
