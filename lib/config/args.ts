/**
 * Command-line parsing for oslo.config's options: `--config-file`, `--config-dir`
 * and options registered with `cli: true` (`--name value`, `--name=value`,
 * `--flag`/`--noflag` for booleans).
 *
 * @module
 */
import { ArgsError } from "./errors.ts";
import type { Opt } from "./opt.ts";

/** One command-line value for one option, in argv order. */
export interface CliValue {
  /** Group of the option. */
  group: string;
  /** Option name. */
  name: string;
  /** The raw value (`"true"`/`"false"` for boolean flags). */
  value: string;
  /** The flag as written. */
  flag: string;
}

/** What the command line says. */
export interface ParsedArgs {
  /** `--config-file` paths in order. */
  configFiles: string[];
  /** `--config-dir` paths in order. */
  configDirs: string[];
  /** Values of registered command-line options in argv order. */
  values: CliValue[];
  /** Arguments after a bare `--` that is not the first argument, and positionals. */
  rest: string[];
}

/** A registered command-line option and its group. */
export interface CliOpt {
  /** Group of the option (`DEFAULT` for none). */
  group: string;
  /** The option. */
  opt: Opt;
}

const isBool = (opt: Opt) => opt.type.typeName === "boolean value";

/** Parses argv against the registered command-line options. */
export function parseArgs(args: readonly string[], cliOpts: readonly CliOpt[]): ParsedArgs {
  const byFlag = new Map<string, { cli: CliOpt; value?: string }>();
  for (const cli of cliOpts) {
    const prefix = cli.group === "DEFAULT" ? "" : `${cli.group}-`;
    const flag = `--${prefix}${cli.opt.name}`;
    byFlag.set(flag, { cli });
    if (cli.opt.short) byFlag.set(`-${cli.opt.short}`, { cli });
    if (isBool(cli.opt)) {
      byFlag.set(flag, { cli, value: "true" });
      byFlag.set(`--${prefix}no${cli.opt.name}`, { cli, value: "false" });
      if (cli.opt.short) byFlag.set(`-${cli.opt.short}`, { cli, value: "true" });
    }
  }
  const out: ParsedArgs = { configFiles: [], configDirs: [], values: [], rest: [] };
  // `deno serve file.ts -- --x` passes the separator through as the first argument.
  const list = args[0] === "--" ? args.slice(1) : [...args];
  for (let i = 0; i < list.length; i++) {
    const arg = list[i] as string;
    if (arg === "--") {
      out.rest.push(...list.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-")) {
      out.rest.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith("--") && eq > 0 ? arg.slice(eq + 1) : undefined;
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = list[++i];
      if (next === undefined) throw new ArgsError(`Cannot parse ${flag}: it needs a value`);
      return next;
    };
    if (flag === "--config-file") {
      out.configFiles.push(takeValue());
      continue;
    }
    if (flag === "--config-dir") {
      out.configDirs.push(takeValue());
      continue;
    }
    const known = byFlag.get(flag);
    if (!known) {
      const flags = ["--config-file", "--config-dir", ...byFlag.keys()].sort();
      throw new ArgsError(`Cannot parse ${flag}: unknown option (known: ${flags.join(", ")})`);
    }
    const value = known.value !== undefined && inline === undefined ? known.value : takeValue();
    out.values.push({ group: known.cli.group, name: known.cli.opt.name, value, flag });
  }
  return out;
}
