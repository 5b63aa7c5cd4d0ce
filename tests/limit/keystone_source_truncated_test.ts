/**
 * KeystoneLimitSource against a stand-in that answers as Keystone does when
 * its `list_limit` cuts a list short (`"truncated": true`), over real HTTP on
 * loopback. (tests/limit/keystone_source_test.ts runs a real Keystone.)
 */
import assert from "node:assert/strict";
import { KeystoneClient, KeystoneLimitSource, LimitSourceError } from "../../lib/limit/mod.ts";

/**
 * Keystone's answers for the paths a snapshot reads; `truncate` names
 * collections cut short; `read` records the paths asked for.
 */
function standIn(truncate: Set<string>, model = "flat") {
  const read: string[] = [];
  const rows: Record<string, unknown[]> = {
    registered_limits: [{ resource_name: "cores", default_limit: 20 }],
    limits: [{ resource_name: "cores", resource_limit: 8, project_id: "p1", domain_id: null }],
    projects: [{ id: "p1", parent_id: "default", is_domain: false }],
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname.replace(/^\/v3/, "");
    read.push(path);
    if (path === "/auth/tokens" && req.method === "POST") {
      const expires_at = new Date(Date.now() + 3_600_000).toISOString();
      return Response.json({ token: { expires_at } }, {
        status: 201,
        headers: { "X-Subject-Token": "tok" },
      });
    }
    if (path === "/endpoints/ep") {
      return Response.json({ endpoint: { service_id: "nova", region_id: "RegionOne" } });
    }
    if (path === "/limits/model") return Response.json({ model: { name: model } });
    const collection = path.slice(1);
    if (rows[collection]) {
      return Response.json({
        [collection]: rows[collection],
        links: { self: req.url, next: null, previous: null },
        ...(truncate.has(collection) ? { truncated: true } : {}),
      });
    }
    return Response.json({ error: { message: "not found" } }, { status: 404 });
  });
  const source = new KeystoneLimitSource(
    new KeystoneClient({
      authUrl: `http://127.0.0.1:${server.addr.port}`,
      userId: "u",
      password: "p",
    }),
    { endpointId: "ep" },
  );
  return { source, read, [Symbol.asyncDispose]: () => server.shutdown() };
}

Deno.test("KeystoneLimitSource.snapshot() reads whole lists when Keystone does not truncate", async () => {
  await using ks = standIn(new Set(), "strict_two_level");
  assert.deepEqual(await ks.source.snapshot(), {
    model: "strict-two-level",
    registeredLimits: { cores: 20 },
    projectLimits: { p1: { cores: 8 } },
    parents: { p1: "default" },
  });
});

Deno.test("KeystoneLimitSource.snapshot() under flat reads no projects and carries no parents", async () => {
  // Flat keeps usage per project: nothing needs the hierarchy, and a truncated projects list cannot fail it.
  await using ks = standIn(new Set(["projects"]));
  assert.deepEqual(await ks.source.snapshot(), {
    model: "flat",
    registeredLimits: { cores: 20 },
    projectLimits: { p1: { cores: 8 } },
  });
  assert.ok(!ks.read.includes("/projects"), ks.read.join(" "));
});

Deno.test("KeystoneLimitSource refuses a list Keystone truncated, naming it and list_limit", async () => {
  for (
    const [collection, section] of [
      ["limits", "unified_limit"],
      ["registered_limits", "unified_limit"],
      ["projects", "resource"],
    ] as const
  ) {
    await using ks = standIn(new Set([collection]), "strict_two_level");
    await assert.rejects(ks.source.snapshot(), (e: unknown) => {
      assert.ok(e instanceof LimitSourceError, String(e));
      assert.equal(e.field, collection);
      assert.match(
        e.message,
        new RegExp(
          `^Cannot load limits from Keystone at http://127\\.0\\.0\\.1:\\d+/v3: ${collection}: Keystone truncated the list of ${collection} \\(GET /${collection}\\): its \\[DEFAULT\\] list_limit \\(or \\[${section}\\] list_limit\\) is set`,
        ),
      );
      return true;
    });
  }
  // Lookups of one limit, and children lists, refuse a truncated answer too.
  await using ks = standIn(new Set(["limits", "projects"]));
  await assert.rejects(ks.source.projectLimit("p1", "cores"), /truncated the list of limits/);
  await assert.rejects(ks.source.childrenOf("default"), /truncated the list of projects/);
  assert.equal(await ks.source.registeredLimit("cores"), 20);
});
