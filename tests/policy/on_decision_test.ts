import assert from "node:assert/strict";
import { Enforcer, PolicyNotAuthorized } from "../../lib/policy/mod.ts";

Deno.test("Enforcer onDecision tells a failed decision apart with info.error", async () => {
  const seen: string[] = [];
  const e = new Enforcer({
    policy: '"ok": "@"\n"unset": "opa:wasm:edge/allow"\n',
    defaults: [{ name: "remote", checkStr: "opa:edge/allow" }],
    services: {
      opa: {
        defaultEngine: "rest",
        engines: { rest: { evaluate: () => Promise.reject(new Error("connection refused")) } },
      },
    },
    onDecision: (rule, allowed, info) =>
      seen.push(
        `${rule}=${allowed}${info?.error ? ` error: ${(info.error as Error).message}` : ""}`,
      ),
    onWarning: () => {},
  });
  assert.equal(await e.enforce("ok"), true);
  assert.equal(await e.enforce("remote"), false, "fails closed");
  assert.equal(await e.enforce("unset"), false, "no wasm engine: fails closed at once");
  await assert.rejects(e.authorize("remote"), (err: unknown) => {
    assert.ok(err instanceof PolicyNotAuthorized);
    assert.match(err.message, /remote/);
    return true;
  });
  assert.equal(seen.length, 4, seen.join("\n"));
  assert.equal(seen[0], "ok=true");
  assert.match(seen[1]!, /^remote=false error: .*connection refused/);
  assert.match(seen[2]!, /^unset=false error: .*no OPA wasm engine is configured/);
  assert.match(seen[3]!, /^remote=false error: .*connection refused/);
});
