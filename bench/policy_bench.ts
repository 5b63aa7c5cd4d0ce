/**
 * `deno task bench:policy`: Keystone's full default policy, its 194
 * `identity:*` rules × 6 credentials (system admin and reader, domain admin,
 * project admin, member and reader).
 *
 * 1. In-process decisions/s: lib/policy's `await enforcer.enforce()` and, in
 *    the same run, oslo.policy 4.0.0 (`/usr/bin/python3`) on the same
 *    decisions, with the ratio. Both must give the same answers.
 * 2. HTTP: `POST /v1/policy/enforce` on the service app vs a bare
 *    `Deno.serve` hello-world, each in its own process, loaded by wrk in the
 *    same run, with the ratio.
 *
 * Prints a table; writes bench/results/policy.json.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { Enforcer, type RuleDefault } from "../lib/policy/mod.ts";
import {
  BENCH_CREDS,
  KEYSTONE_CREDS,
  keystoneDefaults,
  keystoneTargets,
} from "../tests/policy/keystone.ts";

const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 3);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

const defaults: RuleDefault[] = (await keystoneDefaults()) ??
  JSON.parse(await Deno.readTextFile(here("../tests/testdata/policy/keystone_defaults.json")));
const identity = defaults.map((d) => d.name).filter((n) => n.startsWith("identity:"));
const cases = identity.flatMap((rule) =>
  BENCH_CREDS.map((c) => {
    const creds = KEYSTONE_CREDS[c]!;
    return { rule, creds, target: keystoneTargets(creds)[0]! };
  })
);

// 1a. lib/policy
const enforcer = new Enforcer({ defaults, onWarning: () => {} });
await enforcer.load();
const tsAllowed: boolean[] = [];
for (const c of cases) tsAllowed.push(await enforcer.enforce(c.rule, c.target, c.creds));
let n = 0;
const t0 = performance.now();
while (performance.now() - t0 < SECONDS * 1000) {
  for (const c of cases) await enforcer.enforce(c.rule, c.target, c.creds);
  n += cases.length;
}
const tsRate = n / ((performance.now() - t0) / 1000);

// 1b. oslo.policy in the same run
let pyRate: number | null = null;
let agree: boolean | null = null;
try {
  const child = new Deno.Command("/usr/bin/python3", {
    args: [here("./policy_oslo_bench.py"), String(SECONDS)],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(JSON.stringify(cases)));
  await w.close();
  const out = await child.output();
  if (out.success) {
    const r = JSON.parse(new TextDecoder().decode(out.stdout));
    pyRate = r.decisions / r.seconds;
    agree = JSON.stringify(r.allowed) === JSON.stringify(tsAllowed);
  } else console.error(new TextDecoder().decode(out.stderr).slice(-500));
} catch (e) {
  console.error(`oslo.policy baseline not run: ${(e as Error).message}`);
}

// 2. HTTP with wrk
async function serve(
  mode: string,
  defaultsFile: string,
): Promise<{ port: number; stop(): Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", here("./policy_http_server.ts"), mode, defaultsFile],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let m: RegExpExecArray | null = null;
  while (!(m = /ready (\d+)/.exec(seen))) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${mode} server exited before it was ready`);
    seen += value;
  }
  return {
    port: Number(m[1]),
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await reader.cancel().catch(() => {});
    },
  };
}

async function wrk(url: string, script?: string): Promise<number | null> {
  const args = ["-t1", "-c32", `-d${SECONDS}s`, ...(script ? ["-s", script] : []), url];
  try {
    const out = await new Deno.Command("wrk", { args, stdout: "piped", stderr: "piped" }).output();
    const m = /Requests\/sec:\s+([\d.]+)/.exec(new TextDecoder().decode(out.stdout));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const tmp = await Deno.makeTempDir({ prefix: "bench-policy-" });
const defaultsFile = `${tmp}/keystone.json`;
await Deno.writeTextFile(defaultsFile, JSON.stringify(defaults));
const body = JSON.stringify({
  rule: "identity:get_user",
  target: keystoneTargets(KEYSTONE_CREDS["project-member"]!)[0],
  credentials: KEYSTONE_CREDS["project-member"],
});
const lua = `${tmp}/enforce.lua`;
await Deno.writeTextFile(
  lua,
  `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${
    JSON.stringify(body)
  }\n`,
);
const batchBody = JSON.stringify({
  requests: cases.slice(0, 50).map((c) => ({ rule: c.rule, target: c.target })),
  credentials: KEYSTONE_CREDS["project-member"],
});
const batchLua = `${tmp}/batch.lua`;
await Deno.writeTextFile(
  batchLua,
  `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${
    JSON.stringify(batchBody)
  }\n`,
);
let batchRate: number | null = null;
const http: { hello: number[]; json: number[]; enforce: number[] } = {
  hello: [],
  json: [],
  enforce: [],
};
let checked = false;
try {
  for (let round = 0; round < 2; round++) {
    for (const mode of ["hello", "json", "enforce"] as const) {
      const s = await serve(mode, defaultsFile);
      try {
        if (mode === "enforce" && !checked) {
          const res = await fetch(`http://127.0.0.1:${s.port}/v1/policy/enforce`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body,
          });
          console.log(`enforce endpoint answers ${res.status} ${await res.text()}`);
          checked = true;
        }
        const rate = await wrk(
          mode === "hello"
            ? `http://127.0.0.1:${s.port}/`
            : `http://127.0.0.1:${s.port}/v1/policy/enforce`,
          mode === "hello" ? undefined : lua,
        );
        if (rate !== null) http[mode].push(rate);
        if (mode === "enforce" && round === 0) {
          batchRate = await wrk(`http://127.0.0.1:${s.port}/v1/policy/enforce:batch`, batchLua);
        }
      } finally {
        await s.stop();
      }
    }
  }
} finally {
  await Deno.remove(tmp, { recursive: true });
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const hello = mean(http.hello), json = mean(http.json), enforce = mean(http.enforce);
const fmt = (x: number | null) => (x === null ? "n/a" : Math.round(x).toLocaleString("en-US"));
const ratio = (
  a: number | null,
  b: number | null,
) => (a !== null && b ? `${(a / b).toFixed(2)}×` : "n/a");
const pct = (
  a: number | null,
  b: number | null,
) => (a !== null && b ? `${((a / b) * 100).toFixed(0)}%` : "n/a");

console.log(
  `\nbench:policy — Keystone defaults (${defaults.length} rules), ${identity.length} identity:* rules × ${BENCH_CREDS.length} credentials = ${cases.length} decisions, ${SECONDS}s per figure, ${navigator.hardwareConcurrency} CPUs\n`,
);
console.log("| figure | this | baseline (same run) | ratio |");
console.log("|---|---|---|---|");
console.log(
  `| in-process decisions/s | lib/policy ${fmt(tsRate)} | oslo.policy 4.0.0 ${fmt(pyRate)} | ${
    ratio(tsRate, pyRate)
  } |`,
);
console.log(
  `| µs per decision | ${(1e6 / tsRate).toFixed(2)} | ${
    pyRate ? (1e6 / pyRate).toFixed(1) : "n/a"
  } | |`,
);
console.log(
  `| HTTP requests/s (wrk -t1 -c32) | POST /v1/policy/enforce ${
    fmt(enforce)
  } | bare Deno.serve hello-world ${fmt(hello)} | ${pct(enforce, hello)} |`,
);
console.log(
  `| HTTP requests/s (wrk -t1 -c32) | POST /v1/policy/enforce ${
    fmt(enforce)
  } | bare Deno.serve JSON POST (read, parse, answer) ${fmt(json)} | ${pct(enforce, json)} |`,
);
console.log(
  `| HTTP decisions/s, 50 per POST /v1/policy/enforce:batch | ${
    fmt(batchRate === null ? null : batchRate * 50)
  } (${fmt(batchRate)} requests/s) | | |`,
);
console.log(
  `\nrounds: hello ${http.hello.map(fmt).join(", ")}; json ${
    http.json.map(fmt).join(", ")
  }; enforce ${http.enforce.map(fmt).join(", ")}`,
);
console.log(
  `decisions agree with oslo.policy: ${agree === null ? "n/a" : agree ? "yes" : "NO"} (${
    tsAllowed.filter(Boolean).length
  } of ${cases.length} allowed)`,
);
console.log(
  `targets: ≥ 1,000,000 decisions/s in-process: ${
    tsRate >= 1e6 ? "met" : "NOT met"
  }; HTTP ≥ 60% of hello-world: ${
    enforce !== null && hello ? (enforce / hello >= 0.6 ? "met" : "NOT met") : "n/a"
  }`,
);

await Deno.mkdir(here("./results"), { recursive: true });
await Deno.writeTextFile(
  here("./results/policy.json"),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      seconds: SECONDS,
      decisions: cases.length,
      tsRate,
      pyRate,
      agree,
      http,
    },
    null,
    2,
  ),
);
