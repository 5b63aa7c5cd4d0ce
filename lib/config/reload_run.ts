/**
 * One reload, as oslo.config's `mutate_config_files`: re-read, keep immutable
 * values (warning when their sources changed), apply mutable ones, log each
 * change (secrets masked), call the hooks, count it.
 *
 * @module
 */
import { ConfigError, ConfigErrors } from "./errors.ts";
import {
  changeMessage,
  type ConfigChange,
  type MutateHook,
  type ReloadEvent,
  type ReloadListener,
  type ReloadStatus,
  sameValue,
} from "./reload.ts";
import { type Namespace, namespaceRaw } from "./raw.ts";
import type { Registered } from "./registry.ts";
import type { ResolvedValue, ResolveOutput } from "./resolve.ts";

/** What a reload needs from its `ConfigOpts`. */
export interface ReloadContext {
  logger: { info(m: string): void; warn(m: string): void; error(m: string): void };
  hooks: readonly MutateHook[];
  listeners: readonly ReloadListener[];
  status: ReloadStatus;
  opts: ReadonlyMap<string, Registered>;
  values(): ReadonlyMap<string, ResolvedValue>;
  current(): Namespace | undefined;
  readNamespace(): Promise<Namespace>;
  resolve(ns: Namespace, mutableNs: Namespace): ResolveOutput;
  commit(mutableNs: Namespace, values: Map<string, ResolvedValue>): void;
}

/** Runs one reload; never throws for a configuration problem. */
export async function reloadConfig(ctx: ReloadContext): Promise<ReloadEvent> {
  const messages: string[] = [];
  const log = (level: "info" | "warn" | "error", m: string) => {
    messages.push(m);
    ctx.logger[level](m);
  };
  ctx.status.reloads++;
  let event: ReloadEvent;
  try {
    const current = ctx.current();
    if (!current) throw new ConfigError("Cannot reload: the configuration was never loaded");
    const fresh = await ctx.readNamespace();
    const out = ctx.resolve(current, fresh);
    if (out.errors.length > 0) {
      throw out.errors.length === 1 ? out.errors[0] : new ConfigErrors(out.errors);
    }
    const old = ctx.values();
    const changes: ConfigChange[] = [];
    const ignored: string[] = [];
    for (const [k, reg] of ctx.opts) {
      if (!reg.opt.mutable) {
        const before = namespaceRaw(reg, current)?.value;
        const after = namespaceRaw(reg, fresh)?.value;
        if (!sameValue(before, after)) ignored.push(`${reg.group}.${reg.opt.name}`);
        continue;
      }
      const a = old.get(k);
      const b = out.values.get(k) as ResolvedValue;
      if (!sameValue(a?.value, b.value)) {
        changes.push({
          group: reg.group,
          name: reg.opt.name,
          old: a?.value,
          new: b.value,
          location: b.location,
          secret: !!reg.opt.secret,
        });
      }
    }
    ctx.commit(fresh, out.values);
    for (const c of changes) log("info", changeMessage(c));
    for (const name of ignored) log("warn", `Ignoring change to immutable option ${name}`);
    for (const hook of ctx.hooks) {
      try {
        await hook(changes);
      } catch (e) {
        log("error", `A config mutate hook failed: ${(e as Error).message}`);
      }
    }
    ctx.status.changesApplied += changes.length;
    event = { ok: true, at: new Date(), changes, ignored, messages };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    log("warn", `Caught Error while reloading configure files: ${e.message}`);
    ctx.status.failedReloads++;
    event = { ok: false, at: new Date(), changes: [], ignored: [], error: e.message, messages };
  }
  ctx.status.last = event;
  for (const l of ctx.listeners) l(event);
  return event;
}
