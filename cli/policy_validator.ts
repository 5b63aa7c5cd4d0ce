/**
 * `deno task policy-validator`: oslopolicy-validator's drop-in. Standard
 * output and exit status are the original's (`Invalid rules found`,
 * `Unknown rule found in policy file: NAME`, `Failed to parse rule: RULE`,
 * `Configured policy file "..." not found`; status 1 on any); standard error
 * adds each finding with its file and line.
 *
 *     deno task policy-validator --config-file svc.conf --namespace oslo-edge
 *     deno task policy-validator --config-file keystone.conf --defaults-file keystone.json
 *
 * @module
 */
import { multiStrOpt } from "../lib/config/mod.ts";
import {
  enforcerFromConfig,
  findPolicyPath,
  parsePolicyFile,
  parseRule,
  POLICY_OPTS,
  pyStr,
  UnevaluableCheck,
} from "../lib/policy/mod.ts";
import {
  enterCallerDir,
  loadNamespaces,
  processIo,
  runTool,
  toolConfig,
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

/** Runs the validator; returns the exit status. */
export async function main(args: readonly string[], io: ToolIo = processIo): Promise<number> {
  return await runTool({ name: "policy-validator", io, args, opts: OPTS }, async () => {
    const conf = await toolConfig(args, OPTS);
    const o = conf.group({ name: "DEFAULT", opts: OPTS });
    const namespaces = await loadNamespaces(o.namespace, o["defaults-file"]);
    const defaults = Object.values(namespaces).flat();
    const p = conf.group(POLICY_OPTS);
    const mainPath = await findPolicyPath(p.policy_file, conf.files);
    if (!mainPath) {
      io.stdout(`Configured policy file "${p.policy_file}" not found\n`);
      return 1;
    }
    const enforcer = await enforcerFromConfig(conf, { defaults, onWarning: () => {} });
    const set = Object.fromEntries((await enforcer.rules()).map((r) => [r.name, r]));
    let rc = 0;
    const v = await enforcer.checkRules();
    if (v.undefined.length > 0 || v.cyclic.length > 0) {
      io.stdout("Invalid rules found\n");
      rc = 1;
    }
    const at = (name: string) => {
      const r = set[name];
      return r?.file ? `${r.file}${r.line === undefined ? "" : `:${r.line}`}` : "(defaults)";
    };
    for (const u of v.undefined) {
      io.stderr(
        `${at(u.name)}: rule "${u.name}" references undefined ${
          u.refs.map((x) => `rule:${x}`).join(", ")
        }\n`,
      );
    }
    for (const c of v.cyclic) {
      io.stderr(`${at(c.name)}: rule "${c.name}" is in a cycle: ${c.path.join(" → ")}\n`);
    }

    const registered = new Set(defaults.map((d) => d.name));
    const mainEntries = new Map(
      parsePolicyFile(await Deno.readTextFile(mainPath), mainPath).entries.map((
        e,
      ) => [e.name, e.value]),
    );
    for (const r of Object.values(set)) {
      if (r.source !== "file") continue;
      if (!registered.has(r.name)) {
        io.stdout(`Unknown rule found in policy file: ${r.name}\n`);
        io.stderr(`${at(r.name)}: rule "${r.name}" is not a registered rule\n`);
        rc = 1;
      }
      const raw = mainEntries.has(r.name) ? mainEntries.get(r.name) : undefined;
      const parsed = parseRule(raw ?? "@");
      if (r.check === "!" && raw !== undefined && raw !== "!") {
        io.stdout(`Failed to parse rule: ${pyStr(raw)}\n`);
        io.stderr(`${at(r.name)}: rule "${r.name}" cannot be parsed: ${pyStr(raw)}\n`);
        rc = 1;
      } else if (parsed instanceof UnevaluableCheck) {
        io.stderr(`${at(r.name)}: rule "${r.name}" is a bare word, which denies: ${pyStr(raw)}\n`);
      }
    }
    return rc;
  });
}

if (import.meta.main) {
  enterCallerDir();
  Deno.exit(await main(Deno.args));
}
