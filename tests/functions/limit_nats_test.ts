import assert from "node:assert/strict";
import { createService } from "../../functions/service.ts";
import {
  Enforcer,
  LimitsPublisher,
  MemoryUsageBackend,
  ReplicatedLimitSource,
  UsageStore,
} from "../../lib/limit/mod.ts";
import { connectTransport } from "../../lib/messaging/mod.ts";
import * as policy from "../../lib/policy/mod.ts";
import { natsTest, startLeafTopology } from "../_support/nats_server.ts";
import { devApp, PROBLEM } from "./_limit.ts";

const post = (body: unknown) => ({
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(body),
});

/**
 * Two edge sites' services (`createService`, dev mode) on the two leaves of a
 * hub with JetStream, sharing KV buckets `limits` and `usage`, with
 * `registeredLimits` published at the hub; disposal closes them, then the hub.
 */
async function twoSites(registeredLimits: Record<string, number>) {
  await using stack = new AsyncDisposableStack();
  const topo = stack.use(await startLeafTopology({ leaves: 2, jetstream: true }));
  const central = stack.use(await connectTransport(topo.hub.url));
  await (await LimitsPublisher.open(central, { bucket: "limits" })).publish({ registeredLimits });
  const edge = async (url: string) => {
    const service = await createService({
      args: ["--dev"],
      env: {
        OS_OSLO_LIMIT__TRANSPORT_URL: `${url}/`,
        OS_OSLO_LIMIT__LIMITS_BUCKET: "limits",
        OS_OSLO_LIMIT__USAGE_BUCKET: "usage",
      },
    });
    stack.defer(() => service.close());
    return service;
  };
  const a = await edge(topo.leaves[0]!.url);
  const b = await edge(topo.leaves[1]!.url);
  const owned = stack.move();
  return { a, b, [Symbol.asyncDispose]: () => owned.disposeAsync() };
}

natsTest(
  "createService() at two edge sites: replicated limits, claims counted once at the hub",
  async () => {
    await using sites = await twoSites({ cores: 3 });
    const { a, b } = sites;
    const admin = { roles: ["admin"] };
    const claim = await a.app.request(
      "/v1/limits/claims",
      post({ projectId: "p", deltas: { cores: 2 }, credentials: admin }),
    );
    assert.equal(claim.status, 201);
    const { claimId } = await claim.json();
    const over = await b.app.request(
      "/v1/limits/claims",
      post({ projectId: "p", deltas: { cores: 2 }, credentials: admin }),
    );
    assert.equal(over.status, 403);
    assert.equal((await over.json()).overLimitInfoList[0].currentUsage, 2);
    // Site b commits the claim site a made.
    assert.equal(
      (await b.app.request(`/v1/limits/claims/${claimId}/commit`, post({ credentials: admin })))
        .status,
      204,
    );
    const usage = await a.app.request(
      "/v1/limits/usage",
      post({ projectId: "p", resources: ["cores"], credentials: admin }),
    );
    assert.deepEqual((await usage.json()).usage, { cores: { limit: 3, usage: 2 } });
  },
);

natsTest(
  "POST /v1/limits/usage/adjust at one site frees usage the other site's claims see (KV store)",
  async () => {
    await using sites = await twoSites({ cores: 3 });
    const { a, b } = sites;
    const admin = { roles: ["admin"] };
    const claim = async (site: typeof a, cores: number) =>
      await site.app.request(
        "/v1/limits/claims",
        post({ projectId: "p", deltas: { cores }, credentials: admin }),
      );
    const made = await claim(a, 3);
    assert.equal(made.status, 201);
    const { claimId } = await made.json();
    const commit = await a.app.request(
      `/v1/limits/claims/${claimId}/commit`,
      post({ credentials: admin }),
    );
    assert.equal(commit.status, 204);
    const full = await claim(b, 1);
    assert.equal(full.status, 403);
    await full.body?.cancel();
    // Site b is told a resource of 2 cores was deleted.
    const member = { roles: ["member"], project_id: "p" };
    const denied = await b.app.request(
      "/v1/limits/usage/adjust",
      post({ projectId: "p", deltas: { cores: -2 }, credentials: member }),
    );
    assert.equal(denied.status, 403);
    await denied.body?.cancel();
    const freed = await b.app.request(
      "/v1/limits/usage/adjust",
      post({ projectId: "p", deltas: { cores: -2 }, credentials: admin }),
    );
    assert.equal(freed.status, 200);
    assert.deepEqual(await freed.json(), { projectId: "p", committed: { cores: 1 } });
    // Site a sees the freed usage: 1 + 2 fits, 1 + 3 does not.
    const again = await claim(a, 2);
    assert.equal(again.status, 201);
    await again.body?.cancel();
    const over = await claim(a, 1);
    assert.equal(over.status, 403);
    assert.equal((await over.json()).overLimitInfoList[0].currentUsage, 3);
    const floor = await a.app.request(
      "/v1/limits/usage/adjust",
      post({ projectId: "p", deltas: { cores: -10 }, credentials: admin }),
    );
    assert.deepEqual(await floor.json(), { projectId: "p", committed: { cores: 0 } });
  },
);

natsTest(
  "limits routes answer 503 limit-not-ready until replicated limits arrive, deciding nothing",
  async () => {
    await using topo = await startLeafTopology({ leaves: 1, jetstream: true });
    await using central = await connectTransport(topo.hub.url);
    await using edge = await connectTransport(topo.leaves[0]!.url);
    await using src = await ReplicatedLimitSource.open(edge, { bucket: "limits" });
    const backend = new MemoryUsageBackend();
    const ref: { enforcer?: Enforcer } = {};
    const store = new UsageStore(backend, { scopeOf: (p) => ref.enforcer!.usageScope(p) });
    const enforcer = ref.enforcer = new Enforcer(store.usageCallback, {
      limits: src,
      treeUsage: store.treeUsage,
    });
    const app = devApp({ enforcer, store, policy: new policy.Enforcer({ onWarning: () => {} }) });
    const admin = { roles: ["admin"] };
    const routes: [string, Record<string, unknown>][] = [
      ["/v1/limits/check", { projectId: "p", deltas: { cores: 1 } }],
      ["/v1/limits/claims", { projectId: "p", deltas: { cores: 1 } }],
      ["/v1/limits/usage", { projectId: "p", resources: ["cores"] }],
      ["/v1/limits/usage/adjust", { projectId: "p", deltas: { cores: 1 } }],
    ];
    for (const [path, body] of routes) {
      const r = await app.request(path, post({ ...body, credentials: admin }));
      assert.equal(r.status, 503, path);
      assert.equal(r.headers.get("Content-Type"), PROBLEM);
      const problem = await r.json();
      assert.equal(problem.type, "urn:oslo-edge:problem:limit-not-ready", path);
      assert.match(problem.detail, /^Cannot decide limits: no limits received yet from limits/);
    }
    assert.equal((await backend.read(`u.${btoa("p").replace(/=+$/, "")}`)).revision, 0);
    const applied = new Promise((resolve) => src.onChange(resolve));
    await (await LimitsPublisher.open(central, { bucket: "limits" })).publish({
      registeredLimits: { cores: 1 },
    });
    await applied;
    const check = await app.request(
      "/v1/limits/check",
      post({ ...routes[0]![1], credentials: admin }),
    );
    assert.equal(check.status, 200);
    assert.deepEqual(await check.json(), { allowed: true });
  },
);
