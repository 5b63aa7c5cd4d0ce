/**
 * Carrying committed usage over when the enforcement model changes. Under
 * flat each project's usage is in its own document, under strict-two-level in
 * its tree's (usage_scope.ts); the first operation that finds no current
 * document of its model makes one from the other model's documents, with a
 * compare-and-set, so that of several sites doing it at once exactly one wins
 * and the others read what it wrote.
 *
 * - flat → strict-two-level: the tree's document (absent, or `moved`) is made
 *   from the committed usage in the per-project documents of the projects the
 *   source lists in the tree (and of those the old tree document held); each
 *   of those documents is first pointed at the tree (`to`), keeping its data.
 *   A project that first claims under strict-two-level gets a document that
 *   points at the tree too ({@linkcode enlist}), so that a later change back
 *   finds its usage without asking the source for parents.
 * - strict-two-level → flat: a per-project document that points at a tree is
 *   made current again from the project's entry in the tree's document, which
 *   is first marked `moved` (no longer current as a whole).
 *
 * Live reservations are not carried over (a claim made under one model cannot
 * be committed under the other); `g` orders documents, so that a document
 * pointed at a tree whose new document was never written (a crash, a lost
 * race) still counts as the project's current usage.
 *
 * @module
 */
import { addUsed, cloneDoc, emptyDoc, type UsageDoc } from "./usage_doc.ts";
import { type Place, projectPlace, treePlace } from "./usage_scope.ts";
import type { UsageBackend } from "./usage_backend.ts";

/** A document as read, with its revision (0: absent). */
export interface ReadDoc {
  doc: UsageDoc | undefined;
  revision: number;
}

/** True when the document at `place` holds the current usage of its model. */
export function isCurrent(place: Place, doc: UsageDoc | undefined): boolean {
  return place.kind === "project" ? doc?.to === undefined : doc !== undefined && !doc.moved;
}

const gen = (doc: UsageDoc | undefined) => doc?.g ?? 0;

function usedOf(doc: UsageDoc | undefined, projectId: string) {
  const u = doc?.used?.[projectId];
  return u && Object.keys(u).length ? { ...u } : undefined;
}

/**
 * strict-two-level → flat: makes `projectId`'s own document (read as `own`,
 * pointing at a tree) current again, from the tree's document when that holds
 * the project's newer usage. False when a write lost a race: read again.
 */
export async function carryToProject(
  backend: UsageBackend,
  projectId: string,
  own: ReadDoc,
): Promise<boolean> {
  const tree = treePlace(own.doc!.to!);
  const { doc: t, revision } = await backend.read(tree.key);
  if (t && !t.moved) {
    const marked = cloneDoc(t);
    marked.moved = true;
    if (!await backend.write(tree.key, marked, revision)) return false;
  }
  const fromTree = t?.m?.[projectId] !== undefined && gen(t) > gen(own.doc);
  const next = emptyDoc();
  const used = usedOf(fromTree ? t : own.doc, projectId);
  if (used) next.used[projectId] = used;
  next.g = Math.max(gen(own.doc), gen(t)) + 1;
  return await backend.write(projectPlace(projectId).key, next, own.revision);
}

/** What one project brings into a new tree document; null: nothing (never used). */
async function take(
  backend: UsageBackend,
  root: string,
  projectId: string,
  old: UsageDoc | undefined,
): Promise<{ used: Record<string, number> | undefined; g: number } | null | false> {
  const key = projectPlace(projectId).key;
  const { doc: own, revision } = await backend.read(key);
  const inOld = old?.m?.[projectId] !== undefined;
  if (!own) {
    if (!inOld) return null;
    const stub = emptyDoc();
    stub.to = root;
    return await backend.write(key, stub, 0) && { used: usedOf(old, projectId), g: 0 };
  }
  if (own.to !== root) {
    const marked = cloneDoc(own);
    marked.to = root;
    if (!await backend.write(key, marked, revision)) return false;
    if (own.to !== undefined) return { used: undefined, g: gen(own) }; // it was another tree's
    return { used: usedOf(own, projectId), g: gen(own) };
  }
  const oldNewer = inOld && gen(old) > gen(own);
  return { used: usedOf(oldNewer ? old : own, projectId), g: gen(own) };
}

/**
 * flat → strict-two-level: writes the document of the tree rooted at `root`
 * (read as `tree`: absent or moved) from the usage of `members` and of the
 * projects the old tree document held. False when a write lost a race.
 */
export async function carryToTree(
  backend: UsageBackend,
  root: string,
  members: readonly string[],
  tree: ReadDoc,
): Promise<boolean> {
  const old = tree.doc;
  const projects = [...new Set([...members, ...Object.keys(old?.m ?? {})])];
  const next = emptyDoc();
  next.m = {};
  let g = gen(old);
  for (let i = 0; i < projects.length; i += 32) {
    const chunk = projects.slice(i, i + 32);
    const taken = await Promise.all(chunk.map((p) => take(backend, root, p, old)));
    for (const [j, t] of taken.entries()) {
      if (t === false) return false;
      if (t === null) continue;
      const p = chunk[j]!;
      next.m[p] = 1;
      if (t.used) next.used[p] = t.used;
      g = Math.max(g, t.g);
    }
  }
  next.g = g + 1;
  return await backend.write(treePlace(root).key, next, tree.revision);
}

/**
 * Makes `projectId` one of the projects of the tree document `next` (about
 * to be written at `root`'s key): its own document is pointed at the tree,
 * and usage that document still holds is carried in. False when a write lost
 * a race.
 */
export async function enlist(
  backend: UsageBackend,
  root: string,
  projectId: string,
  next: UsageDoc,
): Promise<boolean> {
  const key = projectPlace(projectId).key;
  const { doc: own, revision } = await backend.read(key);
  let used: Record<string, number> | undefined;
  if (own?.to !== root) {
    const marked = own ? cloneDoc(own) : emptyDoc();
    marked.to = root;
    if (!await backend.write(key, marked, revision)) return false;
    if (own && own.to === undefined) used = usedOf(own, projectId);
  } else {
    used = usedOf(own, projectId); // pointed here, but never carried in
  }
  (next.m ??= {})[projectId] = 1;
  if (used) addUsed(next, projectId, used);
  next.g = Math.max(gen(next), gen(own) + 1);
  return true;
}
