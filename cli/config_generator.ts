/**
 * `deno task config-generator`: this service's sample config, as
 * `oslo-config-generator` writes samples: `--format ini` (the default, every
 * option commented out with its help), or `yaml`/`json`, the machine-readable
 * data that oslo-config-validator (`--opt-data`) and `deno task config-validator` read.
 *
 *     deno task config-generator --format yaml --output-file oslo-edge.yaml
 *
 * @module
 */
import {
  ArgsError,
  boolOpt,
  ConfigOpts,
  formatSampleIni,
  intOpt,
  multiStrOpt,
  sampleData,
  strOpt,
  toYaml,
} from "../lib/config/mod.ts";

/** The generator's options, as oslo-config-generator declares them. */
export const GENERATOR_OPTS = [
  strOpt("output-file", { cli: true, help: "Path of the file to write to. Defaults to stdout." }),
  intOpt("wrap-width", {
    cli: true,
    default: 70,
    min: 0,
    help: "The maximum length of help lines.",
  }),
  multiStrOpt("namespace", {
    cli: true,
    default: ["oslo-edge"],
    help: "Option namespaces (oslo-edge).",
  }),
  boolOpt("minimal", {
    cli: true,
    default: false,
    help: "Generate a minimal required configuration.",
  }),
  strOpt("format", {
    cli: true,
    default: "ini",
    choices: ["ini", "json", "yaml"],
    help: "Desired format for the output.",
  }),
];

/** Runs the generator; returns the exit status. */
export async function main(
  args: readonly string[],
  io: { out(t: string): void; err(t: string): void } = {
    out: (t) => void Deno.stdout.writeSync(new TextEncoder().encode(t)),
    err: (t) => console.error(t),
  },
): Promise<number> {
  const conf = new ConfigOpts({ drivers: [] }).registerOpts(GENERATOR_OPTS);
  try {
    await conf.load({ args, env: false });
  } catch (e) {
    if (e instanceof ArgsError || (e as { code?: string }).code === "ERR_CONFIG_VALUE") {
      io.err(`config-generator: error: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
  const get = (n: string) => conf.get("DEFAULT", n);
  const namespaces = get("namespace") as string[];
  const unknown = namespaces.filter((n) => n !== "oslo-edge");
  if (unknown.length > 0) {
    io.err(`config-generator: error: unknown namespace ${unknown.join(", ")} (known: oslo-edge)`);
    return 1;
  }
  const { serviceConfig } = await import("../functions/service.ts");
  const groups = serviceConfig().groups().filter((g) => g.opts.length > 0 || g.name === "DEFAULT");
  const format = get("format") as string;
  const generatorOptions = {
    format_: format,
    minimal: get("minimal"),
    namespace: namespaces,
    output_file: get("output_file") ?? null,
    wrap_width: get("wrap_width"),
  };
  const text = format === "ini"
    ? formatSampleIni(groups, {
      wrapWidth: get("wrap_width") as number,
      minimal: get("minimal") as boolean,
    })
    : format === "json"
    ? JSON.stringify(sampleData(groups, { generatorOptions })) + "\n"
    : toYaml(sampleData(groups, { generatorOptions }));
  const out = get("output_file") as string | undefined;
  if (out) await Deno.writeTextFile(out, text);
  else io.out(text);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
