import assert from "node:assert/strict";
import { HealthMonitor, resultFor, statusCheck } from "../../lib/health/mod.ts";
import { createService } from "../../functions/service.ts";

const at = (s: string) => new Date(`2026-01-01T00:${s}Z`);
const probe = async (p: ReturnType<typeof statusCheck>) =>
  resultFor(await p.probe(AbortSignal.timeout(5000)), 0);

Deno.test("statusCheck() reports not loaded, loaded, and a failed reload that keeps the old version", async () => {
  assert.deepEqual(await probe(statusCheck("policy", () => ({ loaded: false }))), {
    available: false,
    reason: "POLICY NOT LOADED",
    details: "Nothing loaded yet",
  });
  assert.deepEqual(
    await probe(statusCheck("policy", () => ({
      loaded: false,
      source: "policy.yaml",
      lastError: { at: at("00:01"), message: "policy.yaml:3: cannot parse rule" },
    }))),
    {
      available: false,
      reason: "POLICY NOT LOADED",
      details:
        "Loading from policy.yaml failed at 2026-01-01T00:00:01.000Z: policy.yaml:3: cannot parse rule",
    },
  );
  assert.deepEqual(
    await probe(
      statusCheck(
        "config",
        () =>
          Promise.resolve({ loaded: true, loadedAt: at("00:02"), source: "a.conf", reloads: 1 }),
      ),
    ),
    {
      available: true,
      reason: "OK",
      details: "Loaded at 2026-01-01T00:00:02.000Z from a.conf, 1 reload",
    },
  );
  const failedReload = await probe(statusCheck("config", () => ({
    loaded: true,
    loadedAt: at("00:02"),
    source: "a.conf",
    lastError: { at: at("00:09"), message: "a.conf:7: invalid value" },
  })));
  assert.equal(failedReload.available, true);
  assert.equal(failedReload.reason, "CONFIG RELOAD FAILED");
  assert.match(
    failedReload.details!,
    /Serving the version loaded at .*00:02.* the reload at .*00:09.*invalid value/,
  );
  const errorBeforeLoad = await probe(statusCheck("config", () => ({
    loaded: true,
    loadedAt: at("00:10"),
    lastError: { at: at("00:09"), message: "old" },
  })));
  assert.equal(errorBeforeLoad.reason, "OK", "an error older than the version in use is over");
});

Deno.test("statusCheck() in a monitor: a throwing or hanging provider is unavailable, never a hang", async () => {
  await using monitor = new HealthMonitor([
    statusCheck("policy", () => {
      throw new Error("policy engine not wired");
    }),
    statusCheck("config", () => new Promise(() => {})),
  ], { timeout: 50 });
  await monitor.start();
  assert.deepEqual(monitor.results(0), [
    { available: false, reason: "POLICY NOT LOADED", details: "policy engine not wired" },
    { available: false, reason: "CONFIG NOT LOADED", details: "No answer within 0.05 s" },
  ]);
});

Deno.test("the service's config backend names the files it loaded", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/edge.conf`;
    await Deno.writeTextFile(file, "[healthcheck]\nbackends = config\ndetailed = true\n");
    const service = await createService({ args: ["--dev", "--config-file", file], env: {} });
    try {
      const res = await service.app.request("/healthcheck", {
        headers: { Accept: "application/json" },
      });
      const body = await res.json();
      assert.equal(res.status, 200);
      assert.match(body.reasons[0].details, new RegExp(`^Loaded at .* from ${file}, 0 reloads$`));
    } finally {
      await service.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
