import assert from "node:assert/strict";
import {
  type HealthcheckResult,
  keystoneCheck,
  opaCheck,
  resultFor,
} from "../../lib/health/mod.ts";
import { createService } from "../../functions/service.ts";
import { startKeystone } from "../_support/keystone.ts";
import { waitFor } from "../_support/wait.ts";

const probe = async (p: ReturnType<typeof opaCheck>): Promise<HealthcheckResult> =>
  resultFor(await p.probe(AbortSignal.timeout(10_000)), 0);

/**
 * A STAND-IN for OPA (no OPA binary can be installed here), following OPA's
 * documented Health API: GET /health → 200 `{}` when the server is up;
 * with `?bundles`, 500 `{"code": "internal_error", ...}` until every bundle is
 * activated. When a real `opa` is on PATH, the tests run against it too.
 */
function startOpaStandIn(state: { bundlesActivated: boolean }) {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const url = new URL(req.url);
    seen.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname !== "/health") return new Response("{}", { status: 404 });
    if (url.searchParams.has("bundles") && !state.bundlesActivated) {
      return Response.json({
        code: "internal_error",
        message: "one or more bundles are not activated",
      }, {
        status: 500,
      });
    }
    return Response.json({});
  });
  return { server, seen, url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}` };
}

Deno.test("opaCheck() reads OPA's /health, with ?bundles when asked (against an OPA stand-in)", async () => {
  const state = { bundlesActivated: false };
  const opa = startOpaStandIn(state);
  try {
    const plain = await probe(opaCheck({ url: opa.url }));
    assert.equal(plain.available, true);
    assert.match(
      plain.details!,
      /^OPA at http:\/\/127\.0\.0\.1:\d+\/health is healthy \(\d+ ms\)$/,
    );
    const bundles = opaCheck({ url: `${opa.url}/`, bundles: true });
    assert.deepEqual(await probe(bundles), {
      available: false,
      reason: "OPA UNAVAILABLE",
      details:
        `GET ${opa.url}/health answered 500: internal_error: one or more bundles are not activated`,
    });
    state.bundlesActivated = true;
    assert.equal((await probe(bundles)).available, true);
    assert.deepEqual(opa.seen, [
      "GET /health",
      "GET /health?bundles=true",
      "GET /health?bundles=true",
    ]);
  } finally {
    await opa.server.shutdown();
  }
  const gone = await probe(opaCheck({ url: opa.url }));
  assert.equal(gone.reason, "OPA UNAVAILABLE");
  assert.match(gone.details!, /^GET http:\/\/127\.0\.0\.1:\d+\/health failed: /);
});

Deno.test({
  name: "opaCheck() against a real opa server when one is on PATH",
  ignore: !(() => {
    try {
      return new Deno.Command("opa", { args: ["version"], stdout: "null", stderr: "null" })
        .outputSync().success;
    } catch {
      return false;
    }
  })(),
  async fn() {
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (l.addr as Deno.NetAddr).port;
    l.close();
    const child = new Deno.Command("opa", {
      args: ["run", "--server", `--addr=127.0.0.1:${port}`],
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      const plugin = opaCheck({ url: `http://127.0.0.1:${port}` });
      await waitFor(async () => (await probe(plugin)).available, { what: "opa up" });
    } finally {
      child.kill("SIGTERM");
      await child.status;
    }
  },
});

Deno.test("keystoneCheck() against a real Keystone: /v3, the root's version list, 404, and the server gone", async () => {
  const ks = await startKeystone();
  let url: string;
  try {
    url = ks.url;
    const v3 = await probe(keystoneCheck({ url: `${url}/v3` }));
    assert.equal(v3.available, true);
    assert.match(
      v3.details!,
      /^Keystone v3\.\d+ \(stable\) at http:\/\/127\.0\.0\.1:\d+\/v3 answered in \d+ ms$/,
    );
    const root = await probe(keystoneCheck({ url: `${url}/` }));
    assert.equal(root.available, true, root.details);
    assert.match(root.details!, /v3\.\d+ \(stable\)/);
    const wrong = await probe(keystoneCheck({ url: `${url}/v3/nothing-here` }));
    assert.equal(wrong.available, false);
    assert.match(wrong.details!, /answered 404 without a version document$/);

    // Through the service: backends = keystone
    const service = await createService({
      args: ["--dev"],
      env: {
        OS_HEALTHCHECK__BACKENDS: "keystone",
        OS_HEALTHCHECK__KEYSTONE_URL: `${url}/v3`,
        OS_HEALTHCHECK__DETAILED: "true",
      },
    });
    try {
      const res = await service.app.request("/healthcheck", {
        headers: { Accept: "application/json" },
      });
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.reasons[0].reason, "OK");
      assert.equal(body.checks[0].name, "keystone");
    } finally {
      await service.close();
    }
  } finally {
    await ks[Symbol.asyncDispose]();
  }
  const gone = await probe(keystoneCheck({ url: `${url}/v3` }));
  assert.equal(gone.reason, "KEYSTONE UNAVAILABLE");
  assert.match(gone.details!, /failed: /);
});
