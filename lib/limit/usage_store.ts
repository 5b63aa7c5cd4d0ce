/**
 * Usage counted exactly across processes and sites: claims are reserved, then
 * committed or released, and expire if the claimer dies. Every change to a
 * usage scope is a compare-and-set of its one document (usage_doc.ts) in a
 * {@linkcode UsageBackend}: in memory for one process, or a NATS JetStream KV
 * bucket shared by every edge site.
 *
 * Concurrent operations on the same scope within one store are combined: one
 * read, all queued operations applied in order (each claim checked against the
 * limits with the usage they leave), one write. A write that loses the race is
 * redone on a fresh read. A write whose outcome is unknown (a timeout, a leaf
 * node lost) is retried too, and recognised by the store's client id and batch
 * number if it had landed, so nothing is applied twice.
 *
 * @module
 */
import { ClaimNotFoundError, LimitError, ProjectOverLimit, UsageStoreError } from "./errors.ts";
import type { Enforcer } from "./enforcer.ts";
import {
  addUsed,
  cloneDoc,
  collectGarbage,
  commitClaim,
  everyProjectUsage,
  liveUsage,
  type OpResult,
  releaseClaim,
  type UsageDoc,
} from "./usage_doc.ts";
import type { MaybePromise } from "./limit_source.ts";

/** Where usage documents live. `revision` 0 means "not there yet". */
export interface UsageBackend {
  readonly description: string;
  read(key: string): Promise<{ doc: UsageDoc | undefined; revision: number }>;
  /** Writes if the key is still at `revision` (0: absent); false when it is not. */
  write(key: string, doc: UsageDoc, revision: number): Promise<boolean>;
}

/** A reservation made by {@linkcode UsageStore.claim}. */
export interface Claim {
  claimId: string;
  projectId: string;
  deltas: Record<string, number>;
  /** Epoch ms after which the reservation no longer counts. */
  expiresAt: number;
}

/** Options of {@linkcode UsageStore}. */
export interface UsageStoreOptions {
  /** Milliseconds a claim holds usage unless committed or released (default 60000). */
  claimTtl?: number;
  /** Milliseconds an operation keeps retrying before it fails (default 30000). */
  opTimeout?: number;
  /** The usage scope of a project (default: the project; strict-two-level: its tree's root). */
  scopeOf?: (projectId: string) => MaybePromise<string>;
}

type Op =
  | {
    kind: "claim";
    id: string;
    projectId: string;
    deltas: Record<string, number>;
    enforcer: Enforcer;
  }
  | { kind: "commit" | "release"; id: string }
  | { kind: "adjust"; projectId: string; deltas: Record<string, number> };

interface Pending {
  op: Op;
  deadline: number;
  resolve: (r: OpResult) => void;
  reject: (e: unknown) => void;
}

const b64 = (s: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(s))).replaceAll("+", "-").replaceAll(
    "/",
    "_",
  )
    .replace(/=+$/, "");
const unb64 = (s: string) =>
  new TextDecoder().decode(
    Uint8Array.from(atob(s.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0)),
  );

/** Scope and project encoded in a claim id (`<scope>.<project>.<uuid>`, base64url). */
function parseClaimId(claimId: string): { scope: string; projectId: string } {
  const parts = typeof claimId === "string" ? claimId.split(".") : [];
  if (parts.length !== 3 || !parts[0] || !parts[1]) throw new ClaimNotFoundError(String(claimId));
  try {
    return { scope: unb64(parts[0]), projectId: unb64(parts[1]) };
  } catch {
    throw new ClaimNotFoundError(claimId);
  }
}

/**
 * The project a claim id was issued for (read from the id itself, for policy
 * checks before touching the store); {@linkcode ClaimNotFoundError} for an id
 * this store could not have issued.
 */
export function claimProjectId(claimId: string): string {
  return parseClaimId(claimId).projectId;
}

