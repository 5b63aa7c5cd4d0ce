/**
 * The areas wired together in one service: policy decides the limits routes,
 * health reports the policy and config it loaded, metrics count what the
 * other areas decide.
 */
import assert from "node:assert/strict";
import { createService } from "../../functions/service.ts";
import { waitFor } from "../_support/wait.ts";

const post = (body: unknown) => ({
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(body),
});

const member = { roles: ["member"], project_id: "demo", user_id: "u1" };

Deno.test("createService() lets the service policy decide the limits routes", async () => {
  const service = await createService({ args: ["--dev"], env: {} });
  try {
    const own = await service.app.request(
      "/v1/limits/check",
      post({ projectId: "demo", deltas: { cores: 1 }, credentials: member }),
    );
    assert.equal(own.status, 200);
    const other = await service.app.request(
      "/v1/limits/check",
      post({ projectId: "other", deltas: { cores: 1 }, credentials: member }),
    );
    assert.equal(other.status, 403);
    assert.equal((await other.json()).type, "urn:oslo-edge:problem:policy-not-authorized");
    const rules = await (await service.app.request("/v1/policy/rules")).json();
    const check = rules.rules.find((r: { name: string }) => r.name === "limit:check");
    assert.equal(
      check?.check,
      "(role:admin or (project_id:%(project_id)s and not project_id:None))",
    );
  } finally {
    await service.close();
  }
});

Deno.test("createService() follows an operator's override of a limit:* rule", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/policy.yaml`, '"limit:check": "role:auditor"\n');
    await Deno.writeTextFile(
      `${dir}/edge.conf`,
      `[oslo_policy]\npolicy_file = ${dir}/policy.yaml\n`,
    );
    const service = await createService({
      args: ["--dev", "--config-file", `${dir}/edge.conf`],
      env: {},
    });
    try {
      const denied = await service.app.request(
        "/v1/limits/check",
        post({ projectId: "demo", deltas: { cores: 1 }, credentials: member }),
      );
      assert.equal(denied.status, 403);
      const auditor = await service.app.request(
        "/v1/limits/check",
        post({ projectId: "demo", deltas: { cores: 1 }, credentials: { roles: ["auditor"] } }),
      );
      assert.equal(auditor.status, 200);
    } finally {
      await service.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("createService() health reports the loaded policy and config", async () => {
  const service = await createService({
    args: ["--dev"],
    env: { OS_HEALTHCHECK__BACKENDS: "policy,config", OS_HEALTHCHECK__DETAILED: "true" },
  });
  try {
    const res = await service.app.request("/healthcheck", {
      headers: { Accept: "application/json" },
    });
    assert.equal(res.status, 200);
    const body = await res.json();
    const reasons = JSON.stringify(body);
    assert.doesNotMatch(reasons, /NOT LOADED/);
    assert.match(reasons, /policy/);
  } finally {
    await service.close();
  }
});

Deno.test("createService() metrics count policy decisions, limit rejections and reloads", async () => {
  const service = await createService({ args: ["--dev"], env: {} });
  try {
    await service.app.request(
      "/v1/policy/enforce",
      post({ rule: "example:write", target: { project_id: "p" }, credentials: member }),
    );
    const over = await service.app.request(
      "/v1/limits/check",
      post({ projectId: "demo", deltas: { cores: 100 }, credentials: member }),
    );
    assert.equal(over.status, 403);
    assert.equal((await over.json()).type, "urn:oslo-edge:problem:project-over-limit");
    await service.conf.reload();
    const text = await waitFor(async () => {
      const t = await (await service.app.request("/metrics")).text();
      return /oslo_edge_config_reloads_total\{[^}]*\} 1/.test(t) ? t : undefined;
    }, { what: "the reload in /metrics" });
    assert.match(text, /oslo_edge_policy_decisions_total\{[^}]*rule="example:write"[^}]*\} 1/);
    assert.match(text, /oslo_edge_limit_checks_total\{[^}]*result="over"[^}]*\} 1/);
    assert.match(text, /oslo_edge_limit_rejections_total\{[^}]*resource="cores"[^}]*\} 1/);
  } finally {
    await service.close();
  }
});
