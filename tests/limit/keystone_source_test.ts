/**
 * lib/limit against a real Keystone (tests/_support/keystone.ts): limits
 * created through Keystone's API are enforced, scoped to the configured
 * endpoint's service and region; password and application-credential auth;
 * endpoint discovery and its errors; a changed limit is seen once the cache
 * expires; strict-two-level with Keystone's own hierarchy.
 */
import assert from "node:assert/strict";
import { ConfigOpts } from "../../lib/config/mod.ts";
import {
  EndpointNotFoundError,
  Enforcer,
  KeystoneAuthError,
  type KeystoneAuthOptions,
  KeystoneClient,
  KeystoneLimitSource,
  keystoneSourceFromOptions,
  LIMIT_OPTS,
  ProjectOverLimit,
} from "../../lib/limit/mod.ts";
import { type KeystoneServer, startKeystone } from "../_support/keystone.ts";
import { waitFor } from "../_support/wait.ts";

type Id = { id: string };

async function post<T = Id>(
  ks: KeystoneServer,
  path: string,
  key: string,
  body: unknown,
): Promise<T> {
  return (await ks.api<Record<string, T>>("POST", path, { [key]: body }))[key]!;
}

/** nova (compute) with a public endpoint in RegionOne, and its registered limits. */
async function setUpNova(ks: KeystoneServer, registered: Record<string, number>) {
  const nova = await post(ks, "/services", "service", { type: "compute", name: "nova" });
  const endpoint = await post(ks, "/endpoints", "endpoint", {
    service_id: nova.id,
    interface: "public",
    region_id: "RegionOne",
    url: "http://nova.example/",
  });
  await post(
    ks,
    "/registered_limits",
    "registered_limits",
    Object.entries(registered).map(
      ([name, v]) => ({
        service_id: nova.id,
        region_id: "RegionOne",
        resource_name: name,
        default_limit: v,
      }),
    ),
  );
  return { nova, endpoint };
}

function adminAuth(ks: KeystoneServer): KeystoneAuthOptions {
  return {
    authUrl: ks.admin.authUrl,
    username: ks.admin.username,
    password: ks.admin.password,
    userDomainId: ks.admin.userDomainId,
    systemScope: "all",
  };
}

const usageOf =
  (table: Record<string, Record<string, number>>) => (pid: string | null, names: string[]) =>
    Object.fromEntries(names.map((n) => [n, table[pid ?? ""]?.[n] ?? 0]));

async function over(p: Promise<void>) {
  const e = await p.then(() => undefined, (x) => x);
  assert.ok(e instanceof ProjectOverLimit, `expected ProjectOverLimit, got ${e}`);
  return e.overLimitInfoList.map((i) => ({ ...i }));
}

