/**
 * Builds a {@linkcode Namespace} from the inputs of a load: in-memory texts and
 * default config files first, then the command line in argv order
 * (`--config-file`, `--config-dir` and option flags), then the environment.
 *
 * @module
 */
import { type CliOpt, parseArgs } from "./args.ts";
import { ConfigFilesNotFoundError, ConfigFilesPermissionDeniedError } from "./errors.ts";
import { configDirFiles, findConfigFiles, readConfigFile } from "./files.ts";
import { type ConfigText, parseConfigText, type ParsedFile } from "./namespace.ts";
import type { Namespace } from "./raw.ts";

/** Inputs of `ConfigOpts.load`. */
export interface LoadOptions {
  /** Command-line arguments (`--config-file`, `--config-dir`, registered command-line options). */
  args?: readonly string[];
  /** Environment to read `OS_<GROUP>__<OPTION>` from; `false` to ignore it. Default: the process's. */
  env?: Readonly<Record<string, string | undefined>> | false;
  /** Config texts read before any file (embedded defaults, tests, HTTP bodies). */
  texts?: readonly ConfigText[];
  /** Project whose default files are searched when argv names none (`~/.<project>/`, `/etc/<project>/`). */
  project?: string;
  /** Program name for the default file search (`<prog>.conf`). */
  prog?: string;
  /** Default config files, used when argv has no `--config-file` (instead of the search). */
  defaultConfigFiles?: readonly string[];
  /** Default config dirs, used when argv has no `--config-dir`; missing ones are skipped. */
  defaultConfigDirs?: readonly string[];
}

/** A namespace and the files and directories it came from. */
export interface LoadedNamespace {
  ns: Namespace;
  /** Every file read, in order. */
  files: string[];
  /** `--config-dir` values, in order. */
  configDirs: string[];
}

/**
 * Reads every file the inputs name; throws `ConfigFilesNotFoundError`,
 * `ConfigFilesPermissionDeniedError`, `ConfigDirNotFoundError`,
 * `ConfigFileParseError` or `ArgsError`.
 */
export async function loadNamespace(
  options: LoadOptions,
  cliOpts: readonly CliOpt[],
): Promise<LoadedNamespace> {
  const args = options.args ?? [];
  const parsed = parseArgs(args, cliOpts);
  const env = options.env === false ? {} : (options.env ?? Deno.env.toObject());
  const files: ParsedFile[] = [];
  const timeline: Namespace["timeline"] = [];
  const notFound: string[] = [];
  const denied: string[] = [];
  const configDirs: string[] = [];

  const addText = (text: ConfigText) => {
    files.push(parseConfigText(text));
    timeline.push({ kind: "file", index: files.length - 1 });
  };
  const addFile = async (path: string) => {
    const read = await readConfigFile(path);
    if (read === "not-found") notFound.push(path);
    else if (read === "permission-denied") denied.push(path);
    else addText(read);
  };

  for (const text of options.texts ?? []) addText(text);
  const hasFileArg = parsed.events.some((e) => e.kind === "config-file");
  const hasDirArg = parsed.events.some((e) => e.kind === "config-dir");
  if (!hasFileArg) {
    const defaults = options.defaultConfigFiles ??
      (options.project || options.prog ? await findConfigFiles({ ...pick(options), env }) : []);
    for (const path of defaults) await addFile(path);
  }
  if (!hasDirArg) {
    const dirs = options.defaultConfigDirs ??
      (options.project || options.prog
        ? await findConfigFiles({ ...pick(options), env }, ".conf.d")
        : []);
    for (const dir of dirs) {
      try {
        for (const path of await configDirFiles(dir)) await addFile(path);
      } catch { /* default dirs that do not exist are skipped */ }
    }
  }
  for (const ev of parsed.events) {
    if (ev.kind === "config-file") await addFile(ev.path);
    else if (ev.kind === "config-dir") {
      configDirs.push(ev.path);
      for (const path of await configDirFiles(ev.path)) await addFile(path);
    } else timeline.push(ev);
  }
  if (notFound.length > 0) throw new ConfigFilesNotFoundError(notFound);
  if (denied.length > 0) throw new ConfigFilesPermissionDeniedError(denied);
  return { ns: { files, timeline, env }, files: files.map((f) => f.name), configDirs };
}

/** A namespace of in-memory texts only (no command line, no files). */
export function namespaceFromTexts(
  texts: readonly ConfigText[],
  env: Readonly<Record<string, string | undefined>>,
): LoadedNamespace {
  const files = texts.map(parseConfigText);
  return {
    ns: { files, timeline: files.map((_, index) => ({ kind: "file", index })), env },
    files: texts.map((t) => t.name),
    configDirs: [],
  };
}

function pick(options: LoadOptions): { project?: string; prog?: string } {
  return {
    ...(options.project ? { project: options.project } : {}),
    ...(options.prog ? { prog: options.prog } : {}),
  };
}
