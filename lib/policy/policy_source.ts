/**
 * Reading policy files from disk: the policy file, then each policy
 * directory's non-hidden files in sorted order (no recursion), with a stamp of
 * their modification times so a change can be noticed cheaply.
 *
 * @module
 */
import { PolicyFileError } from "./errors.ts";

/** One file's text. */
export interface SourceText {
  file: string;
  text: string;
}

/** What {@linkcode readPolicySources} found. */
export interface SourceSnapshot {
  /** Texts in the order they apply. */
  texts: SourceText[];
  /** Changes whenever a file or a directory listing changes. */
  stamp: string;
  /** Paths that do not exist (the policy file; missing directories are ignored silently). */
  missing: string[];
}

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw new PolicyFileError(path, (e as Error).message, { cause: e });
  }
}

async function dirFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && !entry.name.startsWith(".")) names.push(entry.name);
  }
  return names.sort().map((n) => `${dir.replace(/\/$/, "")}/${n}`);
}

/** A cheap stamp of the sources' modification times (no file contents read). */
export async function sourceStamp(
  policyFile: string | undefined,
  dirs: readonly string[],
): Promise<string> {
  const parts: string[] = [];
  if (policyFile) parts.push(`${(await statOrNull(policyFile))?.mtime?.getTime() ?? "-"}`);
  for (const dir of dirs) {
    const info = await statOrNull(dir);
    if (!info) {
      parts.push("-");
      continue;
    }
    if (!info.isDirectory) throw new PolicyFileError(dir, "policy_dirs entry is not a directory");
    const files = await dirFiles(dir);
    const times = await Promise.all(
      files.map(async (f) => (await statOrNull(f))?.mtime?.getTime() ?? 0),
    );
    parts.push(`${info.mtime?.getTime()}:${files.join(",")}:${times.join(",")}`);
  }
  return parts.join("|");
}

/** Reads the policy file (if it exists) and every file of the existing policy directories. */
export async function readPolicySources(
  policyFile: string | undefined,
  dirs: readonly string[],
): Promise<SourceSnapshot> {
  const stamp = await sourceStamp(policyFile, dirs);
  const texts: SourceText[] = [];
  const missing: string[] = [];
  const read = async (file: string) => {
    try {
      texts.push({ file, text: await Deno.readTextFile(file) });
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) missing.push(file);
      else throw new PolicyFileError(file, (e as Error).message, { cause: e });
    }
  };
  if (policyFile) await read(policyFile);
  for (const dir of dirs) {
    const info = await statOrNull(dir);
    if (!info) continue;
    for (const f of await dirFiles(dir)) await read(f);
  }
  return { texts, stamp, missing };
}
