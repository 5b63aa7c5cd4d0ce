/**
 * Usage counted exactly across processes and sites: claims are reserved, then
 * committed or released, and expire if the claimer dies. Every change to a
 * usage scope (a project under flat, a tree under strict-two-level:
 * usage_scope.ts) is a compare-and-set of its one document (usage_doc.ts) in
 * a {@linkcode UsageBackend}: in memory for one process, or a NATS JetStream
 * KV bucket shared by every edge site. After a change of model, the first
 * operation on a scope carries committed usage over (usage_carry.ts).
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
import type { UsageBackend } from "./usage_backend.ts";
import { carryToProject, carryToTree, enlist, isCurrent, type ReadDoc } from "./usage_carry.ts";
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
import { newClaimId, parseClaimId, type Place, placeOf, type UsageScope } from "./usage_scope.ts";

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
  /**
   * Where a project's usage is kept (default: its own document); wire it to
   * {@linkcode Enforcer.usageScope}, so the model in use decides.
   */
  scopeOf?: (projectId: string) => MaybePromise<UsageScope>;
}

type Op =
  | {
    kind: "claim";
    id: string;
    projectId: string;
    deltas: Record<string, number>;
    enforcer: Enforcer;
    scope: UsageScope;
  }
  | { kind: "commit" | "release"; id: string }
  | { kind: "adjust"; projectId: string; deltas: Record<string, number>; scope: UsageScope };

interface Pending {
  op: Op;
  deadline: number;
  resolve: (r: OpResult) => void;
  reject: (e: unknown) => void;
}

/** A write lost a race while usage was carried over: read again. */
const LOST_RACE = Symbol("lost race");

