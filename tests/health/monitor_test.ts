import assert from "node:assert/strict";
import { HealthMonitor, type HealthPlugin } from "../../lib/health/mod.ts";
import { waitFor } from "../_support/wait.ts";

function counting(name: string, kind: "file" | "dependency" = "dependency") {
  let calls = 0;
  const plugin: HealthPlugin = {
    name,
    kind,
    probe: () => Promise.resolve({ available: true, reason: "OK", details: `call ${++calls}` }),
  };
  return { plugin, calls: () => calls };
}

Deno.test("HealthMonitor.start() gives every plugin a first result, in backends order", async () => {
  await using monitor = new HealthMonitor([counting("a").plugin, counting("b", "file").plugin]);
  assert.deepEqual(monitor.results(80).map((r) => r.reason), ["PENDING", "PENDING"]);
  await monitor.start();
  assert.deepEqual(monitor.names, ["a", "b"]);
  assert.deepEqual(monitor.results(80).map((r) => r.details), ["call 1", "call 1"]);
  const views = monitor.checks(80);
  assert.equal(views[1]!.kind, "file");
  assert.ok(views[0]!.checkedAt instanceof Date);
  assert.ok(views[0]!.ageSeconds! >= 0);
});

Deno.test("HealthMonitor refreshes in the background, files and dependencies at their own pace", async () => {
  const fast = counting("file", "file"), slow = counting("dep");
  await using monitor = new HealthMonitor([fast.plugin, slow.plugin], {
    fileInterval: 20,
    interval: 60_000,
  });
  await monitor.start();
  await waitFor(() => fast.calls() >= 4, { what: "four file probes" });
  assert.equal(slow.calls(), 1, "the dependency waits for its own interval");
});

Deno.test("HealthMonitor never makes a reader wait on a slow probe", async () => {
  let release!: () => void;
  let calls = 0;
  const slow: HealthPlugin = {
    name: "slow",
    kind: "dependency",
    failReason: "SLOW UNAVAILABLE",
    probe: () => {
      calls++;
      if (calls !== 2) return Promise.resolve({ available: true, reason: "OK" });
      return new Promise((resolve) => {
        release = () => resolve({ available: true, reason: "OK", details: "late" });
      });
    },
  };
  await using monitor = new HealthMonitor([slow], { interval: 10, timeout: 100 });
  await monitor.start();
  await waitFor(() => calls === 2, { what: "second probe started" });
  // While the probe hangs, results are read from memory: the last one, then the timeout's.
  assert.equal(monitor.results(80)[0]!.available, true);
  await waitFor(() => monitor.results(80)[0]!.reason === "SLOW UNAVAILABLE", {
    what: "timeout result",
  });
  assert.match(monitor.results(80)[0]!.details!, /No answer within 0.1 s/);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(calls, 2, "a hung probe is not started again until it settles");
  release();
  await waitFor(() => calls >= 3 && monitor.results(80)[0]!.available, { what: "recovery" });
});

Deno.test("HealthMonitor turns a throwing probe into an unavailable result with its message", async () => {
  const plugin: HealthPlugin = {
    name: "broken",
    kind: "dependency",
    probe: () => Promise.reject(new Error("boom at line 3")),
  };
  const seen: string[] = [];
  await using monitor = new HealthMonitor([plugin], {
    onResult: (name, r) => seen.push(`${name}:${r.reason}`),
  });
  await monitor.start();
  assert.deepEqual(monitor.results(80), [{
    available: false,
    reason: "CHECK FAILED",
    details: "boom at line 3",
  }]);
  assert.deepEqual(seen, ["broken:CHECK FAILED"]);
});

Deno.test("HealthMonitor.close() stops probing and closes plugins; liveness then fails", async () => {
  const c = counting("x", "file");
  let closed = false;
  const monitor = new HealthMonitor([{ ...c.plugin, close: () => void (closed = true) }], {
    fileInterval: 10,
  });
  await monitor.start();
  assert.equal(monitor.liveness().ok, true);
  await monitor.close();
  const n = c.calls();
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(c.calls(), n);
  assert.equal(closed, true);
  assert.equal(monitor.liveness().ok, false);
});

Deno.test("HealthMonitor.refresh() probes the named plugin now and keeps one schedule", async () => {
  const dep = counting("dep", "dependency");
  const other = counting("other", "dependency");
  await using monitor = new HealthMonitor([dep.plugin, other.plugin], { interval: 60_000 });
  await monitor.start();
  assert.equal(dep.calls(), 1);
  await monitor.refresh("dep");
  assert.equal(dep.calls(), 2, "probed at once, not after the 60 s interval");
  assert.equal(other.calls(), 1, "other plugins keep their turn");

  // Refreshes while a probe runs still leave one pending turn: ~3 turns of 100 ms follow.
  const paced = counting("paced", "dependency");
  await using m2 = new HealthMonitor([paced.plugin], { interval: 100 });
  await m2.start();
  for (let i = 0; i < 3; i++) {
    await Promise.all([m2.refresh("paced"), m2.refresh("paced"), m2.refresh("paced")]);
  }
  await new Promise((r) => setTimeout(r, 350));
  assert.ok(paced.calls() <= 14, `one schedule, not one per refresh (${paced.calls()} probes)`);
});

Deno.test("HealthMonitor onResult gets a per-port backend's result for each configured port", async () => {
  const seen: string[] = [];
  await using monitor = new HealthMonitor([{
    name: "ports",
    kind: "file",
    probe: () =>
      Promise.resolve({
        byPort: new Map([
          [5000, { available: true, reason: "OK" }],
          [35357, { available: false, reason: "DISABLED BY FILE" }],
        ]),
        otherPorts: { available: true, reason: "OK" },
      }),
  }], { onResult: (name, r, probe) => seen.push(`${name}:${probe.port}:${r.reason}`) });
  await monitor.start();
  assert.deepEqual(seen, ["ports:5000:OK", "ports:35357:DISABLED BY FILE"]);
});
