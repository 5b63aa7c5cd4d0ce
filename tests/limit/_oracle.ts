/**
 * Runs cases through oslo.limit 2.0.1 (tests/limit/oslo_limit_oracle.py with
 * Debian's /usr/bin/python3), many cases per process.
 *
 * @module
 */

/** One step of a case, as the oracle script reads it. */
export type Step =
  | { op: "enforce"; pid: string | null; deltas: Record<string, number> }
  | { op: "calc"; pid: string | null; resources: string[] }
  | { op: "reg"; resources: string[] }
  | { op: "plimits"; pid: string | null; resources: string[] }
  | { op: "set"; reg: Record<string, number>; proj: Record<string, Record<string, number>> };

/** A case: limits given to oslo.limit's LimitFixture, usage, and steps on one Enforcer. */
export interface Case {
  reg: Record<string, number>;
  proj: Record<string, Record<string, number>>;
  usage: Record<string, number>;
  steps: Step[];
}

/** What a step gave. */
export interface StepResult {
  ok?: true;
  value?: unknown;
  over?: [string, number, number, number][];
  message?: string;
  error?: string;
  calls: [string | null, string[]][];
}

const ORACLE = new URL("./oslo_limit_oracle.py", import.meta.url).pathname;

/** Runs `cases` through oslo.limit in one Python process. */
export async function runOracle(cases: Case[]): Promise<StepResult[][]> {
  const child = new Deno.Command("/usr/bin/python3", {
    args: [ORACLE],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(cases)));
  await writer.close();
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) {
    throw new Error(
      `oslo.limit oracle failed (exit ${out.code}); is python3-oslo.limit installed (deno task setup)?\n${
        stderr.slice(-2000)
      }`,
    );
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** A seeded PRNG (mulberry32): the same seed gives the same cases. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
