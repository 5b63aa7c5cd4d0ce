/**
 * Where usage documents live: the interface a usage store writes through, and
 * its in-process implementation (NATS KV: kv_usage_backend.ts).
 *
 * @module
 */
import type { UsageDoc } from "./usage_doc.ts";

/** Where usage documents live. `revision` 0 means "not there yet". */
export interface UsageBackend {
  readonly description: string;
  read(key: string): Promise<{ doc: UsageDoc | undefined; revision: number }>;
  /** Writes if the key is still at `revision` (0: absent); false when it is not. */
  write(key: string, doc: UsageDoc, revision: number): Promise<boolean>;
}

/** A {@linkcode UsageBackend} in this process's memory (one process, no sharing). */
export class MemoryUsageBackend implements UsageBackend {
  readonly description = "memory";
  #docs = new Map<string, { doc: UsageDoc; revision: number }>();
  read(key: string): Promise<{ doc: UsageDoc | undefined; revision: number }> {
    const e = this.#docs.get(key);
    return Promise.resolve(
      e ? { doc: e.doc, revision: e.revision } : { doc: undefined, revision: 0 },
    );
  }
  write(key: string, doc: UsageDoc, revision: number): Promise<boolean> {
    const current = this.#docs.get(key)?.revision ?? 0;
    if (current !== revision) return Promise.resolve(false);
    this.#docs.set(key, { doc, revision: current + 1 });
    return Promise.resolve(true);
  }
}
