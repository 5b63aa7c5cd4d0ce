import assert from "node:assert/strict";
import { parseVersion, versionIsCompatible } from "../../lib/messaging/mod.ts";

const versions = ["1.0", "1.1", "1.3", "1.3.1", "1.3.2", "1.10", "2.0", "2.0.5", "0.9"];

Deno.test("versionIsCompatible() agrees with oslo.messaging's version_is_compatible", async () => {
  const pairs = versions.flatMap((a) => versions.map((b) => [a, b]));
  const script = `
import json, sys
from oslo_messaging import _utils
pairs = json.load(sys.stdin)
print(json.dumps([_utils.version_is_compatible(a, b) for a, b in pairs]))
`;
  const child = new Deno.Command("/usr/bin/python3", {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(JSON.stringify(pairs)));
  await w.close();
  const out = await child.output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const oracle = JSON.parse(new TextDecoder().decode(out.stdout)) as boolean[];
  const ours = pairs.map(([a, b]) => versionIsCompatible(a, b));
  assert.deepEqual(ours, oracle);
  assert.ok(oracle.includes(true) && oracle.includes(false));
});

Deno.test("versionIsCompatible() accepts anything without an implemented version", () => {
  assert.equal(versionIsCompatible(undefined, "7.1"), true);
  assert.equal(versionIsCompatible("1.0", undefined), false);
});

Deno.test("parseVersion() refuses text without major and minor", () => {
  assert.deepEqual(parseVersion("1.2"), [1, 2, 0]);
  for (const bad of ["1", "a.b", "1.2.3.4", ""]) {
    assert.throws(() => parseVersion(bad), (e) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /major and minor integer/);
      return true;
    });
  }
});