/** Times a read carries usage over before it gives up (sites that keep flipping the model). */
const CARRY_ATTEMPTS = 5;

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
  #scopeOf: (projectId: string) => MaybePromise<UsageScope>;
  #queues = new Map<string, Pending[]>();
  #seq = 0;

  constructor(backend: UsageBackend, options: UsageStoreOptions = {}) {
    this.backend = backend;
    this.#ttl = options.claimTtl ?? 60_000;
    this.#timeout = options.opTimeout ?? 30_000;
    this.#scopeOf = options.scopeOf ?? ((projectId) => ({ model: "flat", projectId }));
  }

  /** A usage callback for an {@linkcode Enforcer}: committed usage plus live reservations. */
  readonly usageCallback = async (
    projectId: string | null,
    names: string[],
  ): Promise<Record<string, number>> => {
    if (projectId === null) return Object.fromEntries(names.map((n) => [n, 0]));
    const doc = await this.#current(await this.#scopeOf(projectId));
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
    const scope = await this.#scopeOf(root);
    if (scope.model !== "strict-two-level" || scope.root !== root) {
      throw new UsageStoreError(
        `Cannot read the usage of the tree of "${root}": the enforcement model changed during the check (try again)`,
      );
    }
    return everyProjectUsage(await this.#current(scope), names, Date.now());
  };

  async #read(place: Place): Promise<ReadDoc> {
    try {
      return await this.backend.read(place.key);
    } catch (e) {
      throw new UsageStoreError(
        `Cannot read usage from ${this.backend.description}: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  /** The current document of `scope`, carrying usage over to it first when the model changed. */
  async #current(scope: UsageScope): Promise<UsageDoc | undefined> {
    const place = placeOf(scope);
    for (let i = 0;; i++) {
      const read = await this.#read(place);
      if (isCurrent(place, read.doc)) return read.doc;
      if (i === CARRY_ATTEMPTS) throw this.#flipping(place);
      try {
        await this.#carry(place, read, scope);
      } catch (e) {
        if (e instanceof LimitError) throw e;
        throw new UsageStoreError(
          `Cannot carry usage over to the enforcement model in use in ${this.backend.description}: ${
            (e as Error).message
          }`,
          { cause: e },
        );
      }
    }
  }

  #flipping(place: Place): UsageStoreError {
    return new UsageStoreError(
      `Cannot use usage in ${this.backend.description}: the usage of ${
        place.kind === "tree" ? `the tree of "${place.id}"` : `project "${place.id}"`
      } was carried between the enforcement models ${CARRY_ATTEMPTS} times in a row: do the sites disagree on the model?`,
    );
  }

  /** Carries usage over to the document at `place` (not current); false when a write lost a race. */
  async #carry(place: Place, read: ReadDoc, scope: UsageScope): Promise<boolean> {
    if (place.kind === "project") return await carryToProject(this.backend, place.id, read);
    const members = scope.model === "strict-two-level" ? await scope.members() : [];
    return await carryToTree(this.backend, place.id, members, read);
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
    const place = placeOf(scope);
    const id = newClaimId(place, projectId);
    const r = await this.#submit(place, {
      kind: "claim",
      id,
      projectId,
      deltas: { ...deltas },
      enforcer,
      scope,
    });
    if ("over" in r) throw new ProjectOverLimit(projectId, r.over);
    return {
      claimId: id,
      projectId,
      deltas: { ...deltas },
      expiresAt: (r as { expiresAt: number }).expiresAt,
    };
  }

  /**
   * Turns a live claim into usage; {@linkcode ClaimNotFoundError} when it is
   * gone or expired, or was made under the other enforcement model.
   */
  async commit(claimId: string): Promise<void> {
    const r = await this.#submit(parseClaimId(claimId).place, { kind: "commit", id: claimId });
    if ("missing" in r) throw new ClaimNotFoundError(claimId);
  }

  /**
   * Gives a live claim's usage back; {@linkcode ClaimNotFoundError} when it is
   * gone or expired, or was made under the other enforcement model.
   */
  async release(claimId: string): Promise<void> {
    const r = await this.#submit(parseClaimId(claimId).place, { kind: "release", id: claimId });
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
    const scope = await this.#scopeOf(projectId);
    const r = await this.#submit(placeOf(scope), {
      kind: "adjust",
      projectId,
      deltas: { ...deltas },
      scope,
    });
    return { ...(r as { used?: Record<string, number> }).used };
  }

  #submit(place: Place, op: Op): Promise<OpResult> {
    return new Promise((resolve, reject) => {
      const queue = this.#queues.get(place.key);
      const pending = { op, deadline: Date.now() + this.#timeout, resolve, reject };
      if (queue) {
        queue.push(pending);
        return;
      }
      this.#queues.set(place.key, [pending]);
      this.#drain(place);
    });
  }

  /** Runs batches for `place` until its queue is empty. */
  async #drain(place: Place): Promise<void> {
    const queue = this.#queues.get(place.key)!;
    while (queue.length) {
      const batch = queue.splice(0, queue.length);
      try {
        const results = await this.#runBatch(place, batch);
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
    this.#queues.delete(place.key);
  }

  async #runBatch(place: Place, batch: Pending[]): Promise<OpResult[]> {
    const key = place.key;
    const seq = ++this.#seq;
    const deadline = Math.min(...batch.map((p) => p.deadline));
    let delay = 20, carried = 0;
    for (;;) {
      try {
        const read = await this.backend.read(key);
        const { doc, revision } = read;
        if (!isCurrent(place, doc)) {
          const scoped = batch.find((p) => "scope" in p.op)?.op as
            | { scope: UsageScope }
            | undefined;
          // Commits and releases only: their claims stayed behind with the other model's document.
          if (!scoped) return batch.map(() => ({ missing: true }));
          if (carried++ === CARRY_ATTEMPTS) throw this.#flipping(place);
          await this.#carry(place, read, scoped.scope);
          continue; // on a fresh read, whoever won
        }
        const mine = doc?.clients?.[this.clientId];
        if (mine && mine.s === seq) return mine.r; // our earlier write landed after all
        const next = cloneDoc(doc);
        const now = Date.now();
        collectGarbage(next, now);
        const enlisted = place.kind === "tree" && await this.#enlist(place.id, batch, next);
        if (enlisted === LOST_RACE) {
          if (carried++ === CARRY_ATTEMPTS) throw this.#flipping(place);
          continue;
        }
        const results: OpResult[] = [];
        for (const p of batch) results.push(await this.#apply(place, next, p.op, now));
        // Nothing changed (every claim refused, every claim id gone): the read decided it.
        if (!enlisted && results.every((r) => !("ok" in r))) return results;
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

  /**
   * Makes every project the batch claims or adjusts for one of the tree
   * document's (`next`); true when one was added, LOST_RACE when a write lost.
   */
  async #enlist(
    root: string,
    batch: Pending[],
    next: UsageDoc,
  ): Promise<boolean | typeof LOST_RACE> {
    let added = false;
    for (const { op } of batch) {
      if (op.kind !== "claim" && op.kind !== "adjust") continue;
      if (next.m?.[op.projectId] !== undefined) continue;
      if (!await enlist(this.backend, root, op.projectId, next)) return LOST_RACE;
      added = true;
    }
    return added;
  }

  async #apply(place: Place, doc: UsageDoc, op: Op, now: number): Promise<OpResult> {
    switch (op.kind) {
      case "claim": {
        try {
          // Decided under the model of the document it is written to.
          await op.enforcer.enforce(op.projectId, op.deltas, {
            usage: (pid, names) => liveUsage(doc, pid ?? "", names, now),
            treeUsage: (_root, names) => everyProjectUsage(doc, names, now),
            model: place.kind === "tree" ? "strict-two-level" : "flat",
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
