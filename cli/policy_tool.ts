/**
 * What the oslopolicy-* drop-ins share: oslo.config-style command lines
 * (`--name value`, `--name=value`, `--flag`/`--noflag`, `--config-file`),
 * the policy namespaces they read defaults from, and output streams that tests
 * can capture.
 *
 * Namespaces: `oslo-edge` is this service's own rules (every area's router
 * registers its defaults); any other name is looked up as the originals look
 * it up, as the `oslo.policy.policies` entry point of that name, by
 * `/usr/bin/python3` with oslo.policy (`cli/policy_export_defaults.py`);
 * `--defaults-file` reads a JSON list of rule defaults as that helper writes
 * it, for services whose Python packages are not installed here.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { ConfigError, ConfigOpts, type Opt, optGroup } from "../lib/config/mod.ts";
import { Enforcer, POLICY_OPTS, type RuleDefault, validateRuleDefault } from "../lib/policy/mod.ts";
import { createApp } from "../functions/app.ts";
import { toolHelp, wantsHelp } from "./policy_help.ts";

/** Where a tool writes. */
export interface ToolIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The process's own stdout and stderr. */
export const processIo: ToolIo = {
  stdout: (t) => Deno.stdout.writeSync(new TextEncoder().encode(t)),
  stderr: (t) => Deno.stderr.writeSync(new TextEncoder().encode(t)),
};

/** Parses a tool's command line into a loaded ConfigOpts with `[oslo_policy]` registered. */
export async function toolConfig(
  args: readonly string[],
  opts: readonly Opt[],
): Promise<ConfigOpts> {
  const conf = new ConfigOpts().register(optGroup("DEFAULT", opts)).register(POLICY_OPTS);
  return await conf.load({ args, env: false });
}

/** The built-in `oslo-edge` namespace: the defaults every area's router registers. */
export function osloEdgeDefaults(): RuleDefault[] {
  const enforcer = new Enforcer({ onWarning: () => {} });
  createApp({ verify: null, maxBodySize: 1, schemas: {}, policy: enforcer });
  return enforcer.defaults;
}

/** The interpreter that sees the services' Python packages (Debian's). */
export const PYTHON = "/usr/bin/python3";
const EXPORTER = fileURLToPath(new URL("./policy_export_defaults.py", import.meta.url));

async function exporter(args: readonly string[]): Promise<{ code: number; stdout: string }> {
  try {
    const out = await new Deno.Command(PYTHON, {
      args: [EXPORTER, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
  } catch {
    return { code: -1, stdout: "" }; // no interpreter, or not allowed to run it
  }
}

/**
 * Defaults of the `oslo.policy.policies` entry point `name`, exported by
 * {@linkcode PYTHON}; throws ToolError naming the known namespaces when it
 * cannot be loaded.
 */
export async function pythonNamespace(name: string): Promise<RuleDefault[]> {
  const res = await exporter([name]);
  if (res.code === 0) return JSON.parse(res.stdout) as RuleDefault[];
  const known = res.code === 3 ? (JSON.parse(res.stdout) as { known: string[] }).known : [];
  const others = known.length > 0
    ? `, and with ${PYTHON}'s oslo.policy ${known.join(", ")}`
    : res.code === 3
    ? ""
    : ` (${PYTHON} with oslo.policy cannot be run here to load others)`;
  throw new ToolError(
    `Namespace "${name}" not found: known namespaces are oslo-edge (built in)${others}; for another service pass --defaults-file FILE, a JSON list of its rule defaults (${PYTHON} cli/policy_export_defaults.py NAMESPACE > FILE where its packages are installed)`,
  );
}

/** Defaults by namespace from `--namespace` names and `--defaults-file` paths. */
export async function loadNamespaces(
  names: readonly string[],
  files: readonly string[],
): Promise<Record<string, RuleDefault[]>> {
  const out: Record<string, RuleDefault[]> = {};
  for (const name of names) {
    out[name] = name === "oslo-edge" ? osloEdgeDefaults() : await pythonNamespace(name);
  }
  for (const file of files) {
    let list: unknown;
    try {
      list = JSON.parse(await Deno.readTextFile(file));
    } catch (e) {
      throw new ToolError(`Cannot read --defaults-file ${file}: ${(e as Error).message}`);
    }
    if (!Array.isArray(list)) {
      throw new ToolError(
        `Cannot read --defaults-file ${file}: expected a JSON list of rule defaults`,
      );
    }
    for (const [i, d] of list.entries()) {
      try {
        validateRuleDefault(d as RuleDefault);
      } catch (e) {
        throw new ToolError(
          `Cannot read --defaults-file ${file}: item ${i}: ${(e as Error).message}`,
        );
      }
    }
    out[file.replace(/^.*\//, "").replace(/\.json$/, "")] = list as RuleDefault[];
  }
  return out;
}

/**
 * `deno task` runs in the project directory; work in the caller's instead
 * (`INIT_CWD`), so relative paths on the command line mean what they say.
 */
export function enterCallerDir(): void {
  const dir = Deno.env.get("INIT_CWD");
  if (dir) Deno.chdir(dir);
}

/** A usage or input problem: one line on stderr, exit status 1. */
export class ToolError extends Error {
  readonly code = "ERR_POLICY_TOOL";
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

/** What {@linkcode runTool} needs to know of a tool. */
export interface ToolSpec {
  /** Name in messages and in `--help` (`policy-checker`). */
  name: string;
  /** Where it writes. */
  io: ToolIo;
  /** Its command line. */
  args: readonly string[];
  /** Its options (for `--help`). */
  opts: readonly Opt[];
}

/**
 * Runs a tool body: `-h`/`--help` prints argparse-like help and exits 0, as
 * the originals; config and tool errors become one stderr line and status 1.
 */
export async function runTool(spec: ToolSpec, body: () => Promise<number>): Promise<number> {
  const { name, io } = spec;
  if (wantsHelp(spec.args)) {
    io.stdout(toolHelp(name, spec.opts));
    return 0;
  }
  try {
    return await body();
  } catch (e) {
    if (
      e instanceof ToolError || e instanceof ConfigError ||
      (e as { code?: string }).code?.startsWith("ERR_POLICY")
    ) {
      io.stderr(`${name}: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
}
