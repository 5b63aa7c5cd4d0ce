import assert from "node:assert/strict";
import {
  ConfigError,
  ConfigErrors,
  ConfigOpts,
  intOpt,
  listOpt,
  multiStrOpt,
  type Opt,
  strOpt,
} from "../../lib/config/mod.ts";
import { Rng } from "./_gen.ts";
import { askOracle, oracleAvailable } from "./_oracle.ts";

/** The options every scenario registers, as oslo specs and as ours. */
const OPTS: { spec: Record<string, unknown>; group: string; opt: Opt; cli: boolean }[] = [
  {
    spec: { class: "IntOpt", name: "imm", cli: true, kw: { default: 1 } },
    group: "DEFAULT",
    opt: intOpt("imm", { default: 1 }),
    cli: true,
  },
  {
    spec: { class: "StrOpt", name: "s", kw: { default: "d" } },
    group: "DEFAULT",
    opt: strOpt("s", { default: "d" }),
    cli: false,
  },
  {
    spec: { class: "StrOpt", name: "ref", kw: { default: "$s/x" } },
    group: "DEFAULT",
    opt: strOpt("ref", { default: "$s/x" }),
    cli: false,
  },
  {
    spec: {
      class: "StrOpt",
      name: "g",
      group: "grp",
      kw: { deprecated_name: "old_g", deprecated_group: "DEFAULT" },
    },
    group: "grp",
    opt: strOpt("g", { deprecatedName: "old_g", deprecatedGroup: "DEFAULT" }),
    cli: false,
  },
  {
    spec: { class: "MultiStrOpt", name: "m", cli: true, kw: { deprecated_opts: [{ name: "mm" }] } },
    group: "DEFAULT",
    opt: multiStrOpt("m", { deprecatedOpts: [{ name: "mm" }] }),
    cli: true,
  },
  {
    spec: { class: "ListOpt", name: "l", group: "grp", kw: { default: ["a"] } },
    group: "grp",
    opt: listOpt("l", { default: ["a"] }),
    cli: false,
  },
];

const LINES = [
  "imm = 2",
  "imm = 3",
  "imm = x",
  "s = file",
  "s = $imm-${grp.g}",
  "ref = $s!",
  "ref = ${grp.l}",
  "mm = m1",
  "m = m2",
  "old_g = og",
  "nosuch = 1",
];
const GRP_LINES = ["g = gv", "g = $s", "l = x,y", "l = ", "old_g = ignored", "L = upper-key"];

function genFile(rng: Rng): string {
  let t = "";
  for (let i = 0; i < 1 + rng.int(3); i++) {
    const grp = rng.chance(0.5);
    t += `[${
      grp ? rng.pick(["grp", "Grp", "GRP"]) : rng.pick(["DEFAULT", "DEFAULT", "default"])
    }]\n`;
    for (let j = 0; j < 1 + rng.int(3); j++) t += rng.pick(grp ? GRP_LINES : LINES) + "\n";
  }
  return t;
}

interface Scenario {
  files: string[];
  args: string[];
  env: Record<string, string>;
}

function genScenario(rng: Rng): Scenario {
  const files = Array.from({ length: rng.int(4) }, () => genFile(rng));
  const args: string[] = [];
  const pieces = files.map((_, i) => ["--config-file", `@file${i}`]);
  if (rng.chance(0.5)) pieces.push(["--imm", String(rng.int(20))]);
  if (rng.chance(0.3)) pieces.push([`--m=${rng.pick(["c1", "c2"])}`]);
  if (rng.chance(0.2)) pieces.push(["--mm", "c3"]);
  while (pieces.length > 0) args.push(...pieces.splice(rng.int(pieces.length), 1)[0]!);
  const env: Record<string, string> = {};
  if (rng.chance(0.4)) env.OS_DEFAULT__IMM = String(100 + rng.int(9));
  if (rng.chance(0.3)) env.OS_GRP__G = "envg";
  if (rng.chance(0.2)) env.OS_DEFAULT__S = "envs";
  return { files, args, env };
}

function encode(v: unknown): unknown {
  if (typeof v === "number") return { int: String(v) };
  if (Array.isArray(v)) return v.map(encode);
  return v ?? null;
}

