import assert from "node:assert/strict";
import { detailedReasons, jsonBody, plainBody, pythonJsonDumps } from "../../lib/health/mod.ts";
import { runPython } from "./_python.ts";

const VALUES: unknown[] = [
  { detailed: false, reasons: ["OK", "DISABLED BY FILE"] },
  { detailed: false, reasons: [] },
  {},
  [],
  { z: 1, a: [1, 2, { y: null, b: true }], m: 'tab\there "q" back\\slash' },
  { text: "é ü ß 中文 😀 \u007f \u0001 \u001f \n\r\b\f" },
  { nested: { deeper: { deepest: [[], {}, [[]]] } } },
  { "Z": 1, "a": 2, "_": 3, "B": 4 },
];

Deno.test("pythonJsonDumps() is json.dumps(indent=4, sort_keys=True) byte for byte", async () => {
  const theirs = await runPython<string[]>(
    "result = [json.dumps(v, indent=4, sort_keys=True) for v in data]",
    VALUES,
  );
  VALUES.forEach((v, i) => assert.equal(pythonJsonDumps(v), theirs[i], JSON.stringify(v)));
});

Deno.test("plainBody() renders oslo.middleware's text template, empty reasons included", async () => {
  const cases = [[], ["OK"], ["OK", "DISABLED BY FILE"], ["A", "", "B"], ["", "X"], ["X", ""], [
    " ",
  ]];
  const theirs = await runPython<string[]>(
    `from oslo_middleware.healthcheck import Healthcheck, _expand_template
result = [_expand_template(Healthcheck.PLAIN_RESPONSE_TEMPLATE, {"reasons": r, "detailed": False}).strip()
          for r in data]`,
    cases,
  );
  cases.forEach((reasons, i) =>
    assert.equal(
      plainBody(reasons.map((reason) => ({ available: true, reason }))),
      theirs[i],
      JSON.stringify(reasons),
    )
  );
});

Deno.test("jsonBody() keeps oslo's shape and puts runtime keys beside it when detailed", () => {
  const results = [
    { available: false, reason: "DISABLED BY FILE", details: "Path '/x' was found" },
    {
      available: true,
      reason: "OK",
    },
  ];
  assert.deepEqual(JSON.parse(jsonBody(results, { detailed: false })), {
    detailed: false,
    reasons: ["DISABLED BY FILE", "OK"],
  });
  const detailed = JSON.parse(
    jsonBody(results, { detailed: true, extra: { now: "x", detailed: 0 } }),
  );
  assert.equal(detailed.detailed, true, "extra cannot override detailed");
  assert.equal(detailed.now, "x");
  assert.deepEqual(detailed.reasons, detailedReasons(results));
  assert.deepEqual(detailed.reasons[1], { class: "HealthcheckResult", details: "", reason: "OK" });
});
