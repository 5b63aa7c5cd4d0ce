/**
 * Command-line parsing for oslo.config's options, as its argparse set-up does:
 * `--config-file` and `--config-dir` (acted on in argv order), options
 * registered with `cli: true` as `--name value` / `--name=value`, in a group as
 * `--group-name`, booleans as `--name` / `--noname`, deprecated aliases as
 * `--old-name`, multi-valued options appended.
 *
 * @module
 */
import { ArgsError } from "./errors.ts";
import type { Opt } from "./opt.ts";
import { suggest } from "./suggest.ts";

/** One thing the command line says, in argv order. */
export type ArgEvent =
  | { kind: "config-file"; path: string }
  | { kind: "config-dir"; path: string }
  | { kind: "opt"; group: string; dest: string; value: string | boolean; flag: string };

/** What the command line says. */
export interface ParsedArgs {
  /** Everything in argv order. */
  events: ArgEvent[];
  /** Arguments after a bare `--`. */
  rest: string[];
}

/** A registered command-line option and its group. */
export interface CliOpt {
  /** Group of the option (`DEFAULT` for none). */
  group: string;
  /** The option. */
  opt: Opt;
}

const isBool = (opt: Opt) => opt.kind === "BoolOpt";
const NEGATIVE_NUMBER = /^-\d+$|^-\d*\.\d+$/;

function flagsOf(cli: CliOpt): { flag: string; value?: boolean }[] {
  const { group, opt } = cli;
  const prefix = (g: string | undefined, no = "") =>
    g === undefined || g === "DEFAULT" ? no : `${g}-${no}`;
  const out: { flag: string; value?: boolean }[] = [];
  const names = [`--${prefix(group)}${opt.name}`];
  const inverses = [`--${prefix(group, "no")}${opt.name}`];
  for (const d of opt.deprecatedOpts) {
    const g = d.group === "DEFAULT" ? undefined : d.group;
    if (d.name === undefined && g === undefined) continue;
    names.push(`--${prefix(g)}${d.name ?? opt.name}`);
    inverses.push(`--${prefix(g, "no")}${d.name ?? opt.name}`);
  }
  if (opt.short) names.push(`-${opt.short}`);
  for (const flag of names) out.push(isBool(opt) ? { flag, value: true } : { flag });
  if (isBool(opt)) { for (const flag of inverses) out.push({ flag, value: false }); }
  return out;
}

/**
 * Parses argv against the registered command-line options.
 *
 * @example Flags in argv order
 * ```ts
 * import { boolOpt, strOpt } from "./opt_scalar.ts";
 * import { parseArgs } from "./args.ts";
 * import assert from "node:assert/strict";
 *
 * const cli = [{ group: "DEFAULT", opt: boolOpt("debug", { short: "d" }) },
 *   { group: "api", opt: strOpt("host") }];
 * const { events } = parseArgs(["-d", "--config-file", "a.conf", "--api-host=h"], cli);
 * assert.deepEqual(events.map((e) => e.kind === "opt" ? [e.dest, e.value] : [e.kind, e.path]), [
 *   ["debug", true], ["config-file", "a.conf"], ["host", "h"],
 * ]);
 * ```
 */
export function parseArgs(args: readonly string[], cliOpts: readonly CliOpt[]): ParsedArgs {
  const byFlag = new Map<string, { cli: CliOpt; value?: boolean }>();
  for (const cli of cliOpts) {
    for (const f of flagsOf(cli)) {
      byFlag.set(f.flag, { cli, ...(f.value === undefined ? {} : { value: f.value }) });
    }
  }
  const out: ParsedArgs = { events: [], rest: [] };
  // `deno serve file.ts -- --x` passes the separator through as the first argument.
  const list = args[0] === "--" ? args.slice(1) : [...args];
  const positional: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const arg = list[i] as string;
    if (arg === "--") {
      out.rest.push(...list.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-" || NEGATIVE_NUMBER.test(arg)) {
      positional.push(arg);
      continue;
    }
    const long = arg.startsWith("--");
    const eq = long ? arg.indexOf("=") : -1;
    let flag = eq > 0 ? arg.slice(0, eq) : arg;
    let inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (!long && arg.length > 2) { // -dVALUE
      flag = arg.slice(0, 2);
      inline = arg.slice(2);
    }
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = list[i + 1];
      if (
        next === undefined || (next.startsWith("-") && next !== "-" && !NEGATIVE_NUMBER.test(next))
      ) {
        throw new ArgsError(`Cannot parse ${flag}: it expects one argument`);
      }
      i++;
      return next;
    };
    if (flag === "--config-file" || flag === "--config-dir") {
      out.events.push({
        kind: flag === "--config-file" ? "config-file" : "config-dir",
        path: takeValue(),
      });
      continue;
    }
    const known = byFlag.get(flag);
    if (!known) {
      const flags = ["--config-file", "--config-dir", ...byFlag.keys()];
      const hint = suggest(flag, flags);
      throw new ArgsError(
        `Cannot parse ${flag}: unrecognized argument${hint ? ` (did you mean ${hint}?)` : ""}`,
      );
    }
    if (known.value !== undefined && inline !== undefined) {
      throw new ArgsError(`Cannot parse ${arg}: ${flag} takes no value`);
    }
    const value = known.value ?? takeValue();
    out.events.push({ kind: "opt", group: known.cli.group, dest: known.cli.opt.dest, value, flag });
  }
  if (positional.length > 0) {
    throw new ArgsError(
      `Cannot parse the command line: unrecognized arguments: ${positional.join(" ")}`,
    );
  }
  return out;
}
