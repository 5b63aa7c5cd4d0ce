/**
 * The light agent's `limit_cache_refresh`: a limit `Enforcer` over the limits
 * source its `[oslo_limit]` options name (lib/limit, imported only then). A
 * call drops the limits it cached and reads the source again: a `limits_file`
 * is re-read and validated (so an edit takes effect, or its error is
 * reported), Keystone is asked for its enforcement model again (so an
 * unreachable Keystone shows). Replicated limits (`limits_bucket`) are kept
 * current by their own watch: there is nothing to refresh, so the action is
 * not taken then.
 *
 * @module
 */
import type { ConfigOpts } from "../lib/config/mod.ts";
import type { AgentHandler, Unhandled } from "./agent.ts";

/** Counts of a limits document. */
function counts(data: {
  registeredLimits?: Readonly<Record<string, number>>;
  projectLimits?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}) {
  return {
    registeredLimits: Object.keys(data.registeredLimits ?? {}).length,
    projectLimits: Object.values(data.projectLimits ?? {})
      .reduce((n, p) => n + Object.keys(p).length, 0),
  };
}

/**
 * The handler for the configured source, an {@linkcode Unhandled} for
 * replicated limits, or undefined when `[oslo_limit]` names no source.
 * Registers `[oslo_limit]`; a bad limits file throws `LimitSourceError`
 * naming its line.
 */
export async function limitRefreshHandler(
  conf: ConfigOpts,
): Promise<AgentHandler | Unhandled | undefined> {
  const limit = await import("../lib/limit/mod.ts");
  conf.register(limit.LIMIT_OPTS);
  const o = conf.group(limit.LIMIT_OPTS);
  if (o.limits_bucket) {
    return {
      unhandled:
        `limits replicated from bucket "${o.limits_bucket}" are kept current by their watch: there is no cache to refresh`,
    };
  }
  if (!o.limits_file && !o.auth_url) return undefined;
  const cache = o.cache_ttl > 0 ? { ttl: o.cache_ttl * 1000 } : true;
  const noUsage = () => ({});
  if (o.limits_file) {
    const file = o.limits_file;
    let source = await limit.loadLimitsFile(file);
    let enforcer = new limit.Enforcer(noUsage, { limits: source, cache });
    return async () => {
      const before = JSON.stringify(source.toJSON());
      const fresh = await limit.loadLimitsFile(file); // a bad edit throws: the old limits stay
      enforcer.clearCache();
      source = fresh;
      enforcer = new limit.Enforcer(noUsage, { limits: source, cache });
      return {
        cleared: true,
        source: enforcer.source.description,
        model: await enforcer.model(),
        changed: JSON.stringify(source.toJSON()) !== before,
        ...counts(source.toJSON()),
      };
    };
  }
  const enforcer = new limit.Enforcer(noUsage, {
    limits: limit.keystoneSourceFromOptions(o),
    cache,
  });
  return async () => {
    enforcer.clearCache();
    // Asked of the source itself: the enforcer keeps the model it learnt first.
    const model = await enforcer.source.model();
    return { cleared: true, source: enforcer.source.description, model };
  };
}
