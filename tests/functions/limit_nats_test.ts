import assert from "node:assert/strict";
import { createService } from "../../functions/service.ts";
import { LimitsPublisher } from "../../lib/limit/mod.ts";
import { connectTransport } from "../../lib/messaging/mod.ts";
import { natsTest, startLeafTopology } from "../_support/nats_server.ts";

const post = (body: unknown) => ({
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(body),
});

natsTest(
  "createService() at two edge sites: replicated limits, claims counted once at the hub",
  async () => {
    await using topo = await startLeafTopology({ leaves: 2, jetstream: true });
    await using central = await connectTransport(topo.hub.url);
    await (await LimitsPublisher.open(central, { bucket: "limits" })).publish({
      registeredLimits: { cores: 3 },
    });
    const edge = (url: string) =>
      createService({
        args: ["--dev"],
        env: {
          OS_OSLO_LIMIT__TRANSPORT_URL: `${url}/`,
          OS_OSLO_LIMIT__LIMITS_BUCKET: "limits",
          OS_OSLO_LIMIT__USAGE_BUCKET: "usage",
        },
      });
    const a = await edge(topo.leaves[0]!.url);
    const b = await edge(topo.leaves[1]!.url);
    try {
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
    } finally {
      await a.close();
      await b.close();
    }
  },
);

natsTest(
  "POST /v1/limits/usage/adjust at one site frees usage the other site's claims see (KV store)",
  async () => {
    await using topo = await startLeafTopology({ leaves: 2, jetstream: true });
    await using central = await connectTransport(topo.hub.url);
    await (await LimitsPublisher.open(central, { bucket: "limits" })).publish({
      registeredLimits: { cores: 3 },
    });
    const edge = (url: string) =>
      createService({
        args: ["--dev"],
        env: {
          OS_OSLO_LIMIT__TRANSPORT_URL: `${url}/`,
          OS_OSLO_LIMIT__LIMITS_BUCKET: "limits",
          OS_OSLO_LIMIT__USAGE_BUCKET: "usage",
        },
      });
    const a = await edge(topo.leaves[0]!.url);
    const b = await edge(topo.leaves[1]!.url);
    try {
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
    } finally {
      await a.close();
      await b.close();
    }
  },
);
