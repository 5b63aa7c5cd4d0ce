import assert from "node:assert/strict";
import { KeystoneApiError, startKeystone } from "./keystone.ts";

Deno.test("startKeystone() serves v3 with a bootstrap admin and stops by PID", async () => {
  const ks = await startKeystone({ enforcementModel: "strict_two_level" });
  let pid: number | undefined;
  try {
    pid = ks.pid;
    assert.ok(pid);
    const model = await ks.api<{ model: { name: string } }>("GET", "/limits/model");
    assert.equal(model.model.name, "strict_two_level");
    const eps = await ks.api<{ endpoints: { url: string }[] }>("GET", "/endpoints");
    assert.equal(eps.endpoints.length, 3);
    for (const e of eps.endpoints) assert.equal(e.url, `${ks.url}/v3/`);
    // The token is fetched once and reused.
    assert.equal(await ks.adminToken(), await ks.adminToken());
    await assert.rejects(ks.api("GET", "/projects/nope"), (e: unknown) => {
      assert.ok(e instanceof KeystoneApiError);
      assert.equal(e.status, 404);
      assert.match(e.message, /Could not find project/);
      return true;
    });
  } finally {
    await ks[Symbol.asyncDispose]();
  }
  assert.throws(() => Deno.kill(pid!, "SIGCONT"));
  await assert.rejects(fetch(`${ks.url}/v3`));
});
