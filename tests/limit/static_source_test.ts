import assert from "node:assert/strict";
import {
  LimitSourceError,
  loadLimitsFile,
  parseLimitsYaml,
  StaticLimitSource,
  validateLimitsData,
} from "../../lib/limit/mod.ts";

const testdata = new URL("../testdata/limit/", import.meta.url).pathname;

function sourceError(fn: () => unknown, expect: { line?: number; field?: string; match: RegExp }) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof LimitSourceError, `expected LimitSourceError, got ${e}`);
    assert.equal(e.code, "ERR_LIMIT_SOURCE");
    if (expect.line !== undefined) assert.equal(e.line, expect.line);
    if (expect.field !== undefined) assert.equal(e.field, expect.field);
    assert.match(e.message, expect.match);
    return true;
  });
}

Deno.test("loadLimitsFile() reads a YAML file of registered and project limits", async () => {
  const src = await loadLimitsFile(`${testdata}limits.yaml`);
  assert.equal(src.model(), "flat");
  assert.equal(src.registeredLimit("cores"), 20);
  assert.equal(src.projectLimit("demo", "cores"), 8);
  assert.equal(src.projectLimit("demo", "instances"), -1);
  assert.equal(src.projectLimit("other", "cores"), undefined);
  assert.match(src.description, /limits\.yaml/);
  assert.deepEqual(src.toJSON().projectLimits, { demo: { cores: 8, instances: -1 } });
});

Deno.test("loadLimitsFile() names the file, line and field of a bad limit", async () => {
  const err = await loadLimitsFile(`${testdata}bad_limit.yaml`).catch((e) => e);
  assert.ok(err instanceof LimitSourceError);
  assert.equal(err.line, 6);
  assert.equal(err.column, 13);
  assert.equal(err.field, "projectLimits.demo.ram_mb");
  assert.match(
    err.message,
    /bad_limit\.yaml:6:13: projectLimits\.demo\.ram_mb: expected an integer limit, got 1\.5/,
  );
});

Deno.test("loadLimitsFile() says when the file cannot be read", async () => {
  await assert.rejects(
    loadLimitsFile(`${testdata}missing.yaml`),
    /Cannot load limits from .*missing\.yaml: cannot read the file/,
  );
});

Deno.test("parseLimitsYaml() reports YAML syntax errors and duplicate keys with their line", () => {
  sourceError(() => parseLimitsYaml("registeredLimits:\n  cores: [1\n", "x.yaml"), {
    line: 3,
    match: /x\.yaml:3/,
  });
  sourceError(() => parseLimitsYaml("registeredLimits:\n  cores: 1\n  cores: 2\n", "x.yaml"), {
    line: 3,
    match: /unique/i,
  });
});

Deno.test("parseLimitsYaml() refuses unknown keys, limits out of range and bad shapes", () => {
  sourceError(() => parseLimitsYaml("registered_limits:\n  cores: 1\n"), {
    line: 1,
    field: "registered_limits",
    match: /unknown key; expected one of model, registeredLimits/,
  });
  sourceError(() => parseLimitsYaml("registeredLimits:\n  cores: -2\n"), {
    line: 2,
    match: /limit -2 is out of range: use -1 \(unlimited\) to 2147483647/,
  });
  sourceError(() => parseLimitsYaml("projectLimits: [a]\n"), {
    line: 1,
    match: /expected a mapping/,
  });
  sourceError(() => parseLimitsYaml("model: tree\n"), { line: 1, match: /unknown model "tree"/ });
  sourceError(() => parseLimitsYaml("- 1\n"), {
    match: /expected a mapping with registeredLimits/,
  });
});

Deno.test("parseLimitsYaml() accepts an empty document as no limits", () => {
  const src = parseLimitsYaml("# nothing yet\n");
  assert.equal(src.registeredLimit("cores"), undefined);
});

Deno.test("StaticLimitSource() validates objects too, naming the field", () => {
  sourceError(
    () => new StaticLimitSource({ registeredLimits: { cores: "1" as unknown as number } }),
    {
      field: "registeredLimits.cores",
      match: /<object>: registeredLimits\.cores: expected an integer limit, got "1"/,
    },
  );
});

Deno.test("StaticLimitSource() refuses a strict-two-level child above its parent, with the line", async () => {
  const err = await loadLimitsFile(`${testdata}strict_over_parent.yaml`).catch((e) => e);
  assert.ok(err instanceof LimitSourceError);
  assert.equal(err.line, 8);
  assert.match(
    err.message,
    /projectLimits\.a\.cores: limit 30 is above the limit 20 of parent "dom"/,
  );
});

Deno.test("validateLimitsData() applies the strict-two-level rules", () => {
  const issues = (data: Parameters<typeof validateLimitsData>[0]) =>
    validateLimitsData({ model: "strict-two-level", ...(data as object) }).issues.map((i) =>
      i.message
    );
  // A parent without its own limit has the registered default.
  assert.match(
    issues({
      registeredLimits: { c: 10 },
      projectLimits: { a: { c: 11 } },
      parents: { a: "d" },
    })[0]!,
    /above the limit 10 of parent "d" \(the registered default\)/,
  );
  // Overcommit is fine: children may sum above the parent.
  assert.deepEqual(
    issues({
      projectLimits: { d: { c: 10 }, a: { c: 10 }, b: { c: 10 } },
      parents: { a: "d", b: "d" },
    }),
    [],
  );
  // -1 on either side never conflicts.
  assert.deepEqual(
    issues({
      projectLimits: { d: { c: -1 }, a: { c: 5 }, b: { c: -1 } },
      parents: { a: "d", b: "d" },
    }),
    [],
  );
  // A sub-project is bounded by every ancestor.
  assert.match(
    issues({
      registeredLimits: { c: 100 },
      projectLimits: { d: { c: 5 }, a1: { c: 8 } },
      parents: { a: "d", a1: "a" },
    })[0]!,
    /limit 8 is above the limit 5 of ancestor "d"/,
  );
  // Three levels of projects below a root are too many; cycles are refused.
  assert.match(
    issues({ parents: { c: "b", b: "a", a: "d" } })[0]!,
    /too deep for strict-two-level: c → b → a → d/,
  );
  assert.match(issues({ parents: { a: "b", b: "a" } })[0]!, /cycle/);
  // The flat model does not check any of it.
  assert.deepEqual(
    validateLimitsData({
      projectLimits: { a: { c: 11 } },
      registeredLimits: { c: 1 },
      parents: { a: "d" },
    }).issues,
    [],
  );
});
