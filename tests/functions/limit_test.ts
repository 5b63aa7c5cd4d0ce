import assert from "node:assert/strict";
import { createApp } from "../../functions/app.ts";
import { createService } from "../../functions/service.ts";
import { createVerifier } from "../../functions/shell/auth.ts";
import {
  Enforcer,
  KeystoneClient,
  KeystoneError,
  KeystoneLimitSource,
  MemoryUsageBackend,
  UsageStore,
} from "../../lib/limit/mod.ts";
import * as policy from "../../lib/policy/mod.ts";
import { makeKey, signToken } from "./_jwt.ts";
import { devApp, limitDeps, member, post, PROBLEM } from "./_limit.ts";

Deno.test("POST /v1/limits/check answers {allowed: true} or a 403 problem with the over-limit list", async () => {
  const deps = limitDeps({ registeredLimits: { cores: 4, ram: 100 } });
  const app = devApp(deps);
  const ok = await app.request(
    "/v1/limits/check",
    post({ projectId: "p", deltas: { cores: 4 }, credentials: member("p") }),
  );
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { allowed: true });

  const res = await app.request(
    "/v1/limits/check",
    post({ projectId: "p", deltas: { ram: 101, cores: 5 }, credentials: member("p") }),
  );
  assert.equal(res.status, 403);
  assert.equal(res.headers.get("Content-Type"), PROBLEM);
  const body = await res.json();
  assert.equal(body.type, "urn:oslo-edge:problem:project-over-limit");
  assert.equal(body.title, "Project over limit");
  assert.equal(body.projectId, "p");
  assert.deepEqual(body.overLimitInfoList, [
    { resourceName: "cores", limit: 4, currentUsage: 0, delta: 5 },
    { resourceName: "ram", limit: 100, currentUsage: 0, delta: 101 },
  ]);
  assert.match(body.detail, /^Project p is over a limit for \[Resource cores is over limit of 4/);
  assert.equal(body.request_id, res.headers.get("X-Openstack-Request-Id"));
});

Deno.test("POST /v1/limits/check asks the policy first and answers 403 policy-not-authorized when it says no", async () => {
  const deps = limitDeps({ registeredLimits: { cores: 4 } });
  const res = await devApp(deps).request(
    "/v1/limits/check",
    post({ projectId: "p", deltas: { cores: 1 }, credentials: member("q") }),
  );
  assert.equal(res.status, 403);
  const body = await res.json();
  assert.equal(body.type, "urn:oslo-edge:problem:policy-not-authorized");
  assert.equal(body.detail, "limit:check is disallowed by policy");
  assert.deepEqual(deps.decisions, ["limit:check deny"]);
  assert.equal(deps.enforcer.stats().enforced, 0, "no check ran");
});

Deno.test("POST /v1/limits/check refuses bad bodies with field paths", async () => {
  const app = devApp(limitDeps({}));
  for (
    const [body, path] of [
      [{ projectId: "p", deltas: { cores: 1.5 } }, "deltas.cores"],
      [{ projectId: "p", deltas: {} }, "deltas"],
      [{ projectId: "", deltas: { cores: 1 } }, "projectId"],
      [{ deltas: { cores: 1 } }, "projectId"],
      [{ projectId: "p", deltas: { cores: 1 }, extra: 1 }, "(body)"],
    ] as const
  ) {
    const res = await app.request("/v1/limits/check", post(body));
    assert.equal(res.status, 400, JSON.stringify(body));
    const problem = await res.json();
    assert.equal(problem.type, "urn:oslo-edge:problem:validation");
    assert.ok(
      problem.errors.some((e: { path: string }) => e.path === path),
      JSON.stringify(problem.errors),
    );
  }
});