function checkClaimArgs(projectId: unknown, deltas: Readonly<Record<string, number>>): void {
  if (typeof projectId !== "string" || projectId === "") {
    throw new TypeError("Cannot claim: project id must be a non-empty string");
  }
  if (typeof deltas !== "object" || deltas === null || Object.keys(deltas).length === 0) {
    throw new TypeError("Cannot claim: deltas must be a non-empty object of resource → integer");
  }
  for (const [n, d] of Object.entries(deltas)) {
    if (!Number.isInteger(d) || d < 0) {
      throw new TypeError(`Cannot claim: delta of "${n}" must be a non-negative integer, got ${d}`);
    }
  }
}

/** Claims and usage over a {@linkcode UsageBackend}. */
export class UsageStore {
  readonly backend: UsageBackend;
  /** This store's id in usage documents (for recognising its own retried writes). */
  readonly clientId: string = crypto.randomUUID().slice(0, 13);
  #ttl: number;
  #timeout: number;
  #scopeOf: (projectId: string) => MaybePromise<string>;
  #queues = new Map<string, Pending[]>();
  #seq = 0;

  constructor(backend: UsageBackend, options: UsageStoreOptions = {}) {
    this.backend = backend;
    this.#ttl = options.claimTtl ?? 60_000;
    this.#timeout = options.opTimeout ?? 30_000;
    this.#scopeOf = options.scopeOf ?? ((p) => p);
  }

  /** A usage callback for an {@linkcode Enforcer}: committed usage plus live reservations. */
  readonly usageCallback = async (
    projectId: string | null,
    names: string[],
  ): Promise<Record<string, number>> => {
    if (projectId === null) return Object.fromEntries(names.map((n) => [n, 0]));
    const scope = await this.#scopeOf(projectId);
    const { doc } = await this.#read(scope);
    return liveUsage(doc, projectId, names, Date.now());
  };

  /**
   * A tree usage callback for an {@linkcode Enforcer} (strict-two-level): the
   * usage of every project the tree's document holds, from one read.
   */
  readonly treeUsage = async (
    root: string,
    names: string[],
  ): Promise<Map<string, Record<string, number>>> => {
    const { doc } = await this.#read(await this.#scopeOf(root));
    return everyProjectUsage(doc, names, Date.now());
  };

