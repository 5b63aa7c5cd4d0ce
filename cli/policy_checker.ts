/**
 * `deno task policy-checker`: oslopolicy-checker's drop-in. Same flags
 * (`--policy`, `--access`, `--target`, `--rule`, `--is_admin`,
 * `--enforcer_config`) and the same `passed: RULE` / `failed: RULE` lines.
 *
 * As the original: the policy file alone (no defaults), every rule whose name
 * contains `:` in sorted order (or just `--rule`), evaluated directly against
 * the Keystone token in `--access` (roles, user_id, project_id, system_scope
 * from the token) and the flattened `--target`.
 *
 *     deno task policy-checker --policy policy.yaml --access token.json [--target target.json]
 *
 * @module
 */
import { boolOpt, ConfigOpts, strOpt } from "../lib/config/mod.ts";
import {
  CheckError,
  CheckRegistry,
  parsePolicyFile,
  POLICY_OPTS,
  remoteCheckService,
  rulesFromPolicy,
  UnevaluableCheck,
} from "../lib/policy/mod.ts";
import {
  enterCallerDir,
  processIo,
  runTool,
  toolConfig,
  ToolError,
  type ToolIo,
} from "./policy_tool.ts";

/** The command-line options (the original's, plus `--defaults-file` where namespaces are read). */
export const OPTS = [
  strOpt("policy", { cli: true, required: true, help: "path to a policy file." }),
  strOpt("access", {
    cli: true,
    required: true,
    help: "path to a file containing OpenStack Identity API access info in JSON format.",
  }),
  strOpt("target", {
    cli: true,
    help:
      "path to a file containing custom target info in JSON format. This will be used to evaluate the policy with.",
  }),
  strOpt("rule", { cli: true, help: "rule to test." }),
  boolOpt("is_admin", {
    cli: true,
    default: false,
    help: "set is_admin=True on the credentials used for the evaluation.",
  }),
  strOpt("enforcer_config", {
    cli: true,
    help: "configuration file for the oslopolicy-checker enforcer",
  }),
] as const;

/** oslo.policy's `shell.flatten`: nested objects become dotted keys; lists stay. */
export function flatten(d: Record<string, unknown>, parent = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    const key = parent ? `${parent}.${k}` : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      Object.assign(out, flatten(v as Record<string, unknown>, key));
    } else out[key] = v;
  }
  return out;
}

async function readJson(path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    throw new ToolError(`Cannot read --${what} ${path}: ${(e as Error).message}`);
  }
}

function exceptionText(e: unknown): string {
  const cause = (e as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.name === "PyFormatError") return cause.message;
  return (e as Error).message;
}

/** Runs the checker; returns the exit status. */
export async function main(args: readonly string[], io: ToolIo = processIo): Promise<number> {
  return await runTool({ name: "policy-checker", io, args, opts: OPTS }, async () => {
    const conf = await toolConfig(args, OPTS);
    const o = conf.group({ name: "DEFAULT", opts: OPTS });
    const token = (await readJson(o.access, "access") as { token?: unknown }).token;
    if (!token || typeof token !== "object") {
      throw new ToolError(`Cannot read --access ${o.access}: no "token" object`);
    }
    const access = token as Record<string, unknown> & {
      roles?: { name: string }[];
      user?: { id: string };
      project?: { id: string };
    };
    access.roles = (access.roles ?? []).map((r) => r.name) as never;
    access.user_id = access.user?.id;
    if (access.project) access.project_id = access.project.id;
    if (access.system) access.system_scope = "all";
    access.is_admin = o.is_admin;

    let policyText: string;
    try {
      policyText = await Deno.readTextFile(o.policy);
    } catch (e) {
      throw new ToolError(`Cannot read --policy ${o.policy}: ${(e as Error).message}`);
    }
    let http = undefined;
    if (o.enforcer_config) {
      const econf = new ConfigOpts().register(POLICY_OPTS);
      await econf.load({ args: ["--config-file", o.enforcer_config], env: false });
      http = await remoteCheckService({ ...econf.group(POLICY_OPTS), enable_remote_checks: true });
    }
    const rules = rulesFromPolicy(
      [parsePolicyFile(policyText, o.policy)],
      CheckRegistry.withBuiltins(),
      {
        defaultRule: "default",
        services: http ? { http } : {},
        strict: true, // oslo.policy's evaluation: the first failure raises, as the original prints
      },
    );
    const target = o.target
      ? flatten(await readJson(o.target, "target") as Record<string, unknown>)
      : {
        user_id: access.user?.id,
        ...(access.project_id ? { project_id: access.project_id } : {}),
      };

    const tryRule = async (key: string) => {
      const check = rules.lookup(key);
      if (!check) {
        throw new ToolError(`Cannot test --rule ${key}: no such rule and no "default" rule`);
      }
      try {
        const ok = await check.evaluate(target, access, rules.context(key), 0);
        io.stdout(`${ok ? "passed" : "failed"}: ${key}\n`);
      } catch (e) {
        if (!(e instanceof CheckError)) throw e;
        io.stdout(
          check instanceof UnevaluableCheck
            ? "'str' object is not callable\n"
            : `${exceptionText(e)}\n`,
        );
        io.stdout(`exception: ${check}\n`);
      }
    };
    if (o.rule) {
      await tryRule(o.rule);
      return 0;
    }
    for (const key of [...rules.checks.keys()].sort()) if (key.includes(":")) await tryRule(key);
    return 0;
  });
}

if (import.meta.main) {
  enterCallerDir();
  Deno.exit(await main(Deno.args));
}
