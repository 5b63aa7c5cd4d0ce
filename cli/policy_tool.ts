/**
 * What the oslopolicy-* drop-ins share: oslo.config-style command lines
 * (`--name value`, `--name=value`, `--flag`/`--noflag`, `--config-file`),
 * the policy namespaces they read defaults from, and output streams that tests
 * can capture.
 *
 * Namespaces: `oslo-edge` is this service's own rules (every area's router
 * registers its defaults); another service's defaults come from
 * `--defaults-file`, a JSON list of rule defaults as
 * `tests/policy/export_defaults.py <namespace>` writes it.
 *
 * @module
 */
import { ConfigError, ConfigOpts, type Opt, optGroup } from "../lib/config/mod.ts";
import { Enforcer, POLICY_OPTS, type RuleDefault, validateRuleDefault } from "../lib/policy/mod.ts";
import { createApp } from "../functions/app.ts";

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

/** Defaults by namespace from `--namespace` names and `--defaults-file` paths. */
export async function loadNamespaces(
  names: readonly string[],
  files: readonly string[],
): Promise<Record<string, RuleDefault[]>> {
  const out: Record<string, RuleDefault[]> = {};
  for (const name of names) {
    if (name !== "oslo-edge") {
      throw new ToolError(
        `Namespace "${name}" not found: oslo-edge is built in; for another service, export its defaults (/usr/bin/python3 tests/policy/export_defaults.py ${name} > ${name}.json) and pass --defaults-file ${name}.json`,
      );
    }
    out[name] = osloEdgeDefaults();
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

/** Runs a tool body; config and tool errors become one stderr line and status 1. */
export async function runTool(
  name: string,
  io: ToolIo,
  body: () => Promise<number>,
): Promise<number> {
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