Deno.test("POST /v1/limits/claims reserves, then commit and release settle by claim id", async () => {
  const deps = limitDeps({ registeredLimits: { cores: 4 } });
  const app = devApp(deps);
  const creds = member("p");
  const made = await app.request(
    "/v1/limits/claims",
    post({ projectId: "p", deltas: { cores: 3 }, credentials: creds }),
  );
  assert.equal(made.status, 201);
  const claim = await made.json();
  assert.equal(claim.projectId, "p");
  assert.deepEqual(claim.deltas, { cores: 3 });
  assert.ok(Date.parse(claim.expiresAt) > Date.now());
  assert.equal(
    made.headers.get("Location"),
    `/v1/limits/claims/${encodeURIComponent(claim.claimId)}`,
  );

  // The reservation counts for checks and for the next claim.
  const over = await app.request(
    "/v1/limits/claims",
    post({ projectId: "p", deltas: { cores: 2 }, credentials: creds }),
  );
  assert.equal(over.status, 403);
  assert.deepEqual((await over.json()).overLimitInfoList, [{
    resourceName: "cores",
    limit: 4,
    currentUsage: 3,
    delta: 2,
  }]);

  const commit = await app.request(
    `/v1/limits/claims/${claim.claimId}/commit`,
    post({ credentials: creds }),
  );
  assert.equal(commit.status, 204);
  const again = await app.request(
    `/v1/limits/claims/${claim.claimId}/commit`,
    post({ credentials: creds }),
  );
  assert.equal(again.status, 404);
  assert.equal((await again.json()).type, "urn:oslo-edge:problem:limit-claim-not-found");

  const second = await (await app.request(
    "/v1/limits/claims",
    post({ projectId: "p", deltas: { cores: 1 }, credentials: creds }),
  )).json();
  // Another project's member may not release it; the project's own may.
  const denied = await app.request(
    `/v1/limits/claims/${second.claimId}/release`,
    post({ credentials: member("q") }),
  );
  assert.equal(denied.status, 403);
  const released = await app.request(
    `/v1/limits/claims/${second.claimId}/release`,
    post({ credentials: creds }),
  );
  assert.equal(released.status, 204);
  assert.deepEqual(await deps.store.usageCallback("p", ["cores"]), { cores: 3 });
  assert.deepEqual(deps.decisions.filter((d) => d.includes("release")), [
    "limit:release deny",
    "limit:release allow",
  ]);

  const usage = await app.request(
    "/v1/limits/usage",
    post({ projectId: "p", resources: ["cores"], credentials: creds }),
  );
  assert.deepEqual(await usage.json(), {
    projectId: "p",
    usage: { cores: { limit: 4, usage: 3 } },
  });
});

Deno.test("POST /v1/limits/claims/{id}/commit takes no body, and 404s an id it never issued", async () => {
  // An operator's policy file opens claims to everyone (rules overridden like any oslo.policy rule).
  const deps = limitDeps(
    { registeredLimits: { cores: 4 } },
    '"limit:claim": ""\n"limit:commit": ""\n',
  );
  const app = devApp(deps);
  const claim =
    await (await app.request("/v1/limits/claims", post({ projectId: "p", deltas: { cores: 1 } })))
      .json();
  assert.equal(
    (await app.request(`/v1/limits/claims/${claim.claimId}/commit`, { method: "POST" })).status,
    204,
  );
  const bogus = await app.request("/v1/limits/claims/not-a-claim/commit", { method: "POST" });
  assert.equal(bogus.status, 404);
});

Deno.test("limits routes take the caller from the verified token, never from the body, when auth is on", async () => {
  const key = await makeKey("ES256");
  const verify = await createVerifier({
    publicKey: key.spki,
    issuer: "idp",
    audience: ["edge"],
    algorithms: ["ES256"],
  });
  const deps = limitDeps({ registeredLimits: { cores: 4 } });
  const app = createApp({ verify, maxBodySize: 114688, schemas: {}, limits: deps });
  const token = await signToken(key, { sub: "u", project_id: "q", roles: ["member"] }, {
    issuer: "idp",
    audience: "edge",
  });
  const auth = { Authorization: `Bearer ${token}` };
  // A body that carries credentials is refused, as on every other route.
  const res = await app.request(
    "/v1/limits/check",
    post({ projectId: "p", deltas: { cores: 1 }, credentials: { roles: ["admin"] } }, auth),
  );
  assert.equal(res.status, 400);
  const refused = await res.json();
  assert.equal(refused.type, "urn:oslo-edge:problem:validation");
  assert.match(refused.detail, /Cannot take credentials from the request body/);
  assert.deepEqual(deps.decisions, [], "refused before any policy decision");
  const other = await app.request(
    "/v1/limits/check",
    post({ projectId: "p", deltas: { cores: 1 } }, auth),
  );
  assert.equal(other.status, 403);
  assert.equal((await other.json()).type, "urn:oslo-edge:problem:policy-not-authorized");
  const own = await app.request(
    "/v1/limits/check",
    post({ projectId: "q", deltas: { cores: 1 } }, auth),
  );
  assert.equal(own.status, 200);
  assert.equal(
    (await app.request("/v1/limits/check", post({ projectId: "q", deltas: { cores: 1 } }))).status,
    401,
  );
});

