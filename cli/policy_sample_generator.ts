/**
 * `deno task policy-sample-generator`: oslopolicy-sample-generator's
 * drop-in, byte for byte (`--namespace`, `--output-file`, `--format yaml|json`,
 * `--exclude-deprecated`), plus `--defaults-file` for another service's
 * exported defaults.
 *
 *     deno task policy-sample-generator --namespace oslo-edge
 *
 * @module
 */
import { boolOpt, multiStrOpt, strOpt } from "../lib/config/mod.ts";
import { generateSample, WARN_JSON } from "../lib/policy/mod.ts";
import {
  enterCallerDir,
  loadNamespaces,
  processIo,
  runTool,
  toolConfig,
  ToolError,
  type ToolIo,
} from "./policy_tool.ts";

/** The command-line options (the original's, plus `--defaults-file` where namespaces are read). */
export const OPTS = [
  strOpt("output-file", { cli: true, help: "Path of the file to write to. Defaults to stdout." }),
  boolOpt("exclude-deprecated", {
    cli: true,
    default: false,
    help: "If True, exclude deprecated entries from the generated output.",
  }),
  multiStrOpt("namespace", {
    default: [],
    cli: true,
    help: 'Option namespace(s) under "oslo.policy.policies" in which to query for options.',
  }),
  strOpt("format", {
    cli: true,
    default: "yaml",
    choices: ["json", "yaml"],
    help: "Desired format for the output.",
    deprecatedForRemoval: true,
    deprecatedSince: "Victoria",
    deprecatedReason: "``policy_file`` support for JSON formatted file is deprecated.",
  }),
  multiStrOpt("defaults-file", {
    default: [],
    cli: true,
    help: "JSON list of rule defaults of another service (oslo-edge).",
  }),
] as const;

/** Runs the generator; returns the exit status. */
export async function main(args: readonly string[], io: ToolIo = processIo): Promise<number> {
  return await runTool({ name: "policy-sample-generator", io, args, opts: OPTS }, async () => {
    const conf = await toolConfig(args, OPTS);
    const o = conf.group({ name: "DEFAULT", opts: OPTS });
    if (o.namespace.length === 0 && o["defaults-file"].length === 0) {
      throw new ToolError("value required for option namespace in group [DEFAULT]");
    }
    const namespaces = await loadNamespaces(o.namespace, o["defaults-file"]);
    const format = o.format === "json" ? "json" : "yaml";
    if (format === "json") io.stderr(`WARNING:oslo_policy.policy:${WARN_JSON}\n`);
    const text = generateSample(namespaces, { format, excludeDeprecated: o["exclude-deprecated"] });
    if (o["output-file"]) await Deno.writeTextFile(o["output-file"], text);
    else io.stdout(text);
    return 0;
  });
}

if (import.meta.main) {
  enterCallerDir();
  Deno.exit(await main(Deno.args));
}
