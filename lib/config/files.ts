/**
 * Finding and reading config files as oslo.config does: `--config-dir`'s
 * sorted `*.conf` (hidden files skipped, symlinks followed, as Kubernetes
 * mounts them), and the default files and dirs of a project
 * (`~/.<project>/`, `~/`, `/etc/<project>/`, `/etc/`).
 *
 * @module
 */
import { ConfigDirNotFoundError } from "./errors.ts";
import type { ConfigText } from "./namespace.ts";

/** Why a file could not be read. */
export type ReadFailure = "not-found" | "permission-denied";

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Reads a config file as Python's `open()` does: UTF-8, the byte order mark
 * kept (oslo.config then fails on it, and so do we). Returns the failure kind
 * instead of throwing when the file is missing or unreadable.
 */
export async function readConfigFile(path: string): Promise<ConfigText | ReadFailure> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable) {
      return "permission-denied";
    }
    return "not-found";
  }
  try {
    return { name: path, text: decoder.decode(bytes) };
  } catch {
    // Not UTF-8: read it leniently so the parser reports the offending line.
    return { name: path, text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes) };
  }
}

const byCodePoint = (a: string, b: string) => {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
};

/** The `*.conf` files of a directory, sorted as Python's `sorted(glob(...))` sorts them. */
export async function configDirFiles(dir: string): Promise<string[]> {
  const base = dir.replace(/\/+$/, "") || "/";
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(base)) {
      if (!e.name.endsWith(".conf") || e.name.startsWith(".")) continue;
      const path = `${base}/${e.name}`;
      try {
        if ((await Deno.stat(path)).isFile) names.push(path);
      } catch { /* a dangling symlink: glob lists it, open fails; skip it */ }
    }
  } catch {
    throw new ConfigDirNotFoundError(dir);
  }
  return names.sort(byCodePoint);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Inputs of {@linkcode findConfigFiles}. */
export interface FindOptions {
  /** The project (`nova`). */
  project?: string;
  /** The program (`nova-api`). */
  prog?: string;
  /** Environment for `HOME`, `SNAP`, `SNAP_COMMON`. */
  env?: Readonly<Record<string, string | undefined>>;
}

function searchDirs(project: string | undefined, env: FindOptions["env"] = {}): string[] {
  const home = env.HOME ?? "~";
  return [
    project ? `${home}/.${project}` : undefined,
    home,
    project ? `/etc/${project}` : undefined,
    "/etc",
    env.SNAP_COMMON && project ? `${env.SNAP_COMMON}/etc/${project}` : undefined,
    env.SNAP && project ? `${env.SNAP}/etc/${project}` : undefined,
  ].filter((d): d is string => d !== undefined);
}

/**
 * oslo.config's `find_config_files` (`extension` ".conf") and
 * `find_config_dirs` (".conf.d"): for the project and the program, the first
 * place each exists.
 */
export async function findConfigFiles(
  options: FindOptions,
  extension = ".conf",
): Promise<string[]> {
  const dirs = searchDirs(options.project, options.env);
  const out: string[] = [];
  for (const base of [options.project, options.prog]) {
    if (!base) continue;
    for (const d of dirs) {
      const path = `${d}/${base}${extension}`;
      if (await exists(path)) {
        out.push(path);
        break;
      }
    }
  }
  return out;
}
