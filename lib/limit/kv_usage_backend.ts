/**
 * Usage documents in a NATS JetStream KV bucket, written with compare-and-set.
 *
 * Where the bucket lives decides whether edge sites can overshoot a limit
 * together. It lives in the hub's JetStream domain (`[oslo_limit]
 * usage_domain = hub`), as one stream with one leader: every leaf node
 * reaches it through its leaf link (`$JS.hub.API`), so every site's
 * compare-and-set lands on the same copy and is ordered there, and two sites
 * can never both take the last unit. A bucket per leaf (its own domain,
 * mirrored or sourced to the hub) would answer faster but would accept writes
 * while cut off and merge them later: it cannot bound usage. The price of the
 * single copy is a round trip to the hub per batch of claims, and a site cut
 * off from the hub cannot claim (it fails closed, with UsageStoreError) until
 * its link is back; claims it had reserved expire by themselves.
 *
 * A claim's expiry is set by the claimer's clock and read by every site's:
 * keep `[oslo_limit] claim_ttl` well above the clock skew between sites.
 *
 * @module
 */
import { KvConflictError, type KvStore, type Transport } from "../messaging/mod.ts";
import type { UsageDoc } from "./usage_doc.ts";
import type { UsageBackend } from "./usage_backend.ts";

/** Where a {@linkcode KvUsageBackend} keeps its bucket. */
export interface KvUsageBackendOptions {
  /** Bucket name (default `oslo_limit_usage`). */
  bucket?: string;
  /** JetStream domain of the bucket (default `hub`; omit with `null` for a server without domains). */
  domain?: string | null;
  /** Revisions kept per key when the bucket is created (default 1: only the current document). */
  history?: number;
}

/** A {@linkcode UsageBackend} over a KV bucket. */
export class KvUsageBackend implements UsageBackend {
  readonly description: string;
  #kv: KvStore;

  constructor(kv: KvStore, description = `NATS KV bucket ${kv.bucket}`) {
    this.#kv = kv;
    this.description = description;
  }

  /** Opens (creating when missing) the bucket through `transport`. */
  static async open(
    transport: Transport,
    options: KvUsageBackendOptions = {},
  ): Promise<KvUsageBackend> {
    const bucket = options.bucket ?? "oslo_limit_usage";
    const domain = options.domain === undefined ? "hub" : options.domain;
    const kv = await transport.kv(bucket, {
      history: options.history ?? 1,
      ...(domain ? { domain } : {}),
    });
    return new KvUsageBackend(kv, `NATS KV bucket ${bucket}${domain ? ` (domain ${domain})` : ""}`);
  }

  async read(key: string): Promise<{ doc: UsageDoc | undefined; revision: number }> {
    const e = await this.#kv.get(key);
    return e ? { doc: e.json<UsageDoc>(), revision: e.revision } : { doc: undefined, revision: 0 };
  }

  async write(key: string, doc: UsageDoc, revision: number): Promise<boolean> {
    const value = JSON.stringify(doc);
    try {
      if (revision === 0) await this.#kv.create(key, value);
      else await this.#kv.update(key, value, revision);
      return true;
    } catch (e) {
      if (e instanceof KvConflictError) return false;
      throw e;
    }
  }
}
