/**
 * `deno task policy-convert-json-to-yaml`: oslopolicy-convert-json-to-yaml's
 * drop-in, byte for byte (`--namespace`, `--policy-file`, `--output-file`, and
 * `--exclude-deprecated`, accepted and ignored as by the original).
 * Rules equal to their default are written commented out with their
 * documentation; overridden ones uncommented; rules the namespace does not
 * know (deprecated or extra) are kept, uncommented, after a warning.
 *
 *     deno task policy-convert-json-to-yaml --namespace oslo-edge --policy-file policy.json
 *
 * @module
 */
import { boolOpt, multiStrOpt, strOpt } from "../lib/config/mod.ts";
import { formatRuleYaml, parseRule, pyStr, type RuleDefault } from "../lib/policy/mod.ts";
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
  // The original registers it (with the generator's options) and ignores it: so does this one.
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
  strOpt("policy-file", {
    cli: true,
    required: true,
    help: "Path to the policy file which need to be converted to yaml format.",
  }),
  multiStrOpt("defaults-file", {
    default: [],
    cli: true,
    help: "JSON list of rule defaults of another service (oslo-edge).",
  }),
] as const;

const EXTRA = "# WARNING: Below rules are either deprecated rules\n" +
  "# or extra rules in policy file, it is strongly\n" +
  "# recommended to switch to new rules.\n";

/** Converts JSON policy text to oslo.policy's YAML form, given the namespaces' defaults. */
export function convertJsonToYaml(
  json: Record<string, unknown>,
  namespaces: Readonly<Record<string, readonly RuleDefault[]>>,
): string {
  const file = new Map(Object.entries(json));
  const out: string[] = [];
  for (const ns of Object.keys(namespaces).sort()) {
    for (const d of namespaces[ns]!) {
      if (!file.has(d.name)) continue;
      const checkStr = pyStr(file.get(d.name));
      file.delete(d.name);
      const rule: RuleDefault = {
        ...d,
        checkStr,
        description: d.description || d.name,
        operations: d.operations ?? [{ method: "", path: "" }],
      };
      const same = String(parseRule(checkStr)) === String(parseRule(d.checkStr));
      out.push(formatRuleYaml(rule, { addDeprecatedRules: false, commentRule: same }));
    }
  }
  if (file.size > 0) out.push(EXTRA);
  for (const [name, value] of file) out.push(`"${name}": "${pyStr(value)}"\n`);
  return out.join("");
}

/** Runs the converter; returns the exit status. */
export async function main(args: readonly string[], io: ToolIo = processIo): Promise<number> {
  return await runTool({ name: "policy-convert-json-to-yaml", io, args, opts: OPTS }, async () => {
    const conf = await toolConfig(args, OPTS);
    const o = conf.group({ name: "DEFAULT", opts: OPTS });
    if (o.namespace.length === 0 && o["defaults-file"].length === 0) {
      throw new ToolError("value required for option namespace in group [DEFAULT]");
    }
    const namespaces = await loadNamespaces(o.namespace, o["defaults-file"]);
    let json: unknown;
    try {
      json = JSON.parse(await Deno.readTextFile(o["policy-file"]));
    } catch (e) {
      throw new ToolError(
        `Cannot read --policy-file ${o["policy-file"]} as JSON: ${(e as Error).message}`,
      );
    }
    if (!json || typeof json !== "object" || Array.isArray(json)) {
      throw new ToolError(`Cannot convert ${o["policy-file"]}: expected a JSON object of rules`);
    }
    const text = convertJsonToYaml(json as Record<string, unknown>, namespaces);
    if (o["output-file"]) await Deno.writeTextFile(o["output-file"], text);
    else io.stdout(text);
    return 0;
  });
}

if (import.meta.main) {
  enterCallerDir();
  Deno.exit(await main(Deno.args));
}