Deno.test({
  name: "KeystoneLimitSource reads limits from a real Keystone (flat)",
  sanitizeResources: false,
  async fn(t) {
    await using ks = await startKeystone();
    const { nova, endpoint } = await setUpNova(ks, { cores: 20, ram_mb: 1000 });
    // Same resource names for another service and another region: never used for nova/RegionOne.
    const cinder = await post(ks, "/services", "service", { type: "volumev3", name: "cinder" });
    await post(ks, "/regions", "region", { id: "RegionTwo" });
    await post(ks, "/registered_limits", "registered_limits", [
      { service_id: cinder.id, region_id: "RegionOne", resource_name: "cores", default_limit: 99 },
      { service_id: nova.id, region_id: "RegionTwo", resource_name: "cores", default_limit: 77 },
    ]);
    const demo = await post(ks, "/projects", "project", { name: "demo", domain_id: "default" });
    const other = await post(ks, "/projects", "project", { name: "other", domain_id: "default" });
    const [demoCores] = await post<Id[]>(ks, "/limits", "limits", [
      {
        service_id: nova.id,
        region_id: "RegionOne",
        project_id: demo.id,
        resource_name: "cores",
        resource_limit: 8,
      },
      {
        service_id: cinder.id,
        region_id: "RegionOne",
        project_id: demo.id,
        resource_name: "cores",
        resource_limit: 50,
      },
    ]);
    const usage = usageOf({ [demo.id]: { cores: 0 }, [other.id]: { cores: 0, ram_mb: 600 } });

    await t.step("Enforcer.enforce() applies limits created through Keystone's API", async () => {
      const source = new KeystoneLimitSource(new KeystoneClient(adminAuth(ks)), {
        endpointId: endpoint.id,
      });
      assert.equal(await source.model(), "flat");
      const e = new Enforcer(usage, { limits: source, onMissingLimit: () => {} });
      await e.enforce(demo.id, { cores: 8 });
      assert.deepEqual(await over(e.enforce(demo.id, { cores: 9 })), [
        { resourceName: "cores", limit: 8, currentUsage: 0, delta: 9 },
      ]);
      await e.enforce(other.id, { cores: 20, ram_mb: 400 });
      assert.deepEqual(await over(e.enforce(other.id, { cores: 21, ram_mb: 401, gpus: 1 })), [
        { resourceName: "cores", limit: 20, currentUsage: 0, delta: 21 },
        { resourceName: "gpus", limit: 0, currentUsage: 0, delta: 1 },
        { resourceName: "ram_mb", limit: 1000, currentUsage: 600, delta: 401 },
      ]);
      assert.deepEqual(await e.getRegisteredLimits(["ram_mb", "cores", "gpus"]), [
        ["ram_mb", 1000],
        ["cores", 20],
        ["gpus", 0],
      ]);
      // Cached: the same checks again ask Keystone nothing.
      const before = e.stats().sourceLookups;
      await e.enforce(demo.id, { cores: 8 });
      assert.equal(e.stats().sourceLookups, before);
    });

    await t.step(
      "KeystoneLimitSource discovers the endpoint from service name, type and region",
      async () => {
        const client = new KeystoneClient(adminAuth(ks));
        const found = await new KeystoneLimitSource(client, {
          endpointServiceName: "nova",
          endpointRegionName: "RegionOne",
          endpointInterface: "publicURL",
        }).endpoint();
        assert.deepEqual(found, { serviceId: nova.id, regionId: "RegionOne" });
        assert.equal(
          await new KeystoneLimitSource(client, { endpointServiceType: "compute" }).projectLimit(
            demo.id,
            "cores",
          ),
          8,
        );
      },
    );

    await t.step("KeystoneLimitSource names what it cannot find", async () => {
      const client = new KeystoneClient(adminAuth(ks));
      const fails = async (o: ConstructorParameters<typeof KeystoneLimitSource>[1], re: RegExp) => {
        await assert.rejects(
          new KeystoneLimitSource(client, o).registeredLimit("cores"),
          (e: unknown) => {
            assert.ok(e instanceof EndpointNotFoundError);
            assert.equal(e.code, "ERR_LIMIT_ENDPOINT");
            assert.match(e.message, re);
            return true;
          },
        );
      };
      await fails(
        { endpointId: "nope" },
        /Can't find endpoint for nope \(\[oslo_limit\] endpoint_id\)/,
      );
      await fails(
        { endpointServiceType: "image" },
        /Service not found for \[oslo_limit\] endpoint_service_type = image/,
      );
      await fails(
        { endpointServiceName: "nova", endpointRegionName: "Nowhere" },
        /Region not found: .*Nowhere/,
      );
      await fails(
        { endpointServiceName: "nova", endpointInterface: "admin" },
        /Endpoint not found for .*interface admin/,
      );
      await post(ks, "/services", "service", { type: "compute", name: "nova-legacy" });
      await fails({ endpointServiceType: "compute" }, /Multiple services found/);
      assert.throws(() => new KeystoneLimitSource(client, {}), /set \[oslo_limit\] endpoint_id/);
    });

    await t.step("KeystoneClient authenticates with an application credential", async () => {
      const projectScoped = new KeystoneClient({
        authUrl: ks.admin.authUrl,
        username: ks.admin.username,
        password: ks.admin.password,
        userDomainId: ks.admin.userDomainId,
        projectName: ks.admin.projectName,
        projectDomainId: ks.admin.projectDomainId,
      });
      const users = await ks.api<{ users: Id[] }>("GET", "/users?name=admin");
      const res = await fetch(`${ks.url}/v3/users/${users.users[0]!.id}/application_credentials`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-Auth-Token": await projectScoped.token(),
        },
        body: JSON.stringify({ application_credential: { name: "oslo-limit" } }),
      });
      const cred = (await res.json()).application_credential as { id: string; secret: string };
      assert.equal(res.status, 201);
      const source = new KeystoneLimitSource(
        new KeystoneClient({
          authUrl: ks.url,
          applicationCredentialId: cred.id,
          applicationCredentialSecret: cred.secret,
        }),
        { endpointId: endpoint.id },
      );
      // Application credentials are project-scoped, and Keystone shows a project-scoped
      // token only its own project's limits: enforcing across projects needs a system scope.
      const projects = await ks.api<{ projects: Id[] }>("GET", "/projects?name=admin");
      const adminProject = projects.projects[0]!.id;
      await post(ks, "/limits", "limits", [
        {
          service_id: nova.id,
          region_id: "RegionOne",
          project_id: adminProject,
          resource_name: "cores",
          resource_limit: 3,
        },
      ]);
      assert.equal(await source.projectLimit(adminProject, "cores"), 3);
      assert.equal(await source.projectLimit(demo.id, "cores"), undefined);
      assert.equal(await source.registeredLimit("ram_mb"), 1000);
    });

    await t.step("KeystoneClient gets a new token when Keystone revokes its token", async () => {
      const client = new KeystoneClient(adminAuth(ks));
      const source = new KeystoneLimitSource(client, { endpointId: endpoint.id });
      assert.equal(await source.registeredLimit("cores"), 20);
      const first = await client.token();
      const revoked = await fetch(`${ks.url}/v3/auth/tokens`, {
        method: "DELETE",
        headers: { "X-Auth-Token": await ks.adminToken(), "X-Subject-Token": first },
      });
      assert.equal(revoked.status, 204);
      assert.equal(await source.registeredLimit("ram_mb"), 1000);
      assert.notEqual(await client.token(), first);
    });

    await t.step("KeystoneClient reports refused credentials without the secret", async () => {
      const source = new KeystoneLimitSource(
        new KeystoneClient({ ...adminAuth(ks), password: "wrong-s3cret" }),
        { endpointId: endpoint.id },
      );
      await assert.rejects(source.registeredLimit("cores"), (e: unknown) => {
        assert.ok(e instanceof KeystoneAuthError);
        assert.equal(e.status, 401);
        assert.match(
          e.message,
          /refused the \[oslo_limit\] credentials \(password of user admin\): 401/,
        );
        assert.ok(!e.message.includes("wrong-s3cret"));
        return true;
      });
    });

    await t.step("keystoneSourceFromOptions() builds the source from [oslo_limit]", async () => {
      const conf = new ConfigOpts().register(LIMIT_OPTS);
      await conf.load({
        env: false,
        texts: [{
          name: "nova.conf",
          text: `[oslo_limit]
auth_type = password
auth_url = ${ks.admin.authUrl}
username = admin
password = ${ks.admin.password}
user_domain_id = default
system_scope = all
endpoint_id = ${endpoint.id}
`,
        }],
      });
      const source = keystoneSourceFromOptions(conf.group(LIMIT_OPTS));
      assert.equal(await source.projectLimit(demo.id, "cores"), 8);
    });

    await t.step("Enforcer sees a changed project limit once its cache expires", async () => {
      const source = new KeystoneLimitSource(new KeystoneClient(adminAuth(ks)), {
        endpointId: endpoint.id,
      });
      const e = new Enforcer(usage, { limits: source, cache: { ttl: 3000 } });
      await e.enforce(demo.id, { cores: 8 });
      await ks.api("PATCH", `/limits/${demoCores!.id}`, { limit: { resource_limit: 5 } });
      await e.enforce(demo.id, { cores: 8 }); // still the cached 8
      const seen = await waitFor(
        () => e.enforce(demo.id, { cores: 8 }).then(() => undefined, (x) => x),
        { timeout: 20_000, interval: 250, what: "the new limit of 5" },
      );
      assert.ok(seen instanceof ProjectOverLimit);
      assert.equal(seen.overLimitInfoList[0]!.limit, 5);
    });
  },
});

