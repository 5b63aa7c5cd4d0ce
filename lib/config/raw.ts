/**
 * The unconverted value a namespace (command line, environment, files) gives
 * an option, with oslo.config's argv-order rule for command-line options.
 *
 * @module
 */
import type { ArgEvent } from "./args.ts";
import type { IniEntry } from "./ini.ts";
import type { Location } from "./location.ts";
import { fileLocation, lookupEntry, lookupFiles, type ParsedFile } from "./namespace.ts";
import type { Registered } from "./registry.ts";

/** What the files, the command line and the environment say, as one snapshot. */
export interface Namespace {
  /** Parsed files, oldest first. */
  files: ParsedFile[];
  /** Argv order: file loads (by index into `files`) and command-line values. */
  timeline: ({ kind: "file"; index: number } | Extract<ArgEvent, { kind: "opt" }>)[];
  /** The environment (empty when not used). */
  env: Readonly<Record<string, string | undefined>>;
  /** The `OS_<GROUP>__<OPTION>`-shaped variables of `env`, built on first use (Map lookups). */
  envMap?: Map<string, string>;
}

/** The variables of a namespace's environment that may name an option (`OS_` and `__`). */
function envOf(ns: Namespace): Map<string, string> {
  if (!ns.envMap) {
    ns.envMap = new Map();
    for (const [k, v] of Object.entries(ns.env)) {
      if (v !== undefined && k.startsWith("OS_") && k.includes("__", 3)) ns.envMap.set(k, v);
    }
  }
  return ns.envMap;
}

export type Raw =
  | { kind: "typed"; value: unknown; location: Location }
  | {
    kind: "text";
    value: string | boolean | (string | boolean)[];
    /** Where it came from; for a file, {@linkcode rawLocation} builds it from `file` and `line`. */
    location?: Location;
    /** The file it came from (with `line`), when `location` is not given. */
    file?: string;
    line?: number;
    fromNs: boolean;
    /** From a secret store (a config source's `secret` value). */
    secret?: boolean;
    /** A command-line option's file value that the environment shadows: still checked, as oslo does. */
    shadowed?: Raw;
  };

/** Where a raw value came from. */
export function rawLocation(raw: Raw): Location {
  if (raw.kind === "typed") return raw.location;
  return raw.location ?? fileLocation(raw.file as string, raw.line as number);
}

/** Where {@linkcode fileHit} found a value: the file's name and the entry. */
export interface FileHitRef {
  file: string;
  entry: IniEntry | undefined;
}

/**
 * Whether the files set a single-valued option that is neither a command-line
 * option nor set in the environment (which would come first), and where, into `out`.
 */
export function fileHit(reg: Registered, ns: Namespace, out: FileHitRef): boolean {
  const envMap = envOf(ns);
  if (envMap.size > 0 && envMap.has(reg.envName)) return false;
  const files = ns.files;
  for (let i = files.length - 1; i >= 0; i--) {
    const file = files[i] as ParsedFile;
    const e = lookupEntry(file, reg.group, reg.opt.dest, reg.aliases);
    if (e) {
      out.file = file.name;
      out.entry = e;
      return true;
    }
  }
  return false;
}

/** The unconverted value a namespace (command line, environment, files) gives an option. */
export function namespaceRaw(reg: Registered, ns: Namespace): Raw | undefined {
  const { group, opt } = reg;
  let cli: Raw | undefined;
  if (reg.cli) {
    const names = reg.names;
    const acc: (string | boolean)[] = [];
    let last: { value: string | boolean; location: Location; isFlag: boolean } | undefined;
    let anyFlag = false;
    for (const ev of ns.timeline) {
      if (ev.kind === "file") {
        const hit = lookupFiles([ns.files[ev.index] as ParsedFile], names, opt.multi);
        if (!hit) continue;
        acc.push(...hit.values);
        last = {
          value: hit.values[hit.values.length - 1] as string,
          location: hit.location,
          isFlag: false,
        };
      } else if (ev.group === group && ev.dest === opt.dest) {
        acc.push(ev.value);
        anyFlag = true;
        last = {
          value: ev.value,
          location: { kind: "command_line", detail: ev.flag },
          isFlag: true,
        };
      }
    }
    if (last) {
      cli = {
        kind: "text",
        value: opt.multi ? acc : last.value,
        location: last.location,
        fromNs: true,
      };
      if (opt.multi ? anyFlag : last.isFlag) return cli;
    }
  }
  const envMap = envOf(ns);
  const env = envMap.size === 0 ? undefined : envMap.get(reg.envName);
  if (env !== undefined) {
    return {
      kind: "text",
      value: opt.multi ? [env] : env,
      location: { kind: "environment", detail: reg.envName },
      fromNs: true,
      ...(cli ? { shadowed: cli } : {}),
    };
  }
  if (!opt.multi) {
    const files = ns.files;
    for (let i = files.length - 1; i >= 0; i--) {
      const file = files[i] as ParsedFile;
      const e = lookupEntry(file, group, opt.dest, reg.aliases);
      if (e) return { kind: "text", value: e.value, file: file.name, line: e.line, fromNs: true };
    }
    return undefined;
  }
  const hit = lookupFiles(ns.files, reg.names, true);
  if (!hit) return undefined;
  return {
    kind: "text",
    value: opt.multi ? hit.values : hit.values[0] as string,
    location: hit.location,
    fromNs: true,
  };
}
