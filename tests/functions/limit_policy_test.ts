/**
 * The limits routes' shipped policy rules, decided by the real lib/policy
 * enforcer through app.request(), and the same rules in Debian's
 * python3-oslo.policy.
 */
import assert from "node:assert/strict";
import { LIMIT_POLICY_DEFAULTS } from "../../functions/limit.ts";
import { oracleAvailable, runOracle } from "../policy/oracle.ts";
import { devApp, limitDeps, member, post } from "./_limit.ts";

const ORACLE = await oracleAvailable();

/** Callers with no project of their own, and one with a project. */
const CALLERS: [string, Record<string, unknown>][] = [
  ["no credentials", {}],
  ["a reader without a project", { roles: ["reader"] }],
  ["a token with no project (null, as verified tokens give)", {
    roles: ["reader"],
    project_id: null,
  }],
  ["a domain-scoped member", { roles: ["member"], domain_id: "d", project_id: null }],
  ["a project's member", member("p")],
  ["an admin", { roles: ["admin"], project_id: null }],
];

/** What each route is asked, with the target project. */
const ASKS = [
  ["/v1/limits/check", (projectId: string | null) => ({ projectId, deltas: { cores: 1 } })],
  ["/v1/limits/usage", (projectId: string | null) => ({ projectId, resources: ["cores"] })],
] as const;

/** HTTP status for each caller, route and target project (null, then "p"). */
async function statuses(): Promise<Map<string, number>> {
  const app = devApp(limitDeps({ registeredLimits: { cores: 4 } }));
  const out = new Map<string, number>();
  for (const [who, credentials] of CALLERS) {
    for (const [path, body] of ASKS) {
      for (const projectId of [null, "p"]) {
        const res = await app.request(path, post({ ...body(projectId), credentials }));
        await res.body?.cancel();
        out.set(`${who} ${path} ${projectId}`, res.status);
      }
    }
  }
  return out;
}

Deno.test("LIMIT_POLICY_DEFAULTS leave projectId null to admins: no project is not a match", async () => {
  const got = await statuses();
  for (const [who] of CALLERS) {
    for (const [path] of ASKS) {
      const admin = who === "an admin";
      assert.equal(got.get(`${who} ${path} null`), admin ? 200 : 403, `${who} ${path} null`);
      const own = admin || who === "a project's member";
      assert.equal(got.get(`${who} ${path} p`), own ? 200 : 403, `${who} ${path} p`);
    }
  }
});

Deno.test({
  name: "LIMIT_POLICY_DEFAULTS decide as python3-oslo.policy decides the same rules",
  ignore: !ORACLE,
  fn: async () => {
    const checks = CALLERS.flatMap(([, creds]) =>
      LIMIT_POLICY_DEFAULTS.flatMap((d) =>
        [null, "p", "q"].map((project_id) => ({ rule: d.name, target: { project_id }, creds }))
      )
    );
    const [py] = await runOracle<{ decisions: { authorize: string }[] }>([
      { op: "enforce", defaults: LIMIT_POLICY_DEFAULTS, checks },
    ]);
    const deps = limitDeps({});
    devApp(deps); // the router registers its rules into the enforcer
    const ours = await Promise.all(
      checks.map((c) =>
        deps.policy.authorize(c.rule, c.target, c.creds).then(
          () => "ok",
          (e: Error) => e.name,
        )
      ),
    );
    assert.deepEqual(ours, py!.decisions.map((d) => d.authorize));
    // And the old default would have let every caller with no project act on null.
    const [old] = await runOracle<{ decisions: { authorize: string }[] }>([{
      op: "enforce",
      defaults: [{ name: "old", checkStr: "role:admin or project_id:%(project_id)s" }],
      checks: [{ rule: "old", target: { project_id: null }, creds: { project_id: null } }],
    }]);
    assert.equal(old!.decisions[0]!.authorize, "ok");
  },
});

Deno.test("createLimitApp() registers every limits rule into the service enforcer", () => {
  const deps = limitDeps({});
  devApp(deps);
  const names = deps.policy.defaults.map((d) => d.name).filter((n) => n.startsWith("limit:"));
  assert.deepEqual(names.sort(), [
    "limit:adjust",
    "limit:check",
    "limit:claim",
    "limit:commit",
    "limit:release",
    "limit:usage",
  ]);
  const adjust = LIMIT_POLICY_DEFAULTS.find((d) => d.name === "limit:adjust");
  assert.equal(adjust?.checkStr, "role:admin");
  // Building the router again (another isolate's app) registers nothing twice.
  devApp(deps);
  assert.equal(deps.policy.defaults.filter((d) => d.name === "limit:check").length, 1);
});

Deno.test("limits routes take policy overrides from the operator's policy file", async () => {
  const deps = limitDeps({ registeredLimits: { cores: 4 } }, '"limit:check": "role:checker"\n');
  const app = devApp(deps);
  const own = await app.request(
    "/v1/limits/check",
    post({ projectId: "p", deltas: { cores: 1 }, credentials: member("p") }),
  );
  assert.equal(own.status, 403);
  assert.equal((await own.json()).detail, "limit:check is disallowed by policy");
  const checker = await app.request(
    "/v1/limits/check",
    post({ projectId: null, deltas: { cores: 1 }, credentials: { roles: ["checker"] } }),
  );
  assert.equal(checker.status, 200);
});
