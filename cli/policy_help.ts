/**
 * `-h`/`--help` for the policy tools, as the originals print it: oslo.config
 * hands its command-line options to Python's argparse (sorted by flag, `-h`
 * first, `--noNAME` for booleans, `--config-dir`/`--config-file` always
 * there), and argparse lays the usage and the option list out at the
 * terminal's width less two (78 columns when not on a terminal).
 *
 * @module
 */
import type { Opt } from "../lib/config/mod.ts";
import { pyWrap } from "../lib/policy/mod.ts";

/** One entry of the option list. */
export interface HelpOption {
  /** The flag, `--name`. */
  flag: string;
  /** The value's placeholder; none for flags that take no value. */
  metavar?: string;
  /** The help text (whitespace is collapsed, as argparse does). */
  help: string;
}

const CONFIG_OPTIONS: readonly HelpOption[] = [
  {
    flag: "--config-dir",
    metavar: "DIR",
    help:
      "Path to a config directory to pull `*.conf` files from. This file set is sorted, so as to provide a predictable parse order if individual options are over-ridden. The set is parsed after the file(s) specified via previous --config-file, arguments hence over-ridden options in the directory take precedence. This option must be set from the command-line.",
  },
  {
    flag: "--config-file",
    metavar: "PATH",
    help:
      "Path to a config file to use. Multiple config files can be specified, with values in later files taking precedence. Defaults to None. This option must be set from the command-line.",
  },
];

/** Whether the command line asks for help (`-h` or `--help` before any `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === "--") return false;
    if (a === "-h" || a === "--help") return true;
  }
  return false;
}

/** argparse's width: `$COLUMNS`, else the terminal's, else 80; less two. */
export function helpWidth(): number {
  const env = Number.parseInt(Deno.env.get("COLUMNS") ?? "", 10);
  if (Number.isFinite(env) && env > 0) return env - 2;
  try {
    if (Deno.stdout.isTerminal()) return Deno.consoleSize().columns - 2;
  } catch {
    // no terminal
  }
  return 78;
}

/** The help entries oslo.config gives argparse for these options (plus the config ones). */
export function helpOptions(opts: readonly Opt[]): HelpOption[] {
  const out: HelpOption[] = [...CONFIG_OPTIONS];
  for (const o of opts) {
    if (!o.cli) continue;
    let help = o.help ?? "";
    const choices = o.type.choices;
    if (o.kind !== "BoolOpt" && choices && choices.length > 0) {
      help += `\n Allowed values: ${choices.map(([v]) => String(v)).join(", ")}\n`;
    }
    if (o.kind === "BoolOpt") {
      out.push({ flag: `--${o.name}`, help });
      out.push({ flag: `--no${o.name}`, help: `The inverse of --${o.name}` });
    } else {
      out.push({
        flag: `--${o.name}`,
        metavar: o.metavar ?? o.dest.replaceAll("-", "_").toUpperCase(),
        help,
      });
    }
  }
  return out.sort((a, b) => (a.flag < b.flag ? -1 : a.flag > b.flag ? 1 : 0));
}

const invocation = (o: HelpOption) => (o.metavar ? `${o.flag} ${o.metavar}` : o.flag);

function usage(prog: string, parts: readonly string[], width: number): string {
  const prefix = "usage: ";
  const one = [prog, ...parts].join(" ");
  if (prefix.length + one.length <= width) return `${prefix}${one}`;
  const lines: string[] = [];
  let line: string[] = [];
  const indent = " ".repeat(prefix.length + prog.length + 1);
  let lineLen = prefix.length - 1;
  for (const part of [prog, ...parts]) {
    if (lineLen + 1 + part.length > width && line.length > 0) {
      lines.push(indent + line.join(" "));
      line = [];
      lineLen = indent.length - 1;
    }
    line.push(part);
    lineLen += part.length + 1;
  }
  if (line.length > 0) lines.push(indent + line.join(" "));
  lines[0] = lines[0]!.slice(indent.length);
  return `${prefix}${lines.join("\n")}`;
}

/**
 * The help text argparse prints for `prog` with these options.
 *
 * @example
 * ```ts
 * import { argparseHelp } from "./policy_help.ts";
 * import assert from "node:assert/strict";
 *
 * const text = argparseHelp("tool", [{ flag: "--rule", metavar: "RULE", help: "rule to test." }]);
 * assert.equal(text, [
 *   "usage: tool [-h] [--rule RULE]",
 *   "",
 *   "options:",
 *   "  -h, --help   show this help message and exit",
 *   "  --rule RULE  rule to test.",
 *   "",
 * ].join("\n"));
 * ```
 */
export function argparseHelp(
  prog: string,
  options: readonly HelpOption[],
  width = 78,
): string {
  const all: HelpOption[] = [
    { flag: "-h, --help", help: "show this help message and exit" },
    ...options,
  ];
  const parts = ["[-h]", ...options.map((o) => `[${invocation(o)}]`)];
  const maxLength = Math.max(...all.map((o) => invocation(o).length + 2));
  const helpPosition = Math.min(maxLength + 2, 24);
  const helpWidth = Math.max(width - helpPosition, 11);
  const actionWidth = helpPosition - 2 - 2;
  const out = [usage(prog, parts, width), "", "options:"];
  for (const o of all) {
    const head = invocation(o);
    const lines = pyWrap(o.help.replace(/\s+/g, " ").trim(), helpWidth);
    if (lines.length === 0) {
      out.push(`  ${head}`);
      continue;
    }
    if (head.length <= actionWidth) out.push(`  ${head.padEnd(actionWidth)}  ${lines[0]}`);
    else out.push(`  ${head}`, `${" ".repeat(helpPosition)}${lines[0]}`);
    for (const l of lines.slice(1)) out.push(`${" ".repeat(helpPosition)}${l}`);
  }
  return `${out.join("\n")}\n`;
}

/** A tool's help: its command-line options as oslo.config and argparse show them. */
export function toolHelp(prog: string, opts: readonly Opt[], width = helpWidth()): string {
  return argparseHelp(prog, helpOptions(opts), width);
}