  async #read(scope: string) {
    try {
      return await this.backend.read(`u.${b64(scope)}`);
    } catch (e) {
      throw new UsageStoreError(
        `Cannot read usage from ${this.backend.description}: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
  }

  /**
   * Reserves `deltas` for `projectId` if they fit its limits (checked by
   * `enforcer` against the usage they would leave, atomically); rejects with
   * {@linkcode ProjectOverLimit} otherwise.
   */
  async claim(
    enforcer: Enforcer,
    projectId: string,
    deltas: Record<string, number>,
  ): Promise<Claim> {
    checkClaimArgs(projectId, deltas);
    const scope = await this.#scopeOf(projectId);
    const id = `${b64(scope)}.${b64(projectId)}.${crypto.randomUUID()}`;
    const r = await this.#submit(scope, {
      kind: "claim",
      id,
      projectId,
      deltas: { ...deltas },
      enforcer,
    });
    if ("over" in r) throw new ProjectOverLimit(projectId, r.over);
    return {
      claimId: id,
      projectId,
      deltas: { ...deltas },
      expiresAt: (r as { expiresAt: number }).expiresAt,
    };
  }

  /** Turns a live claim into usage; {@linkcode ClaimNotFoundError} when it is gone or expired. */
  async commit(claimId: string): Promise<void> {
    const r = await this.#submit(parseClaimId(claimId).scope, { kind: "commit", id: claimId });
    if ("missing" in r) throw new ClaimNotFoundError(claimId);
  }

  /** Gives a live claim's usage back; {@linkcode ClaimNotFoundError} when it is gone or expired. */
  async release(claimId: string): Promise<void> {
    const r = await this.#submit(parseClaimId(claimId).scope, { kind: "release", id: claimId });
    if ("missing" in r) throw new ClaimNotFoundError(claimId);
  }

  /**
   * Adds `deltas` to a project's committed usage, unchecked: negative to give
   * usage back (a resource deleted), never below 0. Resolves to the committed
   * usage of those resources after the change.
   */
  async adjust(
    projectId: string,
    deltas: Record<string, number>,
  ): Promise<Record<string, number>> {
    if (typeof projectId !== "string" || projectId === "") {
      throw new TypeError("Cannot adjust usage: project id must be a non-empty string");
    }
    if (typeof deltas !== "object" || deltas === null || Object.keys(deltas).length === 0) {
      throw new TypeError(
        "Cannot adjust usage: deltas must be a non-empty object of resource → integer",
      );
    }
    for (const [n, d] of Object.entries(deltas)) {
      if (!Number.isSafeInteger(d)) {
        throw new TypeError(`Cannot adjust usage: delta of "${n}" must be an integer, got ${d}`);
      }
    }
    const r = await this.#submit(await this.#scopeOf(projectId), {
      kind: "adjust",
      projectId,
      deltas: { ...deltas },
    });
    return { ...(r as { used?: Record<string, number> }).used };
  }

  #submit(scope: string, op: Op): Promise<OpResult> {
    return new Promise((resolve, reject) => {
      const queue = this.#queues.get(scope);
      const pending = { op, deadline: Date.now() + this.#timeout, resolve, reject };
      if (queue) {
        queue.push(pending);
        return;
      }
      this.#queues.set(scope, [pending]);
      this.#drain(scope);
    });
  }

  /** Runs batches for `scope` until its queue is empty. */
  async #drain(scope: string): Promise<void> {
    const queue = this.#queues.get(scope)!;
    while (queue.length) {
      const batch = queue.splice(0, queue.length);
      try {
        const results = await this.#runBatch(scope, batch);
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
    this.#queues.delete(scope);
  }

  async #runBatch(scope: string, batch: Pending[]): Promise<OpResult[]> {
    const key = `u.${b64(scope)}`;
    const seq = ++this.#seq;
    const deadline = Math.min(...batch.map((p) => p.deadline));
    let delay = 20;
    for (;;) {
      try {
        const { doc, revision } = await this.backend.read(key);
        const mine = doc?.clients?.[this.clientId];
        if (mine && mine.s === seq) return mine.r; // our earlier write landed after all
        const next = cloneDoc(doc);
        const now = Date.now();
        collectGarbage(next, now);
        const results: OpResult[] = [];
        for (const p of batch) results.push(await this.#apply(next, p.op, now));
        // Nothing changed (every claim refused, every claim id gone): the read decided it.
        if (results.every((r) => !("ok" in r))) return results;
        next.clients[this.clientId] = { s: seq, r: results, t: now };
        if (await this.backend.write(key, next, revision)) return results;
        delay = 1; // lost a race: redo at once on a fresh read
      } catch (e) {
        if (e instanceof LimitError || e instanceof TypeError) throw e; // from the limit check
        if (Date.now() + delay > deadline) {
          throw new UsageStoreError(
            `Cannot update usage in ${this.backend.description} within ${this.#timeout} ms: ${
              (e as Error).message
            } (a claim that was not confirmed expires by itself)`,
            { cause: e },
          );
        }
        delay = Math.min(delay * 2, 1000);
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  async #apply(doc: UsageDoc, op: Op, now: number): Promise<OpResult> {
    switch (op.kind) {
      case "claim": {
        try {
          await op.enforcer.enforce(op.projectId, op.deltas, {
            usage: (pid, names) => liveUsage(doc, pid ?? "", names, now),
            treeUsage: (_root, names) => everyProjectUsage(doc, names, now),
          });
        } catch (e) {
          if (e instanceof ProjectOverLimit) return { over: [...e.overLimitInfoList] };
          throw e;
        }
        const expiresAt = now + this.#ttl;
        doc.claims[op.id] = { p: op.projectId, d: op.deltas, e: expiresAt };
        return { ok: true, expiresAt };
      }
      case "commit":
        return commitClaim(doc, op.id, now) ? { ok: true } : { missing: true };
      case "release":
        return releaseClaim(doc, op.id, now) ? { ok: true } : { missing: true };
      case "adjust":
        return { ok: true, used: addUsed(doc, op.projectId, op.deltas) };
    }
  }
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
