/**
 * The strict-two-level rules of lib/limit against a real Keystone configured
 * with `[unified_limit] enforcement_model = strict_two_level`: limits are
 * created (and updated) in random order in domain → project trees, and
 * Keystone's accept/refuse must match what validateLimitsData() says of the
 * same limits. The three corner cases where lib/limit deliberately differs are
 * pinned in their own test.
 */
import assert from "node:assert/strict";
import { validateLimitsData } from "../../lib/limit/mod.ts";
import { KeystoneApiError, type KeystoneServer, startKeystone } from "../_support/keystone.ts";
import { prng } from "./_oracle.ts";

type Id = { id: string };

async function create<T>(ks: KeystoneServer, path: string, key: string, body: unknown): Promise<T> {
  const res = await ks.api<Record<string, T>>("POST", path, { [key]: body });
  return res[key]!;
}

/** Keystone's answer: true when it stored the limit, false when it refused it as invalid. */
async function keystoneAccepts(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (e) {
    if (e instanceof KeystoneApiError && e.status === 403) {
      assert.match(e.message, /doesn't satisfy current hierarchy model/);
      return false;
    }
    throw e;
  }
}

interface Tree {
  registered: number;
  limits: Map<string, number>; // project or domain id → limit
  parents: Record<string, string>;
}

function oursAccept(tree: Tree, resource: string, id: string, value: number): boolean {
  const projectLimits: Record<string, Record<string, number>> = {};
  for (const [pid, v] of tree.limits) projectLimits[pid] = { [resource]: v };
  projectLimits[id] = { [resource]: value };
  const { issues } = validateLimitsData({
    model: "strict-two-level",
    registeredLimits: { [resource]: tree.registered },
    projectLimits,
    parents: tree.parents,
  });
  return issues.length === 0;
}

Deno.test({
  name: "validateLimitsData() accepts and refuses strict-two-level limits as Keystone does",
  sanitizeResources: false,
  async fn() {
    await using ks = await startKeystone({ enforcementModel: "strict_two_level" });
    const service = await create<Id>(ks, "/services", "service", { type: "compute", name: "nova" });
    const rand = prng(42);
    const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    let accepted = 0, refused = 0;
    for (let c = 0; c < 10; c++) {
      const resource = `cores_${c}`;
      const registered = int(1, 20);
      await create(ks, "/registered_limits", "registered_limits", [
        { service_id: service.id, resource_name: resource, default_limit: registered },
      ]);
      const domain = await create<Id>(ks, "/domains", "domain", { name: `d${c}` });
      const projects: string[] = [];
      for (let p = 0; p < int(1, 3); p++) {
        projects.push(
          (await create<Id>(ks, "/projects", "project", {
            name: `p${c}_${p}`,
            domain_id: domain.id,
          }))
            .id,
        );
      }
      const tree: Tree = {
        registered,
        limits: new Map(),
        parents: Object.fromEntries(projects.map((p) => [p, domain.id])),
      };
      const limitIds = new Map<string, string>();
      for (let op = 0; op < 8; op++) {
        const target = rand() < 0.3 ? domain.id : projects[int(0, projects.length - 1)]!;
        const value = int(1, 30);
        const isDomain = target === domain.id;
        const existing = limitIds.get(target);
        const what = `case ${c} op ${op}: ${existing ? "update" : "create"} ${
          isDomain ? "domain" : "project"
        } limit ${value} (registered ${registered}, limits ${JSON.stringify([...tree.limits])})`;
        const theirs = await keystoneAccepts(async () => {
          if (existing) {
            await ks.api("PATCH", `/limits/${existing}`, { limit: { resource_limit: value } });
          } else {
            const made = await create<Id[]>(ks, "/limits", "limits", [{
              service_id: service.id,
              resource_name: resource,
              resource_limit: value,
              ...(isDomain ? { domain_id: target } : { project_id: target }),
            }]);
            limitIds.set(target, made[0]!.id);
          }
        });
        assert.equal(oursAccept(tree, resource, target, value), theirs, what);
        if (theirs) {
          tree.limits.set(target, value);
          accepted++;
        } else refused++;
      }
    }
    // Both answers must occur often enough for the comparison to mean something.
    assert.ok(accepted > 25 && refused > 10, `accepted ${accepted}, refused ${refused}`);
  },
});

Deno.test({
  name: "validateLimitsData() differs from Keystone only in its three documented corner cases",
  sanitizeResources: false,
  async fn() {
    await using ks = await startKeystone({ enforcementModel: "strict_two_level" });
    const service = await create<Id>(ks, "/services", "service", { type: "compute", name: "nova" });
    const registered = 10;
    await create(ks, "/registered_limits", "registered_limits", [
      { service_id: service.id, resource_name: "cores", default_limit: registered },
    ]);
    const limit = (target: Record<string, string>, value: number) =>
      keystoneAccepts(() =>
        create(ks, "/limits", "limits", [{
          service_id: service.id,
          resource_name: "cores",
          resource_limit: value,
          ...target,
        }])
      );
    const ours = (projectLimits: Record<string, number>, parents: Record<string, string>) =>
      validateLimitsData({
        model: "strict-two-level",
        registeredLimits: { cores: registered },
        projectLimits: Object.fromEntries(
          Object.entries(projectLimits).map(([k, v]) => [k, { cores: v }]),
        ),
        parents,
      }).issues.length === 0;

    // 1. A parent limit of 0: Keystone skips the check (0 is falsy); lib/limit refuses 5 > 0.
    const d1 = await create<Id>(ks, "/domains", "domain", { name: "zero" });
    const p1 = await create<Id>(ks, "/projects", "project", { name: "z", domain_id: d1.id });
    assert.equal(await limit({ domain_id: d1.id }, 0), true);
    assert.equal(await limit({ project_id: p1.id }, 5), true);
    assert.equal(ours({ [d1.id]: 0, [p1.id]: 5 }, { [p1.id]: d1.id }), false);

    // 2. A parent of -1 (unlimited): Keystone refuses any child limit (5 > -1); lib/limit accepts.
    const d2 = await create<Id>(ks, "/domains", "domain", { name: "unlimited" });
    const p2 = await create<Id>(ks, "/projects", "project", { name: "u", domain_id: d2.id });
    assert.equal(await limit({ domain_id: d2.id }, -1), true);
    assert.equal(await limit({ project_id: p2.id }, 5), false);
    assert.equal(ours({ [d2.id]: -1, [p2.id]: 5 }, { [p2.id]: d2.id }), true);

    // 3. A sub-project: Keystone checks it against the registered default, not its parent.
    const d3 = await create<Id>(ks, "/domains", "domain", { name: "deep" });
    const a = await create<Id>(ks, "/projects", "project", { name: "a", domain_id: d3.id });
    const a1 = await create<Id>(ks, "/projects", "project", {
      name: "a1",
      domain_id: d3.id,
      parent_id: a.id,
    });
    assert.equal(await limit({ project_id: a.id }, 4), true);
    assert.equal(await limit({ project_id: a1.id }, 8), true);
    assert.equal(ours({ [a.id]: 4, [a1.id]: 8 }, { [a.id]: d3.id, [a1.id]: a.id }), false);
    // ... and Keystone refuses a third level of projects, as lib/limit does.
    await assert.rejects(
      create(ks, "/projects", "project", { name: "a11", domain_id: d3.id, parent_id: a1.id }),
      /Max hierarchy depth reached/,
    );
    assert.equal(ours({}, { x: a1.id, [a1.id]: a.id, [a.id]: d3.id }), false);
  },
});
