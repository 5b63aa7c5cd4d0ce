/** Shared set-up of the limits router tests: real usage store, real policy enforcer. */
import { createApp } from "../../functions/app.ts";
import type { LimitAppDeps } from "../../functions/limit.ts";
import { serviceConfig } from "../../functions/service.ts";
import { Enforcer, type LimitsData, MemoryUsageBackend, UsageStore } from "../../lib/limit/mod.ts";
import * as policy from "../../lib/policy/mod.ts";

export const PROBLEM = "application/problem+json";

/**
 * Limits deps over the real policy enforcer with the shipped default rules
 * (registered by the router); `decisions` records each rule decided.
 */
export function limitDeps(
  limits: LimitsData,
  policyText?: string,
): LimitAppDeps & { decisions: string[] } {
  const decisions: string[] = [];
  const ref: { enforcer?: Enforcer } = {};
  const store = new UsageStore(new MemoryUsageBackend(), {
    claimTtl: 60_000,
    scopeOf: (p) => ref.enforcer!.usageScope(p),
  });
  const enforcer = ref.enforcer = new Enforcer(store.usageCallback, {
    limits,
    treeUsage: store.treeUsage,
    onMissingLimit: () => {},
  });
  return {
    enforcer,
    store,
    policy: new policy.Enforcer({
      ...(policyText === undefined ? {} : { policy: policyText }),
      onDecision: (rule, allowed) => decisions.push(`${rule} ${allowed ? "allow" : "deny"}`),
      onWarning: () => {},
    }),
    decisions,
  };
}

export function devApp(deps: LimitAppDeps) {
  return createApp({
    verify: null,
    maxBodySize: 114688,
    schemas: { "oslo-edge": serviceConfig().groups() },
    limits: deps,
  });
}

export const post = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});
export const member = (project: string) => ({ roles: ["member"], project_id: project });
