/**
 * `deno task config-validator`: a drop-in for `oslo-config-validator`. Takes
 * its flags (`--input-file`, `--opt-data` or `--namespace`, `--fatal-warnings`,
 * `--check-defaults`, `--exclude-group`, `--exclude-options`, and its own
 * `--config-file`), prints on stderr the lines it prints (`LEVEL:root:...`)
 * byte for byte (secret values as `****`), each followed by an indented line
 * with the file, line and a hint; what it never prints (values the options'
 * types refuse, bad references, missing required options, unknown groups,
 * parse errors) is logged as `LEVEL:oslo-edge:...`. Exits 1 wherever it does,
 * and also for those value errors; 2 on a bad command line (a `--exclude-options`
 * pattern that does not compile included).
 *
 *     deno task config-validator --opt-data keystone.yaml --input-file /etc/keystone/keystone.conf
 *
 * `--namespace oslo-edge` validates against this service's own options; any
 * other namespace is read from `oslo-config-generator --format yaml` when it is
 * installed. `--json` prints the findings as JSON on stdout as well.
 *
 * @module
 */
import {
  ArgsError,
  boolOpt,
  compileExcludePatterns,
  ConfigError,
  ConfigOpts,
  ExcludePatternError,
  exitStatus,
  type Finding,
  listOpt,
  multiStrOpt,
  RequiredOptError,
  strOpt,
  VALIDATE_DEFAULTS_EXCLUSIONS,
  validateConfigText,
} from "../lib/config/mod.ts";
import { schemaFor } from "./_schema.ts";

/** The validator's own options, as oslo-config-validator declares them. */
export const VALIDATOR_OPTS = [
  multiStrOpt("namespace", {
    cli: true,
    help: 'Option namespace under "oslo.config.opts" in which to query for options.',
  }),
  strOpt("input-file", { cli: true, required: true, help: "Config file to validate." }),
  strOpt("opt-data", {
    cli: true,
    help:
      "Path to a YAML file containing definitions of options, as output by the config generator.",
  }),
  boolOpt("check-defaults", {
    cli: true,
    default: false,
    help: "Report differences between the sample values and current values.",
  }),
  listOpt("exclude-options", {
    cli: true,
    default: [...VALIDATE_DEFAULTS_EXCLUSIONS],
    help:
      "Exclude options matching these patterns when comparing the current and sample configurations.",
  }),
  boolOpt("fatal-warnings", {
    cli: true,
    default: false,
    help: "Report failure if any warnings are found.",
  }),
  multiStrOpt("exclude-group", {
    cli: true,
    default: [],
    help: "Groups that should not be validated if they are present in the specified input-file.",
  }),
  boolOpt("json", {
    cli: true,
    default: false,
    help: "Also print the findings as JSON on stdout.",
  }),
];

const USAGE = "usage: config-validator [-h] [--config-file PATH] [--namespace NAMESPACE] " +
  "--input-file INPUT_FILE [--opt-data OPT_DATA] [--check-defaults] [--exclude-options EXCLUDE_OPTIONS] " +
  "[--fatal-warnings] [--exclude-group EXCLUDE_GROUP] [--json]";

function help(): string {
  return [
    USAGE,
    "",
    "options:",
    ...VALIDATOR_OPTS.map((o) =>
      `  --${o.name}${
        o.kind === "BoolOpt" ? `, --no${o.name}` : ` ${o.dest.toUpperCase()}`
      }\n      ${o.help}`
    ),
    "  --config-file PATH\n      Path to a config file holding these options ([DEFAULT] input_file = ...).",
  ].join("\n");
}

/** The log lines for findings: the validator's line, then file:line and a hint or the detail. */
export function formatFindings(findings: readonly Finding[], file: string): string[] {
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(f.log);
    const where = f.line > 0 ? `${file}:${f.line}` : file;
    const detail = f.kind === "invalid-value" || f.kind === "parse-error" ? f.message : f.hint;
    if (detail && f.kind !== "parse-error") lines.push(`  ${where}: ${detail}`);
    else if (f.line > 0) lines.push(`  ${where}`);
  }
  return lines;
}

/** Where the validator writes: stdout and stderr lines. */
export interface ValidatorIO {
  out(text: string): void;
  err(text: string): void;
}

const CONSOLE_IO: ValidatorIO = { out: (t) => console.log(t), err: (t) => console.error(t) };

/** Runs the validator; returns the exit status. */
export async function main(args: readonly string[], io: ValidatorIO = CONSOLE_IO): Promise<number> {
  if (args.includes("-h") || args.includes("--help")) {
    io.out(help());
    return 0;
  }
  const conf = new ConfigOpts({ drivers: [] }).registerOpts(VALIDATOR_OPTS);
  try {
    await conf.load({ args, env: Deno.env.toObject() });
  } catch (e) {
    if (e instanceof RequiredOptError) {
      io.out(help());
      if (args.length === 0) return 0; // oslo-config-validator: bare help, exit 0
      io.err(`config-validator: error: ${e.message}`);
      return 1;
    }
    if (e instanceof ArgsError) {
      io.err(`${USAGE}\nconfig-validator: error: ${e.message}`);
      return 2;
    }
    if (e instanceof ConfigError) {
      io.err(`config-validator: error: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const get = (name: string) => conf.get("DEFAULT", name);
  const input = get("input_file") as string;
  if (get("check_defaults")) {
    // Compiled only where they are used, as oslo-config-validator; a bad one is a bad command line.
    try {
      compileExcludePatterns(get("exclude_options") as string[]);
    } catch (e) {
      if (!(e instanceof ExcludePatternError)) throw e;
      io.err(`${USAGE}\nconfig-validator: error: argument --exclude-options: ${e.message}`);
      return 2;
    }
  }
  try {
    const schema = await schemaFor(
      (get("namespace") as string[] | undefined) ?? [],
      get("opt_data") as string | undefined,
    );
    let text: string;
    try {
      text = await Deno.readTextFile(input);
    } catch (e) {
      throw new ConfigError(`Cannot read --input-file "${input}": ${(e as Error).message}`);
    }
    const findings = validateConfigText(text, schema, {
      file: input,
      checkDefaults: get("check_defaults") as boolean,
      excludeGroups: get("exclude_group") as string[],
      excludeOptions: get("exclude_options") as string[],
    });
    const lines = formatFindings(findings, input);
    if (lines.length > 0) io.err(lines.join("\n"));
    if (get("json")) io.out(JSON.stringify({ file: input, findings }, null, 2));
    return exitStatus(findings, { fatalWarnings: get("fatal_warnings") as boolean });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.err(`ERROR:oslo-edge:${e.message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
