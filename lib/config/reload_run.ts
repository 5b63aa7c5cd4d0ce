/**
 * One reload, as oslo.config's `mutate_config_files`: re-read the files and
 * the environment and re-open the config sources, keep immutable values
 * (warning when their sources changed), apply mutable ones, log each change
 * (secrets masked), call the hooks, count it, tell the listeners.
 *
 * It never rejects: a configuration problem fails the reload (old values
 * kept), and anything unexpected (a bug in a driver, a hook or a listener) is
 * logged on one line, so a SIGHUP can never take the process down.
 *
 * @module
 */
import { ConfigError, ConfigErrors } from "./errors.ts";
import { looksSecret } from "./redact.ts";
import {
  changeMessage,
  type ConfigChange,
  type MutateHook,
  type ReloadEvent,
  type ReloadListener,
  type ReloadStatus,
  sameValue,
} from "./reload.ts";
import type { Namespace } from "./raw.ts";
import type { Registered } from "./registry.ts";
import { type ResolvedValue, type ResolveOutput, unconvertedValue } from "./resolve.ts";
import type { ConfigSource } from "./source.ts";

/** What a reload needs from its `ConfigOpts`. */
export interface ReloadContext {
  logger: { info(m: string): void; warn(m: string): void; error(m: string): void };
  hooks: readonly MutateHook[];
  listeners: readonly ReloadListener[];
  status: ReloadStatus;
  /** Options by registration number (holes where removed). */
  opts: readonly (Registered | undefined)[];
  /** Values by registration number. */
  values(): readonly (ResolvedValue | undefined)[];
  /** The namespace immutable options keep (the one read at load). */
  current(): Namespace | undefined;
  /** The sources immutable options keep (the ones opened at load). */
  sources(): readonly ConfigSource[];
  readNamespace(): Promise<Namespace>;
  /** Re-opens the config sources, reporting problems through `warn`. */
  openSources(fresh: Namespace, warn: (m: string) => void): Promise<readonly ConfigSource[]>;
  resolve(
    ns: Namespace,
    mutableNs: Namespace,
    mutableSources: readonly ConfigSource[],
  ): ResolveOutput;
  commit(
    mutableNs: Namespace,
    mutableSources: readonly ConfigSource[],
    values: (ResolvedValue | undefined)[],
  ): void;
}

/**
 * An unexpected error as one line without a secret: its name, and its first
 * message line unless that looks like it holds a secret.
 */
export function describeUnexpected(e: unknown): string {
  if (!(e instanceof Error)) return typeof e;
  const first = e.message.split("\n", 1)[0] ?? "";
  if (first === "") return e.name;
  return looksSecret(first)
    ? `${e.name} (message not shown: it may hold a secret)`
    : `${e.name}: ${first}`;
}

/** Runs one reload; never rejects. */
export async function reloadConfig(ctx: ReloadContext): Promise<ReloadEvent> {
  const messages: string[] = [];
  const log = (level: "info" | "warn" | "error", m: string) => {
    messages.push(m);
    try {
      ctx.logger[level](m);
    } catch { /* a broken logger must not stop the reload */ }
  };
  ctx.status.reloads++;
  let event: ReloadEvent;
  try {
    const current = ctx.current();
    if (!current) throw new ConfigError("Cannot reload: the configuration was never loaded");
    const fresh = await ctx.readNamespace();
    const freshSources = await ctx.openSources(fresh, (m) => log("warn", m));
    const out = ctx.resolve(current, fresh, freshSources);
    if (out.errors.length > 0) {
      throw out.errors.length === 1 ? out.errors[0] : new ConfigErrors(out.errors);
    }
    const old = ctx.values();
    const oldSources = ctx.sources();
    const changes: ConfigChange[] = [];
    const ignored: string[] = [];
    for (const reg of ctx.opts) {
      if (!reg) continue;
      if (!reg.opt.mutable) {
        const before = unconvertedValue(reg, current, oldSources);
        const after = unconvertedValue(reg, fresh, freshSources);
        if (!sameValue(before, after)) ignored.push(`${reg.group}.${reg.opt.name}`);
        continue;
      }
      const a = old[reg.index];
      const b = out.values[reg.index] as ResolvedValue;
      if (!sameValue(a?.value, b.value)) {
        changes.push({
          group: reg.group,
          name: reg.opt.name,
          old: a?.value,
          new: b.value,
          location: b.location,
          secret: !!reg.opt.secret || !!a?.secret || !!b.secret,
        });
      }
    }
    ctx.commit(fresh, freshSources, out.values);
    for (const c of changes) log("info", changeMessage(c));
    for (const name of ignored) log("warn", `Ignoring change to immutable option ${name}`);
    for (const hook of ctx.hooks) {
      try {
        await hook(changes);
      } catch (e) {
        log("error", `A config mutate hook failed: ${describeUnexpected(e)}`);
      }
    }
    ctx.status.changesApplied += changes.length;
    event = { ok: true, at: new Date(), changes, ignored, messages };
  } catch (e) {
    const why = e instanceof ConfigError ? e.message : `unexpected ${describeUnexpected(e)}`;
    log("warn", `Caught Error while reloading configure files: ${why}`);
    ctx.status.failedReloads++;
    event = { ok: false, at: new Date(), changes: [], ignored: [], error: why, messages };
  }
  ctx.status.last = event;
  for (const l of ctx.listeners) {
    try {
      l(event);
    } catch (e) {
      log("error", `A config reload listener failed: ${describeUnexpected(e)}`);
    }
  }
  return event;
}