Deno.test("createService() in dev mode serves /v1/limits from the embedded sample limits", async () => {
  const service = await createService({ args: ["--dev"], env: {} });
  try {
    assert.ok(service.warnings.some((w) => /Limits: the embedded sample/.test(w)));
    const demo = { roles: ["member"], project_id: "demo" };
    const ok = await service.app.request(
      "/v1/limits/check",
      post({ projectId: "demo", deltas: { cores: 8 }, credentials: demo }),
    );
    assert.equal(ok.status, 200);
    const over = await service.app.request(
      "/v1/limits/check",
      post({ projectId: "demo", deltas: { cores: 9 }, credentials: demo }),
    );
    assert.equal(over.status, 403);
    assert.equal((await over.json()).overLimitInfoList[0].limit, 8);
  } finally {
    await service.close();
  }
});

Deno.test("createService() reads [oslo_limit] limits_file and names a bad one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/limits.yaml`, "registeredLimits:\n  cores: lots\n");
    await assert.rejects(
      createService({ args: ["--dev"], env: { OS_OSLO_LIMIT__LIMITS_FILE: `${dir}/limits.yaml` } }),
      (e: unknown) => {
        assert.equal((e as Error).name, "StartupError");
        assert.match(
          (e as Error).message,
          /limits\.yaml:2:10: registeredLimits\.cores: expected an integer limit/,
        );
        return true;
      },
    );
    await assert.rejects(
      createService({ args: ["--dev"], env: { OS_OSLO_LIMIT__USAGE_BUCKET: "usage" } }),
      /usage_bucket without \[oslo_limit\] transport_url/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("limits routes answer 503 limit-keystone while Keystone is unreachable, guessing no model", async () => {
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = closed.addr.port;
  closed.close();
  const source = new KeystoneLimitSource(
    new KeystoneClient({ authUrl: `http://127.0.0.1:${port}`, userId: "u", password: "p" }),
    { endpointId: "ep" },
  );
  const backend = new MemoryUsageBackend();
  const ref: { enforcer?: Enforcer } = {};
  const store = new UsageStore(backend, { scopeOf: (p) => ref.enforcer!.usageScope(p) });
  const enforcer = ref.enforcer = new Enforcer(store.usageCallback, {
    limits: source,
    treeUsage: store.treeUsage,
  });
  const app = devApp({ enforcer, store, policy: new policy.Enforcer({ onWarning: () => {} }) });
  const admin = { roles: ["admin"] };
  for (const path of ["/v1/limits/check", "/v1/limits/claims", "/v1/limits/usage/adjust"]) {
    const r = await app.request(
      path,
      post({ projectId: "p", deltas: { cores: 1 }, credentials: admin }),
    );
    assert.equal(r.status, 503, path);
    const problem = await r.json();
    assert.equal(problem.type, "urn:oslo-edge:problem:limit-keystone", path);
    assert.match(problem.detail, new RegExp(`127\\.0\\.0\\.1:${port}`));
  }
  assert.equal((await backend.read(`u.${btoa("p").replace(/=+$/, "")}`)).revision, 0);
  await assert.rejects(
    enforcer.model(),
    (e: unknown) => e instanceof KeystoneError && e.status === 0,
  );
});
