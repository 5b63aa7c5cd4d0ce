/**
 * `deno task config-migrate`: rewrites a config file for an upgrade, moving
 * deprecated options to their new group and name (from `--opt-data` or
 * `--namespace`, as config-validator), keeping everything else as it is.
 * What is not a rename (conflicts, merged options like `rabbit_*` into
 * `transport_url`, options deprecated for removal) is reported, never guessed.
 *
 *     deno task config-migrate --opt-data nova.yaml --input-file nova.conf --dry-run
 *     deno task config-migrate --opt-data nova.yaml --input-file nova.conf --in-place
 *
 * Writes the new text on stdout (or `--output-file`, or back with
 * `--in-place`, through a symlink to its target); `--dry-run` prints a
 * unified diff instead (as `diff -u`, every line ending in a line break). Changes and
 * warnings go to stderr. Exits 0, or 1 on an unreadable or unparsable input,
 * or on warnings with `--fatal-warnings`; 2 on a bad command line.
 *
 * @module
 */
import {
  ArgsError,
  boolOpt,
  ConfigError,
  ConfigOpts,
  migrateConfigText,
  multiStrOpt,
  RequiredOptError,
  strOpt,
  unifiedDiff,
} from "../lib/config/mod.ts";
import { schemaFor } from "./_schema.ts";

/** The tool's options. */
export const MIGRATE_OPTS = [
  strOpt("input-file", { cli: true, required: true, help: "Config file to migrate." }),
  strOpt("opt-data", {
    cli: true,
    help: "oslo-config-generator --format yaml output with the new release's options.",
  }),
  multiStrOpt("namespace", {
    cli: true,
    help: "Option namespaces (oslo-edge, or any oslo-config-generator knows).",
  }),
  strOpt("output-file", { cli: true, help: "Where to write the new text (default: stdout)." }),
  boolOpt("in-place", { cli: true, default: false, help: "Rewrite the input file (atomically)." }),
  boolOpt("dry-run", { cli: true, default: false, help: "Print a unified diff, write nothing." }),
  boolOpt("fatal-warnings", {
    cli: true,
    default: false,
    help: "Exit 1 when something is left for the operator.",
  }),
];

const USAGE = "usage: config-migrate --input-file FILE (--opt-data YAML | --namespace NS ...) " +
  "[--output-file PATH | --in-place | --dry-run] [--fatal-warnings]";

/** Where the tool writes. */
export interface MigrateIO {
  out(text: string): void;
  err(text: string): void;
}

const CONSOLE_IO: MigrateIO = {
  out: (t) => void Deno.stdout.writeSync(new TextEncoder().encode(t)),
  err: (t) => console.error(t),
};

/**
 * Replaces the file at `path` with `text` by a rename, keeping its mode. A
 * symlink (a config managed by a deployment tool, Kubernetes' `..data`) is
 * written through: its target is replaced and the link stays.
 */
async function writeAtomically(path: string, text: string): Promise<void> {
  const target = await Deno.realPath(path);
  const tmp = `${target}.config-migrate.tmp`;
  const mode = await Deno.stat(target).then((s) => s.mode ?? undefined).catch(() => undefined);
  await Deno.writeTextFile(tmp, text, mode === undefined ? {} : { mode: mode & 0o7777 });
  await Deno.rename(tmp, target);
}

/** Runs the tool; returns the exit status. */
export async function main(args: readonly string[], io: MigrateIO = CONSOLE_IO): Promise<number> {
  if (args.includes("-h") || args.includes("--help") || args.length === 0) {
    io.err([USAGE, "", ...MIGRATE_OPTS.map((o) => `  --${o.name}\n      ${o.help}`)].join("\n"));
    return args.length === 0 ? 2 : 0;
  }
  const conf = new ConfigOpts({ drivers: [] }).registerOpts(MIGRATE_OPTS);
  try {
    await conf.load({ args, env: false });
  } catch (e) {
    if (e instanceof ArgsError || e instanceof RequiredOptError) {
      io.err(`${USAGE}\nconfig-migrate: error: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const get = (name: string) => conf.get("DEFAULT", name);
  const input = get("input_file") as string;
  try {
    const schema = await schemaFor(
      (get("namespace") as string[] | undefined) ?? [],
      get("opt_data") as string | undefined,
    );
    let before: string;
    try {
      before = await Deno.readTextFile(input);
    } catch (e) {
      throw new ConfigError(`Cannot read --input-file "${input}": ${(e as Error).message}`);
    }
    const result = migrateConfigText(before, schema, { file: input });
    for (const c of result.changes) {
      io.err(
        `config-migrate: ${input}:${c.from.line}: ${c.action} [${c.from.group}] ${c.from.option}${
          c.action === "removed"
            ? ` (same value as [${c.to.group}] ${c.to.option})`
            : ` -> [${c.to.group}] ${c.to.option}`
        }`,
      );
    }
    for (const w of result.warnings) {
      io.err(`config-migrate: warning: ${input}:${w.line}: ${w.message}`);
    }
    if (get("dry_run")) {
      io.out(unifiedDiff(before, result.text, { from: input, to: `${input} (migrated)` }));
    } else if (get("in_place")) {
      if (result.text !== before) await writeAtomically(input, result.text);
    } else if (get("output_file")) {
      await Deno.writeTextFile(get("output_file") as string, result.text);
    } else io.out(result.text);
    return result.warnings.length > 0 && get("fatal_warnings") ? 1 : 0;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.err(`config-migrate: error: ${e.message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
