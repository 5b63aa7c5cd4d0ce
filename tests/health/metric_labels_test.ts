/**
 * Label values of the policy and limit series as the service feeds them:
 * names callers put in request bodies never become series of their own, and
 * a decision that fails counts as `error`.
 */
import assert from "node:assert/strict";
import { createService } from "../../functions/service.ts";
import { parseSamples, type Sample, sampleValue } from "./_prometheus.ts";
import { freePorts } from "./_servers.ts";

type Service = Awaited<ReturnType<typeof createService>>;

const ADMIN = { roles: ["admin"], project_id: "admin" };

async function post(service: Service, path: string, body: unknown): Promise<Response> {
  return await service.app.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function scrape(service: Service): Promise<Sample[]> {
  return parseSamples(await (await service.app.request("/metrics")).text());
}

function labelValues(samples: readonly Sample[], name: string, label: string): string[] {
  return [...new Set(samples.filter((s) => s.name === name).map((s) => s.labels[label]!))].sort();
}

Deno.test("oslo_edge_policy_decisions_total folds rules the enforcer does not define into other", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/policy.yaml`, '"example:read": "role:reader"\n');
    const service = await createService({
      args: ["--dev"],
      env: { OS_OSLO_POLICY__POLICY_FILE: `${dir}/policy.yaml` },
    });
    try {
      const decide = async (rule: string, roles: string[]) => {
        const res = await post(service, "/v1/policy/enforce", { rule, credentials: { roles } });
        assert.equal(res.status, 200, await res.clone().text());
        return (await res.json()).allowed;
      };
      assert.equal(await decide("example:read", ["reader"]), true);
      assert.equal(await decide("example:read", ["member"]), false);
      // A rule registered in code (not in the policy file) keeps its name too.
      assert.equal(await decide("policy:list_rules", ["reader"]), true);
      for (let i = 0; i < 5; i++) {
        assert.equal(await decide(`made:up:${crypto.randomUUID()}`, ["reader"]), false);
      }
      const s = await scrape(service);
      const v = (rule: string, result: string) =>
        sampleValue(s, "oslo_edge_policy_decisions_total", { rule, result });
      assert.equal(v("example:read", "allow"), 1);
      assert.equal(v("example:read", "deny"), 1);
      assert.equal(v("other", "deny"), 5);
      assert.equal(v("policy:list_rules", "allow"), 1, "registered defaults keep their names");
      // The route's own guard (`policy:enforce`, default "") allows everyone and is not decided.
      assert.deepEqual(
        labelValues(s, "oslo_edge_policy_decisions_total", "rule"),
        ["example:read", "other", "policy:list_rules"],
      );
    } finally {
      await service.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("oslo_edge_policy_decisions_total counts a failed decision (OPA unreachable) as error", async () => {
  const dir = await Deno.makeTempDir();
  const [closed] = freePorts(1);
  try {
    await Deno.writeTextFile(`${dir}/policy.yaml`, '"edge:opa": "opa:edge/allow"\n');
    const service = await createService({
      args: ["--dev"],
      env: {
        OS_OSLO_POLICY__POLICY_FILE: `${dir}/policy.yaml`,
        OS_OSLO_POLICY__OPA_URL: `http://127.0.0.1:${closed}`,
        OS_OSLO_POLICY__OPA_TIMEOUT: "1",
      },
    });
    try {
      const res = await post(service, "/v1/policy/enforce", {
        rule: "edge:opa",
        credentials: { roles: ["reader"] },
      });
      assert.equal(res.status, 200);
      assert.equal((await res.json()).allowed, false, "fails closed");
      const s = await scrape(service);
      assert.equal(
        sampleValue(s, "oslo_edge_policy_decisions_total", { rule: "edge:opa", result: "error" }),
        1,
      );
      assert.equal(
        sampleValue(s, "oslo_edge_policy_decisions_total", { rule: "edge:opa", result: "deny" }),
        undefined,
        "an error is not a deny",
      );
    } finally {
      await service.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("oslo_edge_limit_rejections_total folds resources without a limit into other", async () => {
  const service = await createService({ args: ["--dev"], env: {} });
  try {
    const check = (deltas: Record<string, number>) =>
      post(service, "/v1/limits/check", { projectId: "demo", deltas, credentials: ADMIN });
    const over = await check({ cores: 100 });
    assert.equal(over.status, 403, await over.clone().text());
    await over.body?.cancel();
    for (let i = 0; i < 5; i++) {
      const res = await check({ [`invented-${crypto.randomUUID()}`]: 1 });
      assert.equal(res.status, 403, "a resource without a limit is enforced as 0");
      await res.body?.cancel();
    }
    const s = await scrape(service);
    assert.equal(sampleValue(s, "oslo_edge_limit_rejections_total", { resource: "cores" }), 1);
    assert.equal(sampleValue(s, "oslo_edge_limit_rejections_total", { resource: "other" }), 5);
    assert.deepEqual(labelValues(s, "oslo_edge_limit_rejections_total", "resource"), [
      "cores",
      "other",
    ]);
    assert.equal(sampleValue(s, "oslo_edge_limit_checks_total", { result: "over" }), 6);
  } finally {
    await service.close();
  }
});
