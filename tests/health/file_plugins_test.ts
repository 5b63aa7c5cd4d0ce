import assert from "node:assert/strict";
import {
  disableByFile,
  disableByFilesPorts,
  enableByFiles,
  HealthConfigError,
  parsePortPaths,
  resultFor,
} from "../../lib/health/mod.ts";

const signal = () => AbortSignal.timeout(5000);

Deno.test("disableByFile() follows the file: absent, present, removed, and unset", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const warnings: string[] = [];
    const plugin = disableByFile({ path: `${dir}/off`, warn: (m) => warnings.push(m) });
    assert.deepEqual(await plugin.probe(signal()), {
      available: true,
      reason: "OK",
      details: `Path '${dir}/off' was not found`,
    });
    await Deno.mkdir(`${dir}/off`); // a directory counts too (os.path.exists)
    assert.equal(((await plugin.probe(signal())) as { available: boolean }).available, false);
    await Deno.remove(`${dir}/off`);
    assert.equal(((await plugin.probe(signal())) as { reason: string }).reason, "OK");
    assert.equal(warnings.length, 0);

    const unset = disableByFile({ warn: (m) => warnings.push(m) });
    assert.deepEqual(await unset.probe(signal()), {
      available: true,
      reason: "OK",
      details: "No 'disable_by_file_path' configuration value specified",
    });
    assert.match(warnings[0]!, /without disable_by_file_path set/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("disableByFile() treats a dangling symlink as absent", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.symlink(`${dir}/nowhere`, `${dir}/link`);
    const r = await disableByFile({ path: `${dir}/link` }).probe(signal());
    assert.equal((r as { available: boolean }).available, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("disableByFilesPorts() answers per port and warns once for an unmapped port", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/81`, "");
    const warnings: string[] = [];
    const plugin = disableByFilesPorts({
      paths: [`80:${dir}/80`, ` 81:${dir}/81 `, "", "82:"],
      warn: (m) => warnings.push(m),
    });
    const obs = await plugin.probe(signal());
    assert.deepEqual(resultFor(obs, 80), { available: true, reason: "OK" });
    assert.deepEqual(resultFor(obs, 81), { available: false, reason: "DISABLED BY FILE" });
    assert.deepEqual(resultFor(obs, 82), { available: true, reason: "OK" }, "empty path: not set");
    resultFor(obs, 82);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /for port 82$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parsePortPaths() splits on the first colon and names the option on bad items", () => {
  assert.deepEqual([...parsePortPaths(["5000:C:/x", "35357:/y", "5000:/z"])], [[5000, "/z"], [
    35357,
    "/y",
  ]]);
  assert.throws(() => parsePortPaths(["/no/port"]), (e: unknown) => {
    assert.ok(e instanceof HealthConfigError);
    assert.equal(e.option, "healthcheck/disable_by_file_paths");
    assert.match(e.message, /Invalid item "\/no\/port".*expected port:path/);
    return true;
  });
  assert.throws(() => parsePortPaths(["http:/x"]), HealthConfigError);
});

Deno.test("enableByFiles() fails on the first missing path, as oslo.middleware's later releases", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a`, "");
    const plugin = enableByFiles({ paths: [`${dir}/a`, `${dir}/b`, `${dir}/c`] });
    assert.deepEqual(await plugin.probe(signal()), {
      available: false,
      reason: "FILE PATH MISSING",
      details: `File path ${dir}/b is missing`,
    });
    await Deno.writeTextFile(`${dir}/b`, "");
    await Deno.writeTextFile(`${dir}/c`, "");
    assert.deepEqual(await plugin.probe(signal()), {
      available: true,
      reason: "OK",
      details: "Specified file paths are available",
    });
    assert.equal(
      ((await enableByFiles({ paths: [] }).probe(signal())) as { reason: string }).reason,
      "OK",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
