/**
 * `deno task bench:policy`: Keystone's full default policy, its 194
 * `identity:*` rules × 6 credentials (system admin and reader, domain admin,
 * project admin, member and reader).
 *
 * 1. In-process decisions/s: lib/policy's `await enforcer.enforce()` and, in
 *    the same run, oslo.policy 4.0.0 (`/usr/bin/python3`) on the same
 *    decisions, with the ratio. Both must give the same answers.
 * 2. HTTP (bench/policy_http.ts): `POST /v1/policy/enforce` on the service,
 *    in dev shape (auth off, credentials in the body) and production shape
 *    (auth on: an ES256 bearer token verified by the app's verifier on every
 *    request; metrics on), against a bare `Deno.serve` hello-world and a bare
 *    `Deno.serve` JSON POST (`await req.json()`, `Response.json()`), and the
 *    same JSON POST echoing the request id as every reply here must, each in
 *    its own process, warmed up, then loaded by wrk in the same run: requests/s
 *    and server CPU µs per request, with the ratios. Rounds alternate the
 *    servers, so machine load spreads over all of them.
 *
 * Prints a table; writes bench/results/policy.json.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { Enforcer, type RuleDefault } from "../lib/policy/mod.ts";
import { type HttpFigure, measure, postScript, startServer } from "./policy_http.ts";
import {
  BENCH_CREDS,
  KEYSTONE_CREDS,
  keystoneDefaults,
  keystoneTargets,
} from "../tests/policy/keystone.ts";

const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 3);
const WARMUP = Number(Deno.env.get("BENCH_WARMUP") ?? 1);
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 2);
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
// Warmed up (V8 compiles the hot checks) as the HTTP servers are; CPython has no JIT to warm.
for (const w0 = performance.now(); performance.now() - w0 < WARMUP * 1000;) {
  for (const c of cases) await enforcer.enforce(c.rule, c.target, c.creds);
}
// Timed in one-second passes; the figure is their median (a noisy neighbour spoils one pass,
// not the figure).
const passes: number[] = [];
for (let p = 0; p < Math.max(3, Math.round(SECONDS)); p++) {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1000) {
    for (const c of cases) await enforcer.enforce(c.rule, c.target, c.creds);
    n += cases.length;
  }
  passes.push(n / ((performance.now() - t0) / 1000));
}
const tsRate = [...passes].sort((a, b) => a - b)[Math.floor(passes.length / 2)]!;

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
const tmp = await Deno.makeTempDir({ prefix: "bench-policy-" });
const defaultsFile = `${tmp}/keystone.json`;
await Deno.writeTextFile(defaultsFile, JSON.stringify(defaults));
const { publicKey, privateKey } = await generateKeyPair("ES256");
const publicKeyFile = `${tmp}/public.pem`;
await Deno.writeTextFile(publicKeyFile, await exportSPKI(publicKey));
const member = KEYSTONE_CREDS["project-member"]!;
const token = await new SignJWT({
  roles: member.roles,
  project_id: member.project_id,
  project_domain_id: member.project_domain_id,
  user_domain_id: member.user_domain_id,
})
  .setProtectedHeader({ alg: "ES256" })
  .setSubject(String(member.user_id))
  .setIssuer("https://idp.bench")
  .setAudience("oslo-edge")
  .setExpirationTime("2h")
  .sign(privateKey);
const target = keystoneTargets(member)[0];
const script = async (name: string, body: unknown, headers: Record<string, string> = {}) => {
  const path = `${tmp}/${name}.lua`;
  await Deno.writeTextFile(path, postScript(JSON.stringify(body), headers));
  return path;
};
const devBody = { rule: "identity:get_user", target, credentials: member };
const lua = {
  json: await script("json", devBody),
  floor: await script("floor", devBody),
  dev: await script("dev", devBody),
  prod: await script("prod", { rule: "identity:get_user", target }, {
    Authorization: `Bearer ${token}`,
  }),
  batch: await script("batch", {
    requests: cases.slice(0, 50).map((c) => ({ rule: c.rule, target: c.target })),
    credentials: member,
  }),
};
const MODES = ["hello", "json", "floor", "dev", "prod"] as const;
type Mode = typeof MODES[number];
const http: Record<Mode, HttpFigure[]> = {
  hello: [],
  json: [],
  floor: [],
  dev: [],
  prod: [],
};
let batch: HttpFigure | null = null;
const answers: string[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of MODES) {
      const s = await startServer(mode, [defaultsFile, publicKeyFile]);
      try {
        const url = mode === "hello"
          ? `http://127.0.0.1:${s.port}/`
          : `http://127.0.0.1:${s.port}/v1/policy/enforce`;
        if (round === 0 && mode !== "hello") {
          const res = await fetch(url, {
            method: "POST",
            headers: {
              "Content-Type": "application/json",
              ...(mode === "prod" ? { Authorization: `Bearer ${token}` } : {}),
            },
            body: JSON.stringify(mode === "prod" ? { rule: "identity:get_user", target } : devBody),
          });
          answers.push(`${mode}: ${res.status} ${await res.text()}`);
        }
        const fig = await measure(s, url, {
          seconds: SECONDS,
          warmup: WARMUP,
          ...(mode === "hello" ? {} : { script: lua[mode] }),
        });
        if (fig) http[mode].push(fig);
        if (mode === "dev" && round === 0) {
          batch = await measure(s, `http://127.0.0.1:${s.port}/v1/policy/enforce:batch`, {
            seconds: SECONDS,
            warmup: WARMUP,
            script: lua.batch,
          });
        }
      } finally {
        await s.stop();
      }
    }
  }
} finally {
  await Deno.remove(tmp, { recursive: true });
}

const mean = (xs: (number | null)[]) => {
  const ys = xs.filter((x): x is number => x !== null);
  return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : null;
};
const rps = (m: Mode) => mean(http[m].map((f) => f.rps));
const cpu = (m: Mode) => mean(http[m].map((f) => f.cpuUs));
const fmt = (x: number | null) => (x === null ? "n/a" : Math.round(x).toLocaleString("en-US"));
const us = (x: number | null) => (x === null ? "n/a" : x.toFixed(1));
const ratio = (a: number | null, b: number | null) =>
  a !== null && b ? `${(a / b).toFixed(2)}×` : "n/a";
const pct = (a: number | null, b: number | null) =>
  a !== null && b ? `${((a / b) * 100).toFixed(0)}%` : "n/a";

console.log(
  `\nbench:policy — Keystone defaults (${defaults.length} rules), ${identity.length} identity:* rules × ${BENCH_CREDS.length} credentials = ${cases.length} decisions, ${SECONDS}s per figure after ${WARMUP}s warm-up, ${ROUNDS} rounds, ${navigator.hardwareConcurrency} CPUs\n`,
);
for (const a of answers) console.log(`answers ${a}`);
console.log("\n| figure | this | baseline (same run) | ratio |");
console.log("|---|---|---|---|");
console.log(
  `| in-process decisions/s | lib/policy ${fmt(tsRate)} | oslo.policy 4.0.0 ${fmt(pyRate)} | ${
    ratio(tsRate, pyRate)
  } |`,
);
console.log(
  `| in-process passes (1 s each, median above) | ${passes.map(fmt).join(", ")} | | |`,
);
console.log(
  `| µs per decision | ${(1e6 / tsRate).toFixed(2)} | ${
    pyRate ? (1e6 / pyRate).toFixed(1) : "n/a"
  } | |`,
);
console.log(
  "\n| HTTP (wrk -t1 -c32) | requests/s | server CPU µs/request | vs hello-world (req/s) | vs JSON POST (req/s) |",
);
console.log("|---|---|---|---|---|");
const row = (label: string, m: Mode) =>
  console.log(
    `| ${label} | ${fmt(rps(m))} | ${us(cpu(m))} | ${pct(rps(m), rps("hello"))} | ${
      pct(rps(m), rps("json"))
    } |`,
  );
row("bare Deno.serve hello-world", "hello");
row("bare Deno.serve JSON POST (req.json(), Response.json())", "json");
row("bare JSON POST echoing the request id (floor of any reply here)", "floor");
row("POST /v1/policy/enforce, dev (auth off, body credentials, metrics)", "dev");
row("POST /v1/policy/enforce, production (ES256 token verified, metrics)", "prod");
console.log(
  `| POST /v1/policy/enforce:batch, 50 decisions, dev | ${fmt(batch?.rps ?? null)} (${
    fmt(batch ? batch.rps * 50 : null)
  } decisions/s) | ${us(batch?.cpuUs ?? null)} | | |`,
);
const non2xx = MODES.flatMap((m) => http[m].map((f) => f.non2xx)).reduce((a, b) => a + b, 0);
console.log(`\nrounds (requests/s, CPU µs/request):`);
for (const m of MODES) {
  console.log(`  ${m}: ${http[m].map((f) => `${fmt(f.rps)} (${us(f.cpuUs)})`).join(", ")}`);
}
console.log(`non-2xx answers under load: ${non2xx}`);
console.log(
  `decisions agree with oslo.policy: ${agree === null ? "n/a" : agree ? "yes" : "NO"} (${
    tsAllowed.filter(Boolean).length
  } of ${cases.length} allowed)`,
);
const ok = (m: Mode) => {
  const a = rps(m), h = rps("hello");
  return a !== null && h ? (a / h >= 0.6 ? "met" : "NOT met") : "n/a";
};
console.log(
  `targets: ≥ 1,000,000 decisions/s in-process: ${
    tsRate >= 1e6 ? "met" : "NOT met"
  }; HTTP ≥ 60% of hello-world: dev ${ok("dev")}, production ${
    ok("prod")
  } (the bare JSON POST reaches ${pct(rps("json"), rps("hello"))}, echoing the request id ${
    pct(rps("floor"), rps("hello"))
  })`,
);

await Deno.mkdir(here("./results"), { recursive: true });
await Deno.writeTextFile(
  here("./results/policy.json"),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      seconds: SECONDS,
      warmup: WARMUP,
      decisions: cases.length,
      tsRate,
      passes,
      pyRate,
      agree,
      http,
      batch,
    },
    null,
    2,
  ),
);
