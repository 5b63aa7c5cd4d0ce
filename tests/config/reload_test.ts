import assert from "node:assert/strict";
import {
  boolOpt,
  type ConfigChange,
  type ConfigLogger,
  ConfigOpts,
  intOpt,
  optGroup,
  type ReloadEvent,
  strOpt,
} from "../../lib/config/mod.ts";

function recorder(): ConfigLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    error: (m) => lines.push(m),
  };
}

const OPTS = optGroup("DEFAULT", [
  boolOpt("debug", { default: false, mutable: true }),
  intOpt("mut", { mutable: true }),
  intOpt("imm"),
  strOpt("token", { secret: true, mutable: true }),
  strOpt("must", { required: true, mutable: true }),
]);

async function setup(text: string) {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/svc.conf`;
  await Deno.writeTextFile(path, text);
  const log = recorder();
  const conf = await new ConfigOpts({ logger: log }).register(OPTS).load({
    args: ["--config-file", path],
    env: false,
  });
  return {
    dir,
    path,
    conf,
    log,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("ConfigOpts.reload() applies mutable changes, calls hooks with old and new, ignores immutable ones", async () => {
  await using s = await setup("[DEFAULT]\nmut = 1\nimm = 1\nmust = x\n");
  const calls: ConfigChange[][] = [];
  s.conf.registerMutateHook((changes) => void calls.push([...changes]));
  await Deno.writeTextFile(s.path, "[DEFAULT]\nmut = 2\nimm = 2\nmust = x\ndebug = true\n");
  const event = await s.conf.reload();
  assert.equal(event.ok, true);
  assert.equal(s.conf.get("DEFAULT", "mut"), 2);
  assert.equal(s.conf.get("DEFAULT", "debug"), true);
  assert.equal(s.conf.get("DEFAULT", "imm"), 1);
  assert.deepEqual(calls[0]?.map((c) => [c.name, c.old, c.new]), [["debug", false, true], [
    "mut",
    1,
    2,
  ]]);
  assert.deepEqual(event.ignored, ["DEFAULT.imm"]);
  assert.deepEqual(s.log.lines, [
    "Option DEFAULT.debug changed from [False] to [True]",
    "Option DEFAULT.mut changed from [1] to [2]",
    "Ignoring change to immutable option DEFAULT.imm",
  ]);
  assert.deepEqual(s.conf.location("DEFAULT", "mut"), { kind: "user", detail: s.path, line: 2 });
  const status = s.conf.reloadStatus();
  assert.equal(status.reloads, 1);
  assert.equal(status.changesApplied, 2);
  assert.equal(status.last, event);
});

Deno.test("ConfigOpts.reload() keeps the old values when the files are broken or a required option goes", async () => {
  await using s = await setup("[DEFAULT]\nmut = 1\nmust = x\n");
  const events: ReloadEvent[] = [];
  s.conf.onReload((e) => events.push(e));
  await Deno.writeTextFile(s.path, "[DEFAULT]\nmut = 2\nbroken line\n");
  let event = await s.conf.reload();
  assert.equal(event.ok, false);
  assert.match(event.error ?? "", /at line 3, No ':' or '=' found in assignment/);
  assert.equal(s.conf.get("DEFAULT", "mut"), 1);
  await Deno.writeTextFile(s.path, "[DEFAULT]\nmut = 2\n");
  event = await s.conf.reload();
  assert.equal(event.ok, false);
  assert.match(event.error ?? "", /DEFAULT\/must/);
  assert.equal(s.conf.get("DEFAULT", "mut"), 1);
  await Deno.remove(s.path);
  assert.equal((await s.conf.reload()).ok, false);
  assert.equal(events.length, 3);
  assert.deepEqual(s.conf.reloadStatus().failedReloads, 3);
  assert.match(s.log.lines[0] ?? "", /^Caught Error while reloading configure files: /);
});

Deno.test("ConfigOpts.reload() masks secret values in its log and hands them to hooks", async () => {
  await using s = await setup("[DEFAULT]\ntoken = old-s3cret\nmust = x\n");
  let seen: ConfigChange | undefined;
  s.conf.registerMutateHook((changes) => void (seen = changes[0]));
  await Deno.writeTextFile(s.path, "[DEFAULT]\ntoken = new-s3cret\nmust = x\n");
  const event = await s.conf.reload();
  assert.equal(s.log.lines[0], "Option DEFAULT.token changed from [****] to [****]");
  assert.doesNotMatch(JSON.stringify(event.messages), /s3cret/);
  assert.equal(seen?.new, "new-s3cret");
  assert.equal(seen?.secret, true);
});

Deno.test("ConfigOpts.reload() calls share one run, and a failing hook does not undo the reload", async () => {
  await using s = await setup("[DEFAULT]\nmut = 1\nmust = x\n");
  s.conf.registerMutateHook(() => {
    throw new Error("hook broke");
  });
  await Deno.writeTextFile(s.path, "[DEFAULT]\nmut = 5\nmust = x\n");
  const [a, b] = await Promise.all([s.conf.reload(), s.conf.reload()]);
  assert.equal(a, b);
  assert.equal(a?.ok, true);
  assert.equal(s.conf.get("DEFAULT", "mut"), 5);
  assert.ok(s.log.lines.includes("A config mutate hook failed: hook broke"));
  assert.equal(s.conf.reloadStatus().reloads, 1);
});

Deno.test("ConfigOpts.reload() leaves values from config-source drivers as they were", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/DEFAULT.mut`, "7");
    const path = `${dir}/svc.conf`;
    await Deno.writeTextFile(
      path,
      `[DEFAULT]\nmust = x\nconfig_source = m\n[m]\ndriver = secrets_dir\npath = ${dir}\n`,
    );
    const conf = await new ConfigOpts({ logger: recorder() }).register(OPTS).load({
      args: ["--config-file", path],
      env: false,
    });
    assert.equal(conf.get("DEFAULT", "mut"), 7);
    await Deno.writeTextFile(`${dir}/DEFAULT.mut`, "8");
    assert.equal((await conf.reload()).ok, true);
    assert.equal(conf.get("DEFAULT", "mut"), 7);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
