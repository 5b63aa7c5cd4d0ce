/**
 * Small pieces of the notification listener: durable consumer names and the
 * memory of which endpoint already had which message.
 *
 * @module
 */

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
 * characters JetStream refuses replaced, and a hash keeping distinct inputs apart.
 *
 * @example
 * ```ts
 * import { consumerName } from "./listener_support.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(consumerName("default", "openstack", "notifications", "info"), /^oslo_default_openstack_notifications_info_[0-9a-f]{8}$/);
 * assert.notEqual(consumerName("a.b", "x", "t", "info"), consumerName("a_b", "x", "t", "info"));
 * ```
 */
export function consumerName(
  pool: string,
  exchange: string,
  topic: string,
  priority: string,
): string {
  const key = JSON.stringify([pool, exchange, topic, priority]);
  const readable = [pool, exchange, topic, priority].join("_").replace(/[^A-Za-z0-9_-]/g, "_");
  return `oslo_${readable.slice(0, 120)}_${fnv1a(key)}`;
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
