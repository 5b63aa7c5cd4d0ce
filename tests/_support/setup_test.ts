import assert from "node:assert/strict";

const here = new URL("./", import.meta.url).pathname;
const SETUP = `${here}setup.sh`;
const PIN = (await Deno.readTextFile(new URL("../../.ci/versions", import.meta.url)))
  .match(/^deno_version=(.+)$/m)?.[1];

/** Runs setup.sh with `args`; the Deno it sees is `deno`'s version (as `deno task` tells it). */
async function setup(
  args: string[],
  options: { deno?: string | undefined; env?: Record<string, string> } = {},
) {
  const out = await new Deno.Command("bash", {
    args: [SETUP, ...args],
    env: { npm_config_user_agent: `deno/${options.deno ?? PIN} npm/? linux`, ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A PATH dir of links to every command on PATH but `left`, as on a machine without them. */
async function pathWithout(left: string[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "setup-path-" });
  for (const from of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!from) continue;
    try {
      for await (const e of Deno.readDir(from)) {
        if (left.includes(e.name)) continue;
        await Deno.symlink(`${from}/${e.name}`, `${dir}/${e.name}`).catch(() => {});
      }
    } catch { /* no such dir */ }
  }
  return dir;
}

Deno.test("setup.sh is silent and succeeds when everything is present", async () => {
  assert.ok(PIN);
  for (let i = 0; i < 2; i++) {
    const r = await setup([]);
    assert.deepEqual(r, { code: 0, stdout: "", stderr: "" });
  }
});

Deno.test("setup.sh needs wrk only with --bench", async () => {
  const dir = await pathWithout(["wrk"]);
  try {
    const env = { PATH: `${dir}:/usr/sbin` };
    assert.deepEqual(await setup(["--check"], { env }), { code: 0, stdout: "", stderr: "" });
    const bench = await setup(["--bench", "--check"], { env });
    assert.equal(bench.code, 1);
    const lines = bench.stderr.trim().split("\n");
    assert.equal(lines.length, 1, bench.stderr);
    assert.match(
      lines[0] ?? "",
      /^setup: install the Debian packages .*\bwrk\b.* \(apt-get install -y /,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setup.sh warns in one line when the running Deno is not the pinned one", async () => {
  const r = await setup([], { deno: "2.0.0" });
  assert.equal(r.code, 0, "a warning, not a failure");
  assert.equal(r.stdout, "");
  assert.equal(
    r.stderr,
    `setup: warning: this is Deno 2.0.0 but .ci/versions pins ${PIN} (npx -y deno@${PIN} task ... runs the pinned one)\n`,
  );
});

Deno.test("setup.sh refuses an unknown argument", async () => {
  const r = await setup(["--bnech"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown argument "--bnech": use --bench and\/or --check/);
});

Deno.test("py_missing.py finds modules, dotted ones too, without importing them", async () => {
  const out = await new Deno.Command("/usr/bin/python3", {
    args: [
      "-X",
      "importtime",
      `${here}py_missing.py`,
      "oslo_config",
      "oslo_middleware.healthcheck",
      "oslo_middleware.no_such_module",
      "no_such_package",
      "json.decoder",
      "os.path.not_a_package",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.equal(out.code, 0);
  assert.equal(
    dec.decode(out.stdout),
    "oslo_middleware.no_such_module\nno_such_package\nos.path.not_a_package\n",
  );
  // -X importtime lists every module imported: none of the ones looked for.
  const imported = dec.decode(out.stderr);
  assert.match(imported, /importlib/, "importtime output is there");
  assert.doesNotMatch(imported, /oslo_middleware|oslo_config/);
});
