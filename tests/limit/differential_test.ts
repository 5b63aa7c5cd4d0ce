/**
 * Differential tests: the same generated cases through oslo.limit 2.0.1 (its
 * LimitFixture supplies the limits) and through lib/limit's Enforcer; the
 * decisions, over-limit lists, messages, callback calls and limit reports
 * must be the same. -1 (unlimited) is left out: 2.0.1 treats it as a limit.
 */
import assert from "node:assert/strict";
import {
  Enforcer,
  type LimitSource,
  ProjectOverLimit,
  UsageUnavailableError,
} from "../../lib/limit/mod.ts";
import { type Case, prng, runOracle, type Step, type StepResult } from "./_oracle.ts";

const RESOURCES = ["a", "b", "cores", "ram_mb", "z", "ä"];
const PROJECTS = ["p1", "p2", "p3"];

function generate(seed: number, count: number): Case[] {
  const rand = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]) => xs[int(0, xs.length - 1)]!;
  const subset = (min = 1) => {
    const s = RESOURCES.filter(() => rand() < 0.4);
    while (s.length < min) s.push(pick(RESOURCES));
    return [...new Set(s)].sort(() => rand() - 0.5);
  };
  const limits = () => {
    const reg: Record<string, number> = {};
    for (const r of RESOURCES) if (rand() < 0.7) reg[r] = rand() < 0.15 ? 0 : int(0, 20);
    const proj: Record<string, Record<string, number>> = {};
    for (const p of PROJECTS.slice(0, 2)) {
      for (const r of RESOURCES) {
        if (rand() < 0.3) (proj[p] ??= {})[r] = rand() < 0.15 ? 0 : int(0, 20);
      }
    }
    return { reg, proj };
  };
  const pid = () => rand() < 0.15 ? null : pick(PROJECTS);
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const { reg, proj } = limits();
    const usage: Record<string, number> = {};
    for (const r of RESOURCES) if (rand() < 0.95) usage[r] = int(0, 25);
    const steps: Step[] = [];
    const n = int(1, 6);
    for (let s = 0; s < n; s++) {
      const k = rand();
      if (k < 0.6) {
        const deltas: Record<string, number> = {};
        for (const r of subset()) deltas[r] = rand() < 0.2 ? 0 : int(-5, 10);
        steps.push({ op: "enforce", pid: pid(), deltas });
      } else if (k < 0.7) steps.push({ op: "calc", pid: pid(), resources: subset() });
      else if (k < 0.78) steps.push({ op: "reg", resources: subset() });
      else if (k < 0.86) steps.push({ op: "plimits", pid: pid(), resources: subset() });
      else if (k < 0.96) steps.push({ op: "set", ...limits() });
      else {
        // Bad arguments: oslo raises ValueError, lib/limit TypeError.
        steps.push(
          pick<Step>([
            { op: "enforce", pid: "", deltas: { a: 1 } },
            { op: "enforce", pid: "p1", deltas: {} },
          ]),
        );
      }
    }
    cases.push({ reg, proj, usage, steps });
  }
  return cases;
}

/** Limits "in Keystone" that change between steps; cacheable, as the Keystone source is. */
class ChangingLimits implements LimitSource {
  readonly description = "changing limits";
  readonly cacheable = true;
  reg: Record<string, number>;
  proj: Record<string, Record<string, number>>;
  constructor(c: Case) {
    this.reg = c.reg;
    this.proj = c.proj;
  }
  model() {
    return "flat" as const;
  }
  registeredLimit(r: string) {
    return this.reg[r];
  }
  projectLimit(p: string, r: string) {
    return this.proj[p]?.[r];
  }
  parentOf() {
    return null;
  }
  childrenOf() {
    return [];
  }
}

async function runOurs(c: Case): Promise<StepResult[]> {
  const source = new ChangingLimits(c);
  let calls: [string | null, string[]][] = [];
  const enforcer = new Enforcer((pid, names) => {
    calls.push([pid, [...names]]);
    return Object.fromEntries(names.filter((n) => n in c.usage).map((n) => [n, c.usage[n]!]));
  }, { limits: source, onMissingLimit: () => {} });
  const out: StepResult[] = [];
  for (const step of c.steps) {
    calls = [];
    const r: Partial<StepResult> = {};
    try {
      if (step.op === "enforce") {
        await enforcer.enforce(step.pid, step.deltas);
        r.ok = true;
      } else if (step.op === "calc") {
        const u = await enforcer.calculateUsage(step.pid, step.resources);
        r.value = Object.fromEntries(Object.entries(u).map(([k, v]) => [k, [v.limit, v.usage]]));
      } else if (step.op === "reg") r.value = await enforcer.getRegisteredLimits(step.resources);
      else if (step.op === "plimits") {
        r.value = await enforcer.getProjectLimits(step.pid, step.resources);
      } else {
        source.reg = step.reg;
        source.proj = step.proj;
        r.ok = true;
      }
    } catch (e) {
      if (e instanceof ProjectOverLimit) {
        r.over = e.overLimitInfoList.map((i) => [i.resourceName, i.limit, i.currentUsage, i.delta]);
        r.message = e.message;
      } else if (e instanceof TypeError || e instanceof UsageUnavailableError) {
        r.error = e.name;
      } else throw e;
    }
    out.push({ ...r, calls });
  }
  return out;
}

for (const seed of [1, 2, 3]) {
  Deno.test(`Enforcer.enforce() decides as oslo.limit 2.0.1 on 1000 generated cases (seed ${seed})`, async () => {
    const cases = generate(seed, 1000);
    const theirs = await runOracle(cases);
    let steps = 0, overs = 0, errors = 0;
    for (let i = 0; i < cases.length; i++) {
      const ours = await runOurs(cases[i]!);
      for (let s = 0; s < ours.length; s++) {
        const o = ours[s]!, t = theirs[i]![s]!;
        const where = `case ${i} step ${s} ${JSON.stringify(cases[i]!.steps[s])} limits ${
          JSON.stringify({ reg: cases[i]!.reg, proj: cases[i]!.proj, usage: cases[i]!.usage })
        }`;
        steps++;
        if (t.error) {
          errors++;
          assert.ok(o.error, `${where}: oslo raised ${t.error} (${t.message}), ours did not`);
        } else {
          assert.equal(o.error, undefined, `${where}: ours raised, oslo did not`);
          assert.deepEqual(o.over, t.over, `${where}: over-limit lists differ`);
          assert.equal(o.message, t.message, `${where}: messages differ`);
          assert.deepEqual(o.value, t.value, `${where}: values differ`);
          if (t.over) overs++;
        }
        assert.deepEqual(o.calls, t.calls, `${where}: usage callback calls differ`);
      }
    }
    // The generator must exercise both decisions and errors, or the test proves little.
    assert.ok(
      steps > 2500 && overs > 300 && errors > 50,
      `steps ${steps} overs ${overs} errors ${errors}`,
    );
  });
}
