/**
 * The agent actions on a running service: its health report, a config
 * reload, a policy reload and a limits cache refresh, each acting on the
 * same objects the HTTP functions use.
 *
 * @module
 */
import type { Service } from "../functions/service.ts";
import type { ConfigOpts } from "../lib/config/mod.ts";
import type { AgentHandlers } from "./agent.ts";

/** Handlers that act on `service`. */
export function serviceHandlers(service: Service): AgentHandlers {
  const { health, policy, limits } = service.parts;
  return {
    health_report: () => {
      const ready = health.readyz({ verbose: true, serverPort: 0 });
      return {
        ready: ready.status === 200,
        checks: ready.body.split("\n").filter((l) => l.startsWith("[")),
        runtime: { ...health.runtime() },
      };
    },
    config_reload: () => reloadConfig(service.conf),
    policy_cache_refresh: async () => {
      await policy.load();
      const s = policy.status();
      return {
        loaded: s.loaded,
        rules: s.rules,
        loadedAt: s.loadedAt?.toISOString() ?? null,
        ...(s.error ? { error: s.error } : {}),
      };
    },
    limit_cache_refresh: limits
      ? () => {
        limits.enforcer.clearCache();
        return { cleared: true };
      }
      : { unhandled: "this service serves no limits: [oslo_limit] names no limits source" },
  };
}

/** `config_reload`: `ConfigOpts.reload()`, reported without values. */
export async function reloadConfig(conf: ConfigOpts): Promise<Record<string, unknown>> {
  const e = await conf.reload();
  return {
    ok: e.ok,
    changed: e.changes.map((c) => `${c.group}.${c.name}`),
    ignored: e.ignored,
    ...(e.error ? { error: e.error } : {}),
  };
}
