/**
 * A usage document and the pure functions that read and change it. One
 * document is one key of the usage store: a project's own under the flat
 * model, a whole tree's under strict-two-level (usage_scope.ts), so a single
 * compare-and-set covers every project and resource a check looks at.
 *
 * ```json
 * { "used":    { "<project>": { "cores": 10 } },
 *   "claims":  { "<claim id>": { "p": "<project>", "d": { "cores": 2 }, "e": 1767225600000 } },
 *   "clients": { "<client id>": { "s": 41, "r": [...], "t": 1767225540000 } },
 *   "g": 3, "m": { "<project>": 1 }, "to": "<root>", "moved": true }
 * ```
 *
 * `used` is committed usage; `claims` are reservations, counted until they are
 * committed, released or expire (`e`, epoch ms); `clients` holds, per store
 * instance, the sequence number and results of its last batch written here,
 * so that a batch retried after an ambiguous failure (a reply lost with a leaf
 * node) is recognised instead of applied twice.
 *
 * The other fields record a change of model (usage_carry.ts): `g` is the
 * carry generation (a document made by carrying usage over is newer than
 * every document it was made from); a tree document's `m` lists the projects
 * whose usage it holds, and `moved` says its usage has been carried back to
 * per-project documents; a per-project document's `to` names the root of the
 * tree document its usage was carried into.
 *
 * @module
 */
import type { OverLimitInfo } from "./errors.ts";

/** A reservation. */
export interface ClaimEntry {
  /** Project. */
  p: string;
  /** Deltas reserved. */
  d: Record<string, number>;
  /** Expiry, epoch ms. */
  e: number;
}

/** Outcome of one operation of a batch, as stored for retries. */
export type OpResult =
  | { ok: true; expiresAt?: number; used?: Record<string, number> }
  | { over: OverLimitInfo[] }
  | { missing: true };

/** The usage document. */
export interface UsageDoc {
  used: Record<string, Record<string, number>>;
  claims: Record<string, ClaimEntry>;
  clients: Record<string, { s: number; r: OpResult[]; t: number }>;
  /** Carry generation (absent: 0). */
  g?: number;
  /** Tree document: the projects whose usage it holds. */
  m?: Record<string, 1>;
  /** Tree document: its usage was carried to per-project documents (flat); no longer current. */
  moved?: true;
  /** Per-project document: its usage was carried into the tree document of this root. */
  to?: string;
}

/** How long a client's last-batch record is kept (ms). */
export const CLIENT_RECORD_TTL = 10 * 60_000;

/** A fresh, empty document. */
export function emptyDoc(): UsageDoc {
  return { used: {}, claims: {}, clients: {} };
}

/** A deep copy, to change without touching what was read. */
export function cloneDoc(doc: UsageDoc | undefined): UsageDoc {
  if (!doc) return emptyDoc();
  const out: UsageDoc = {
    used: Object.fromEntries(Object.entries(doc.used ?? {}).map(([p, u]) => [p, { ...u }])),
    claims: { ...(doc.claims ?? {}) },
    clients: { ...(doc.clients ?? {}) },
  };
  if (doc.g !== undefined) out.g = doc.g;
  if (doc.m !== undefined) out.m = { ...doc.m };
  if (doc.moved) out.moved = true;
  if (doc.to !== undefined) out.to = doc.to;
  return out;
}

/** Usage of `projectId`: committed plus every live reservation. */
export function liveUsage(
  doc: UsageDoc | undefined,
  projectId: string,
  names: readonly string[],
  now: number,
): Record<string, number> {
  const used = doc?.used?.[projectId] ?? {};
  const out: Record<string, number> = {};
  for (const n of names) out[n] = used[n] ?? 0;
  for (const c of Object.values(doc?.claims ?? {})) {
    if (c.p !== projectId || c.e <= now) continue;
    for (const n of names) out[n]! += c.d[n] ?? 0;
  }
  return out;
}

/**
 * Usage of every project the document holds (committed usage or a live
 * reservation): project → resource → usage, every name filled in.
 */
export function everyProjectUsage(
  doc: UsageDoc | undefined,
  names: readonly string[],
  now: number,
): Map<string, Record<string, number>> {
  const projects = new Set(Object.keys(doc?.used ?? {}));
  for (const c of Object.values(doc?.claims ?? {})) if (c.e > now) projects.add(c.p);
  return new Map([...projects].map((p) => [p, liveUsage(doc, p, names, now)]));
}

/**
 * Adds `deltas` to the committed usage of `projectId`, never below 0 (giving
 * back more than was committed leaves 0); returns the usage of those resources after.
 */
export function addUsed(
  doc: UsageDoc,
  projectId: string,
  deltas: Readonly<Record<string, number>>,
): Record<string, number> {
  const used = doc.used[projectId] ??= {};
  const after: Record<string, number> = {};
  for (const [n, d] of Object.entries(deltas)) {
    const v = Math.max(0, (used[n] ?? 0) + d);
    after[n] = v;
    if (v === 0) delete used[n];
    else used[n] = v;
  }
  if (Object.keys(used).length === 0) delete doc.used[projectId];
  return after;
}

/** Drops expired reservations and stale client records. */
export function collectGarbage(doc: UsageDoc, now: number): void {
  for (const [id, c] of Object.entries(doc.claims)) if (c.e <= now) delete doc.claims[id];
  for (const [id, c] of Object.entries(doc.clients)) {
    if (c.t < now - CLIENT_RECORD_TTL) delete doc.clients[id];
  }
}

/** Commits a live reservation: its deltas become used. False when it is gone or expired. */
export function commitClaim(doc: UsageDoc, claimId: string, now: number): boolean {
  const c = doc.claims[claimId];
  if (!c || c.e <= now) return false;
  delete doc.claims[claimId];
  addUsed(doc, c.p, c.d);
  return true;
}

/** Releases a live reservation. False when it is gone or expired. */
export function releaseClaim(doc: UsageDoc, claimId: string, now: number): boolean {
  const c = doc.claims[claimId];
  if (!c || c.e <= now) return false;
  delete doc.claims[claimId];
  return true;
}
