/** `POST /v1/limits/usage` and `/v1/limits/usage/adjust` through app.request(). */
import assert from "node:assert/strict";
import { devApp, limitDeps, member, post } from "./_limit.ts";

const admin = { roles: ["admin"] };

Deno.test("POST /v1/limits/usage/adjust gives committed usage back, never below 0", async () => {
  const deps = limitDeps({ registeredLimits: { cores: 4, ram: 100 } });
  const app = devApp(deps);
  const claim = await (await app.request(
    "/v1/limits/claims",
    post({ projectId: "p", deltas: { cores: 4 }, credentials: admin }),
  )).json();
  await app.request(`/v1/limits/claims/${claim.claimId}/commit`, post({ credentials: admin }));
  const full = await app.request(
    "/v1/limits/check",
    post({ projectId: "p", deltas: { cores: 1 }, credentials: admin }),
  );
  assert.equal(full.status, 403);
  await full.body?.cancel();

  // A server with 3 cores is deleted: its usage is given back.
  const freed = await app.request(
    "/v1/limits/usage/adjust",
    post({ projectId: "p", deltas: { cores: -3, ram: 10 }, credentials: admin }),
  );
  assert.equal(freed.status, 200);
  assert.deepEqual(await freed.json(), { projectId: "p", committed: { cores: 1, ram: 10 } });
  const room = await app.request(
    "/v1/limits/check",
    post({ projectId: "p", deltas: { cores: 3 }, credentials: admin }),
  );
  assert.equal(room.status, 200);
  await room.body?.cancel();

  // Giving back more than was committed stops at 0.
  const floor = await app.request(
    "/v1/limits/usage/adjust",
    post({ projectId: "p", deltas: { cores: -5 }, credentials: admin }),
  );
  assert.deepEqual(await floor.json(), { projectId: "p", committed: { cores: 0 } });
  assert.deepEqual(await deps.store.usageCallback("p", ["cores", "ram"]), { cores: 0, ram: 10 });
  assert.deepEqual(deps.decisions.filter((d) => d.startsWith("limit:adjust")), [
    "limit:adjust allow",
    "limit:adjust allow",
  ]);
});

Deno.test("POST /v1/limits/usage/adjust is for admins (limit:adjust) and refuses bad bodies", async () => {
  const deps = limitDeps({ registeredLimits: { cores: 4 } });
  const app = devApp(deps);
  const own = await app.request(
    "/v1/limits/usage/adjust",
    post({ projectId: "p", deltas: { cores: -1 }, credentials: member("p") }),
  );
  assert.equal(own.status, 403);
  const problem = await own.json();
  assert.equal(problem.type, "urn:oslo-edge:problem:policy-not-authorized");
  assert.equal(problem.detail, "limit:adjust is disallowed by policy");
  for (
    const [body, path] of [
      [{ projectId: "p", deltas: {} }, "deltas"],
      [{ projectId: "p", deltas: { cores: 0.5 } }, "deltas.cores"],
      [{ projectId: null, deltas: { cores: -1 } }, "projectId"],
      [{ deltas: { cores: -1 } }, "projectId"],
    ] as const
  ) {
    const res = await app.request(
      "/v1/limits/usage/adjust",
      post({ ...body, credentials: admin }),
    );
    assert.equal(res.status, 400, JSON.stringify(body));
    const p = await res.json();
    assert.equal(p.type, "urn:oslo-edge:problem:validation");
    assert.ok(p.errors.some((e: { path: string }) => e.path === path), JSON.stringify(p.errors));
  }
  assert.deepEqual(await deps.store.usageCallback("p", ["cores"]), { cores: 0 });
});

Deno.test("POST /v1/limits/usage under strict-two-level reports subtree usage and the cap", async () => {
  const deps = limitDeps({
    model: "strict-two-level",
    registeredLimits: { cores: 10 },
    projectLimits: { root: { cores: 5 } },
    parents: { a: "root", b: "root" },
  });
  const app = devApp(deps);
  for (const [projectId, n] of [["a", 1], ["b", 3]] as const) {
    const r = await app.request(
      "/v1/limits/usage/adjust",
      post({ projectId, deltas: { cores: n }, credentials: admin }),
    );
    assert.equal(r.status, 200);
    await r.body?.cancel();
  }
  const usage = async (projectId: string) =>
    await (await app.request(
      "/v1/limits/usage",
      post({ projectId, resources: ["cores"], credentials: admin }),
    )).json();
  assert.deepEqual(await usage("root"), {
    projectId: "root",
    usage: { cores: { limit: 5, usage: 4, available: 1 } },
  });
  assert.deepEqual(await usage("a"), {
    projectId: "a",
    usage: {
      cores: { limit: 10, usage: 1, available: 1, cap: { projectId: "root", limit: 5, usage: 4 } },
    },
  });
  // The check agrees: 1 more fits, 2 do not.
  const ok = await app.request(
    "/v1/limits/check",
    post({ projectId: "a", deltas: { cores: 1 }, credentials: admin }),
  );
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  const over = await app.request(
    "/v1/limits/check",
    post({ projectId: "a", deltas: { cores: 2 }, credentials: admin }),
  );
  assert.equal(over.status, 403);
  assert.equal((await over.json()).overLimitInfoList[0].limitProjectId, "root");
});
