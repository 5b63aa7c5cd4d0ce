/**
 * Small pieces of the notification listener: durable consumer names and the
 * memory of which endpoint already had which message.
 *
 * @module
 */
import { type ConsumerState, type JetStream, resumeSeq } from "./jetstream.ts";

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/**
 * A durable consumer name for (pool, exchange, topic, priority): readable, with
 * characters JetStream refuses replaced, and a hash keeping distinct inputs
 * apart. The default (pool-less) group is `null`, hashed apart from every
 * pool name, "default" included.
 *
 * @example
 * ```ts
 * import { consumerName } from "./listener_support.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(consumerName("billing", "openstack", "notifications", "info"), /^oslo_billing_openstack_notifications_info_[0-9a-f]{8}$/);
 * assert.match(consumerName(null, "openstack", "notifications", "info"), /^oslo_openstack_notifications_info_[0-9a-f]{8}$/);
 * assert.notEqual(consumerName(null, "x", "t", "info"), consumerName("default", "x", "t", "info"));
 * assert.notEqual(consumerName("a.b", "x", "t", "info"), consumerName("a_b", "x", "t", "info"));
 * ```
 */
export function consumerName(
  pool: string | null,
  exchange: string,
  topic: string,
  priority: string,
): string {
  const key = JSON.stringify([pool, exchange, topic, priority]);
  const parts = pool === null ? [exchange, topic, priority] : [pool, exchange, topic, priority];
  const readable = parts.join("_").replace(/[^A-Za-z0-9_-]/g, "_");
  return `oslo_${readable.slice(0, 120)}_${fnv1a(key)}`;
}

/**
 * Where a default-group consumer that does not exist yet starts: undefined
 * (the stream's first message) unless the consumer the default group used
 * before it got its own name (`"default"`, shared with a pool of that name)
 * exists; then where that one stands ({@linkcode resumeSeq}), so an upgrade
 * neither replays nor skips anything.
 */
export async function defaultGroupStart(
  js: JetStream,
  stream: string,
  name: string,
  key: { exchange: string; topic: string; priority: string },
): Promise<number | undefined> {
  if (await js.consumerInfo(stream, name)) return undefined;
  const legacy = consumerName("default", key.exchange, key.topic, key.priority);
  const old = await js.consumerInfo(stream, legacy) as ConsumerState | undefined;
  return old ? resumeSeq(old) : undefined;
}

/** Which (message id, endpoint index) pairs were handled, forgetting the oldest ids past `size`. */
export class SeenSet {
  #size: number;
  #map = new Map<string, Set<number>>();
  constructor(size: number) {
    this.#size = size;
  }
  has(id: string, endpoint: number): boolean {
    return this.#map.get(id)?.has(endpoint) === true;
  }
  add(id: string, endpoint: number): void {
    let set = this.#map.get(id);
    if (!set) {
      set = new Set();
      this.#map.set(id, set);
      if (this.#map.size > this.#size) {
        const oldest = this.#map.keys().next().value;
        if (oldest !== undefined) this.#map.delete(oldest);
      }
    }
    set.add(endpoint);
  }
}
