/**
 * `deno task policy-to-rego`: an oslo policy (the policy file and
 * directories of `[oslo_policy]`, or `--policy-file`, over the defaults of
 * `--namespace`/`--defaults-file`) as one Rego module, one rule per oslo
 * rule, at the data paths oslo-edge's OPA mode asks for. A migration to OPA
 * starts from it: load it into OPA, set `[oslo_policy] opa_path_prefix` to
 * the package, then edit in Rego.
 *
 *     deno task policy-to-rego --config-file svc.conf --namespace oslo-edge > policy.rego
 *     deno task policy-to-rego --policy-file policy.yaml --defaults-file keystone.json --package keystone
 *
 * @module
 */
import { multiStrOpt, strOpt } from "../lib/config/mod.ts";
import { Enforcer, enforcerFromConfig, policyToRego } from "../lib/policy/mod.ts";
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
  multiStrOpt("namespace", {
    default: [],
    cli: true,
    help: "Policy namespace(s) whose defaults to include (oslo-edge).",
  }),
  multiStrOpt("defaults-file", {
    default: [],
    cli: true,
    help: "JSON list of rule defaults of another service.",
  }),
  strOpt("policy-file", {
    cli: true,
    help: "Policy file to export (instead of [oslo_policy] policy_file and policy_dirs).",
  }),
  strOpt("package", {
    cli: true,
    default: "oslo",
    regex: "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$",
    help: "Rego package of the module (data.<package>.*).",
  }),
  strOpt("output-file", { cli: true, help: "Path of the file to write to. Defaults to stdout." }),
] as const;

/** Runs the exporter; returns the exit status. */
export async function main(args: readonly string[], io: ToolIo = processIo): Promise<number> {
  return await runTool({ name: "policy-to-rego", io, args, opts: OPTS }, async () => {
    const conf = await toolConfig(args, OPTS);
    const o = conf.group({ name: "DEFAULT", opts: OPTS });
    const defaults = Object.values(await loadNamespaces(o.namespace, o["defaults-file"])).flat();
    let enforcer: Enforcer;
    let source: string;
    if (o["policy-file"]) {
      let text: string;
      try {
        text = await Deno.readTextFile(o["policy-file"]);
      } catch (e) {
        throw new ToolError(
          `Cannot read --policy-file ${o["policy-file"]}: ${(e as Error).message}`,
        );
      }
      enforcer = new Enforcer({
        policy: text,
        policyName: o["policy-file"],
        defaults,
        onWarning: () => {},
      });
      await enforcer.load();
      source = o["policy-file"];
    } else {
      enforcer = await enforcerFromConfig(conf, { defaults, onWarning: () => {} });
      source = enforcer.status().sources.join(", ") || "registered defaults";
    }
    if (defaults.length > 0) source += ` and ${defaults.length} registered defaults`;
    const { checks, defaultRule } = await enforcer.effectiveRules();
    const text = policyToRego(checks, defaultRule, { packageName: o.package, source });
    if (o["output-file"]) await Deno.writeTextFile(o["output-file"], text);
    else io.stdout(text);
    return 0;
  });
}

if (import.meta.main) {
  enterCallerDir();
  Deno.exit(await main(Deno.args));
}