type OsloAnswer = {
  values?: Record<string, { value?: unknown; location?: string; error?: string }>;
  error?: string;
};

Deno.test({
  name: "ConfigOpts.load() gives oslo.config's values and locations on generated scenarios",
  ignore: !(await oracleAvailable()),
  fn: async () => {
    const rng = new Rng(7331);
    const scenarios = Array.from({ length: 300 }, () => genScenario(rng));
    const answers = await askOracle<OsloAnswer>(scenarios.map((s) => ({
      op: "conf",
      opts: OPTS.map((o) => o.spec),
      ...s,
    })));
    const dir = await Deno.makeTempDir();
    let compared = 0;
    let quirks = 0;
    try {
      for (const [i, s] of scenarios.entries()) {
        const oslo = answers[i]!;
        const where = `scenario ${i}: ${JSON.stringify(s)}\noslo: ${JSON.stringify(oslo)}`;
        const paths = await Promise.all(s.files.map(async (t, j) => {
          const p = `${dir}/s${i}f${j}.conf`;
          await Deno.writeTextFile(p, t);
          return p;
        }));
        const args = s.args.map((a) => a.startsWith("@file") ? paths[Number(a.slice(5))]! : a);
        const conf = new ConfigOpts();
        for (const o of OPTS) conf.registerOpt(o.opt, o.group, { cli: o.cli });
        let failed: Set<string> | undefined;
        try {
          await conf.load({ args, env: s.env });
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          const errs = e instanceof ConfigErrors ? e.errors : [e];
          failed = new Set(errs.map((x) => (x as { option?: string }).option ?? "?"));
        }
        if (oslo.error === "SystemExit") {
          // oslo.config checks command-line options' values (from files too) at parse time.
          assert.ok(failed && (failed.has("DEFAULT/imm") || failed.has("DEFAULT/m")), where);
          continue;
        }
        assert.equal(oslo.error, undefined, where);
        const osloFailed = new Set(
          Object.entries(oslo.values!).filter(([, v]) => v.error).map(([k]) => k),
        );
        if (failed) {
          // Eager where oslo.config is lazy: the same options fail, at load instead of on read.
          const ours = [...failed];
          for (const k of osloFailed) assert.ok(ours.includes(k), `${where}\n${k} should fail`);
          for (const k of ours) {
            assert.ok(osloFailed.has(k), `${where}\n${k} failed`);
          }
          continue;
        }
        assert.equal(osloFailed.size, 0, `${where}: we loaded`);
        // When imm differs by the quirk, values interpolating $imm differ with it.
        const immQuirk = conf.location("DEFAULT", "imm").kind === "command_line" &&
          oslo.values!["DEFAULT/imm"]!.location !== "command_line";
        for (const o of OPTS) {
          if (
            immQuirk && ["DEFAULT/s", "DEFAULT/ref", "grp/g"].includes(`${o.group}/${o.opt.dest}`)
          ) {
            continue;
          }
          const key = `${o.group}/${o.opt.dest}`;
          const want = oslo.values![key]!;
          const value = encode(conf.get(o.group, o.opt.dest));
          const kind = conf.location(o.group, o.opt.dest).kind;
          // Quirk 2 (documented): oslo labels a command-line value `user` when a file also sets
          // the option, so the environment beats it; ours stays the command line's.
          if (o.cli && kind === "command_line" && want.location !== "command_line") {
            quirks++;
            assert.ok(want.location === "user" || want.location === "environment", where);
            if (o.opt.multi) {
              if (want.location === "user") assert.deepEqual(value, want.value, where);
            } else {
              const flagged = args[args.lastIndexOf("--imm") + 1];
              assert.deepEqual(value, { int: flagged }, where);
            }
            continue;
          }
          assert.deepEqual(value, want.value, `${where}\n${key}`);
          assert.equal(
            kind === "driver" ? "user" : kind,
            want.location ?? "opt_default",
            `${where}\n${key} location`,
          );
          compared++;
        }
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
    assert.ok(compared > 1000, `compared ${compared}`);
    assert.ok(quirks > 0, "the generator must exercise the command-line quirk");
  },
});
