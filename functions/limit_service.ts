/**
 * Builds the limits router's deps from `[oslo_limit]`: where limits come from
 * (replicated over NATS KV, a YAML file, Keystone, or in dev mode the embedded
 * sample), where usage is counted (NATS KV across sites, or this process),
 * and the enforcer between them.
 *
 * @module
 */
import type { ConfigOpts } from "../lib/config/mod.ts";
import {
  Enforcer,
  keystoneSourceFromOptions,
  KvUsageBackend,
  LIMIT_OPTS,
  LimitError,
  type LimitSource,
  loadLimitsFile,
  MemoryUsageBackend,
  parseLimitsYaml,
  ReplicatedLimitSource,
  type UsageBackend,
  UsageStore,
} from "../lib/limit/mod.ts";
import { connectTransport, type Transport } from "../lib/messaging/mod.ts";
import type * as policy from "../lib/policy/mod.ts";
import type { LimitAppDeps } from "./limit.ts";

/** The limits part of the service. */
export interface LimitService {
  deps: LimitAppDeps;
  /** Lines to print at start. */
  warnings: string[];
  /** Whether the limit source has had no limit at all for `resource` (enforced as 0; metrics). */
  limitless(resource: string): boolean;
  /** Closes the NATS connection, if one was opened. */
  close(): Promise<void>;
}

/** Where the embedded sample limits are. */
export const SAMPLE_LIMITS = new URL("./limits.sample.yaml", import.meta.url);

/** Most resource names without a limit remembered (and warned about). */
const MAX_LIMITLESS = 10_000;

class LimitStartupError extends Error {
  readonly code = "ERR_STARTUP";
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}

/**
 * Builds the limit deps from the loaded config; null when no limit source is
 * configured (outside dev mode), and then `/v1/limits` is not served. Throws
 * an error naming the option at fault.
 */
export async function createLimitService(
  conf: ConfigOpts,
  options: { dev: boolean; policy: policy.Enforcer; onCheck?: LimitAppDeps["onCheck"] },
): Promise<LimitService | null> {
  const o = conf.group(LIMIT_OPTS);
  if (!o.limits_bucket && !o.limits_file && !o.auth_url && !options.dev) {
    return null; // no limit source configured: /v1/limits is not served
  }
  const warnings: string[] = [];
  let transport: Transport | undefined;
  if ((o.limits_bucket || o.usage_bucket) && !o.transport_url) {
    throw new LimitStartupError(
      "Cannot use [oslo_limit] limits_bucket or usage_bucket without [oslo_limit] transport_url (nats://host:port/)",
    );
  }
  try {
    if (o.transport_url && (o.limits_bucket || o.usage_bucket)) {
      transport = await connectTransport(o.transport_url, { name: "oslo-edge-limits" });
    }
    const domain = o.usage_domain;
    let source: LimitSource;
    if (o.limits_bucket && transport) {
      const replicated = await ReplicatedLimitSource.open(transport, {
        bucket: o.limits_bucket,
        domain,
      });
      await replicated.ready(10_000).catch((e) =>
        warnings.push(
          `WARNING: ${e.message}: checks and claims answer 503 (limit-not-ready) until limits arrive`,
        )
      );
      source = replicated;
    } else if (o.limits_file) {
      source = await loadLimitsFile(o.limits_file);
    } else if (o.auth_url) {
      source = keystoneSourceFromOptions(o);
    } else {
      source = parseLimitsYaml(await Deno.readTextFile(SAMPLE_LIMITS), SAMPLE_LIMITS.pathname);
      warnings.push(`Limits: the embedded sample (${SAMPLE_LIMITS.pathname}), dev mode`);
    }
    let backend: UsageBackend;
    if (o.usage_bucket && transport) {
      backend = await KvUsageBackend.open(transport, { bucket: o.usage_bucket, domain });
    } else {
      backend = new MemoryUsageBackend();
      if (!options.dev) {
        warnings.push(
          "WARNING: claims are counted in this process only: set [oslo_limit] usage_bucket and transport_url to count them across instances and sites",
        );
      }
    }
    const ref: { enforcer?: Enforcer } = {};
    const store = new UsageStore(backend, {
      claimTtl: o.claim_ttl * 1000,
      scopeOf: (p) => ref.enforcer!.usageScope(p),
    });
    // Resources without any limit, warned about once (as lib/limit does by default).
    const limitless = new Set<string>();
    const enforcer = ref.enforcer = new Enforcer(store.usageCallback, {
      limits: source,
      treeUsage: store.treeUsage,
      cache: o.cache_ttl > 0 ? { ttl: o.cache_ttl * 1000 } : true,
      onMissingLimit: (name) => {
        if (limitless.has(name) || limitless.size >= MAX_LIMITLESS) return;
        limitless.add(name);
        console.warn(
          `Unable to find registered limit for resource ${name} in ${source.description}: enforcing 0`,
        );
      },
    });
    return {
      deps: {
        enforcer,
        store,
        policy: options.policy,
        ...(options.onCheck ? { onCheck: options.onCheck } : {}),
      },
      warnings,
      // Past MAX_LIMITLESS names (a caller inventing them), every name counts as limitless.
      limitless: (name) => limitless.size >= MAX_LIMITLESS || limitless.has(name),
      close: async () => {
        if (source instanceof ReplicatedLimitSource) await source.close();
        await transport?.close();
      },
    };
  } catch (e) {
    await transport?.close();
    if (e instanceof LimitError || e instanceof TypeError) throw new LimitStartupError(e.message);
    throw e;
  }
}
