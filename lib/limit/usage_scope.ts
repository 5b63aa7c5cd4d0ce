/**
 * Where a project's usage is kept, and the names that follow from it: the
 * usage store's keys and its claim ids.
 *
 * - flat: the project's own document, key `u.<project>`; claim id
 *   `<project>.<project>.<uuid>`.
 * - strict-two-level: the document of the project's whole tree, key
 *   `t.<root>`; claim id `t.<root>.<project>.<uuid>`.
 *
 * Ids are base64url in keys and claim ids. The two kinds of document never
 * share a key, so a change of model is seen as documents of the new model
 * that do not exist yet (or were carried over), never as one document read
 * under the wrong model.
 *
 * @module
 */
import { ClaimNotFoundError } from "./errors.ts";
import type { MaybePromise } from "./limit_source.ts";

/** The document that holds a project's usage, as the model in use decides. */
export type UsageScope =
  | { model: "flat"; projectId: string }
  | {
    model: "strict-two-level";
    /** The tree's root (a domain, a top-level project, or the project itself). */
    root: string;
    /** Every project of the tree the source lists (read when the tree's document is first made). */
    members(): MaybePromise<readonly string[]>;
  };

/** Where a usage document lives: its key, kind and owner (project or root). */
export interface Place {
  key: string;
  kind: "project" | "tree";
  /** The project (kind project) or the tree's root (kind tree). */
  id: string;
}

/** base64url without padding, of the UTF-8 bytes. */
export function b64(s: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(s))).replaceAll("+", "-")
    .replaceAll("/", "_").replace(/=+$/, "");
}

function unb64(s: string): string {
  return new TextDecoder().decode(
    Uint8Array.from(atob(s.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0)),
  );
}

/** The per-project document of `projectId` (flat). */
export function projectPlace(projectId: string): Place {
  return { key: `u.${b64(projectId)}`, kind: "project", id: projectId };
}

/** The document of the tree rooted at `root` (strict-two-level). */
export function treePlace(root: string): Place {
  return { key: `t.${b64(root)}`, kind: "tree", id: root };
}

/** The document a scope names. */
export function placeOf(scope: UsageScope): Place {
  return scope.model === "flat" ? projectPlace(scope.projectId) : treePlace(scope.root);
}

/** A new claim id for `projectId`'s claim in `place`. */
export function newClaimId(place: Place, projectId: string): string {
  const uuid = crypto.randomUUID();
  return place.kind === "project"
    ? `${b64(projectId)}.${b64(projectId)}.${uuid}`
    : `t.${b64(place.id)}.${b64(projectId)}.${uuid}`;
}

/** The document and project a claim id names; {@linkcode ClaimNotFoundError} for any other string. */
export function parseClaimId(claimId: string): { place: Place; projectId: string } {
  const parts = typeof claimId === "string" ? claimId.split(".") : [];
  const tree = parts.length === 4 && parts[0] === "t";
  if (!tree && parts.length !== 3) throw new ClaimNotFoundError(String(claimId));
  const [scope, project] = tree ? [parts[1], parts[2]] : [parts[0], parts[1]];
  if (!scope || !project) throw new ClaimNotFoundError(claimId);
  try {
    const id = unb64(scope), projectId = unb64(project);
    return { place: tree ? treePlace(id) : projectPlace(id), projectId };
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