Deno.test({
  name: "Enforcer enforces strict-two-level with Keystone's hierarchy and domain limits",
  sanitizeResources: false,
  async fn() {
    await using ks = await startKeystone({ enforcementModel: "strict_two_level" });
    const { nova, endpoint } = await setUpNova(ks, { cores: 10 });
    const dom = await post(ks, "/domains", "domain", { name: "edge" });
    const a = await post(ks, "/projects", "project", { name: "a", domain_id: dom.id });
    const b = await post(ks, "/projects", "project", { name: "b", domain_id: dom.id });
    await post(ks, "/limits", "limits", [
      {
        service_id: nova.id,
        region_id: "RegionOne",
        domain_id: dom.id,
        resource_name: "cores",
        resource_limit: 10,
      },
      {
        service_id: nova.id,
        region_id: "RegionOne",
        project_id: a.id,
        resource_name: "cores",
        resource_limit: 6,
      },
    ]);
    const source = new KeystoneLimitSource(new KeystoneClient(adminAuth(ks)), {
      endpointId: endpoint.id,
    });
    const e = new Enforcer(usageOf({ [a.id]: { cores: 5 }, [b.id]: { cores: 4 } }), {
      limits: source,
    });
    assert.equal(await e.model(), "strict-two-level");
    await e.enforce(a.id, { cores: 1 }); // a: 6 ≤ 6; domain: 10 ≤ 10
    assert.deepEqual(await over(e.enforce(a.id, { cores: 2 })), [
      { resourceName: "cores", limit: 6, currentUsage: 5, delta: 2 },
    ]);
    // b is under its default of 10, but the domain's tree would reach 11.
    assert.deepEqual(await over(e.enforce(b.id, { cores: 2 })), [
      { resourceName: "cores", limit: 10, currentUsage: 9, delta: 2, limitProjectId: dom.id },
    ]);
    // The snapshot replicated to edge sites carries the hierarchy and gives the same answers.
    const snapshot = await source.snapshot();
    assert.equal(snapshot.model, "strict-two-level");
    assert.deepEqual(snapshot.projectLimits, { [dom.id]: { cores: 10 }, [a.id]: { cores: 6 } });
    assert.equal(snapshot.parents?.[a.id], dom.id);
    assert.equal(snapshot.parents?.[b.id], dom.id);
    const edge = new Enforcer(usageOf({ [a.id]: { cores: 5 }, [b.id]: { cores: 4 } }), {
      limits: snapshot,
    });
    assert.deepEqual(await over(edge.enforce(b.id, { cores: 2 })), [
      { resourceName: "cores", limit: 10, currentUsage: 9, delta: 2, limitProjectId: dom.id },
    ]);
  },
});
