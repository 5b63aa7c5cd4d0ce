/**
 * `deno task policy-list-redundant`: oslopolicy-list-redundant's drop-in,
 * byte for byte: every rule in the policy files (policy_file, then
 * policy_dirs) that equals its registered default, printed as
 * `"name": "check_str"`.
 *
 *     deno task policy-list-redundant --config-file svc.conf --namespace oslo-edge
 *
 * @module
 */
import { multiStrOpt } from "../lib/config/mod.ts";
import { enforcerFromConfig, parseRule } from "../lib/policy/mod.ts";
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
    help: 'Option namespace under "oslo.policy.enforcer" in which to look for a policy.Enforcer.',
  }),
  multiStrOpt("defaults-file", {
    default: [],
    cli: true,
    help: "JSON list of rule defaults of another service (oslo-edge).",
  }),
] as const;

/** Runs the tool; returns the exit status. */
export async function main(args: readonly string[], io: ToolIo = processIo): Promise<number> {
  return await runTool({ name: "policy-list-redundant", io, args, opts: OPTS }, async () => {
    const conf = await toolConfig(args, OPTS);
    const o = conf.group({ name: "DEFAULT", opts: OPTS });
    if (o.namespace.length === 0 && o["defaults-file"].length === 0) {
      throw new ToolError("value required for option namespace in group [DEFAULT]");
    }
    const defaults = Object.values(await loadNamespaces(o.namespace, o["defaults-file"])).flat();
    const byName = new Map(defaults.map((d) => [d.name, d]));
    const enforcer = await enforcerFromConfig(conf, { defaults, onWarning: () => {} });
    for (const r of await enforcer.rules()) {
      if (r.source !== "file") continue;
      const reg = byName.get(r.name);
      if (!reg) continue;
      if (r.check === String(parseRule(reg.checkStr))) {
        io.stdout(`"${reg.name}": "${reg.checkStr}"\n`);
      }
    }
    return 0;
  });
}

if (import.meta.main) {
  enterCallerDir();
  Deno.exit(await main(Deno.args));
}
