import assert from "node:assert/strict";
import {
  boolOpt,
  type ConfigChange,
  type ConfigLogger,
  ConfigOpts,
  type ConfigSourceDriver,
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

Deno.test("ConfigOpts.reload() queues one more run for a call made during a reload, so an edit in between is applied", async () => {
  await using s = await setup("[DEFAULT]\nmut = 1\nmust = x\n");
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  let entered!: () => void;
  const inHook = new Promise<void>((r) => entered = r);
  let calls = 0;
  s.conf.registerMutateHook(async () => {
    if (calls++ === 0) {
      entered();
      await gate; // the first reload has read its files and waits here
    }
  });
  s.conf.registerMutateHook(() => {
    throw new Error("hook broke");
  });
  await Deno.writeTextFile(s.path, "[DEFAULT]\nmut = 5\nmust = x\n");
  const first = s.conf.reload();
  await inHook;
  await Deno.writeTextFile(s.path, "[DEFAULT]\nmut = 6\nmust = x\n");
  const [second, third] = [s.conf.reload(), s.conf.reload()];
  assert.equal(second, third, "calls made during one reload share the queued one");
  release();
  const [a, b] = await Promise.all([first, second]);
  assert.notEqual(a, b);
  assert.deepEqual(a.changes.map((c) => [c.name, c.old, c.new]), [["mut", 1, 5]]);
  assert.deepEqual(b?.changes.map((c) => [c.name, c.old, c.new]), [["mut", 5, 6]]);
  assert.equal(s.conf.get("DEFAULT", "mut"), 6);
  assert.equal(s.conf.reloadStatus().reloads, 2);
  assert.ok(s.log.lines.includes("A config mutate hook failed: Error: hook broke"));
});

Deno.test("ConfigOpts.reload() logs a throwing listener or an unexpected error on one line and keeps serving", async () => {
  let broken = false;
  const flaky: ConfigSourceDriver = {
    name: "flaky",
    opts: [],
    open: () =>
      Promise.resolve({
        get: (_g: string, dest: string) => {
          if (broken) throw new Error("driver bug");
          return dest === "mut" ? { value: "3", location: { kind: "driver" as const } } : undefined;
        },
      }),
  };
  const log = recorder();
  const conf = await new ConfigOpts({ logger: log, drivers: [flaky] }).register(OPTS).load({
    env: false,
    texts: [{
      name: "svc.conf",
      text: "[DEFAULT]\nmust = x\nconfig_source = f\n[f]\ndriver = flaky\n",
    }],
  });
  assert.equal(conf.get("DEFAULT", "mut"), 3);
  conf.onReload(() => {
    throw new TypeError("listener bug\nsecond line");
  });
  const seen: ReloadEvent[] = [];
  conf.onReload((e) => seen.push(e));
  broken = true;
  const event = await conf.reload();
  assert.equal(event.ok, false);
  assert.equal(event.error, "unexpected Error: driver bug");
  assert.equal(seen.length, 1, "a throwing listener does not stop the next one");
  assert.deepEqual(log.lines, [
    "Caught Error while reloading configure files: unexpected Error: driver bug",
    "A config reload listener failed: TypeError: listener bug",
  ]);
  assert.equal(conf.get("DEFAULT", "mut"), 3);
  broken = false;
  assert.equal((await conf.reload()).ok, true);
});

Deno.test("ConfigOpts.reload() re-opens secrets_dir: a rotated secret reaches a mutable option, never shown", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/secrets`);
    await Deno.writeTextFile(`${dir}/secrets/DEFAULT.mut`, "7");
    await Deno.writeTextFile(`${dir}/secrets/DEFAULT.imm`, "1");
    await Deno.writeTextFile(`${dir}/secrets/DEFAULT.motd`, "s3cr3t-one\n");
    const path = `${dir}/svc.conf`;
    await Deno.writeTextFile(
      path,
      `[DEFAULT]\nmust = x\nconfig_source = m\n[m]\ndriver = secrets_dir\npath = ${dir}/secrets\n`,
    );
    const log = recorder();
    const motd = strOpt("motd", { mutable: true }); // not declared secret
    const conf = await new ConfigOpts({ logger: log }).register(OPTS).registerOpt(motd).load({
      args: ["--config-file", path],
      env: false,
    });
    const hooked: ConfigChange[] = [];
    conf.registerMutateHook((c) => void hooked.push(...c));
    assert.equal(conf.get("DEFAULT", "mut"), 7);
    await Deno.writeTextFile(`${dir}/secrets/DEFAULT.mut`, "8");
    await Deno.writeTextFile(`${dir}/secrets/DEFAULT.imm`, "2");
    await Deno.writeTextFile(`${dir}/secrets/DEFAULT.motd`, "s3cr3t-two\n");
    const event = await conf.reload();
    assert.equal(event.ok, true);
    assert.equal(conf.get("DEFAULT", "mut"), 8);
    assert.equal(conf.get("DEFAULT", "motd"), "s3cr3t-two");
    assert.equal(conf.get("DEFAULT", "imm"), 1);
    assert.equal(conf.isSecret("DEFAULT", "motd"), true);
    assert.deepEqual(log.lines, [
      "Option DEFAULT.mut changed from [****] to [****]",
      "Option DEFAULT.motd changed from [****] to [****]",
      "Ignoring change to immutable option DEFAULT.imm",
    ]);
    assert.deepEqual(hooked.map((c) => [c.name, c.new, c.secret]), [
      ["mut", 8, true],
      ["motd", "s3cr3t-two", true],
    ]);
    const shown = JSON.stringify([event.messages, conf.logOptValues(), conf.redactedValues()]);
    assert.doesNotMatch(shown, /s3cr3t/);

    // The mount goes away: the source cannot be re-opened, its previous values stay.
    await Deno.remove(`${dir}/secrets`, { recursive: true });
    const gone = await conf.reload();
    assert.equal(gone.ok, true);
    assert.equal(conf.get("DEFAULT", "mut"), 8);
    assert.equal(conf.get("DEFAULT", "motd"), "s3cr3t-two");
    assert.match(
      gone.messages[0] ?? "",
      /^Could not load configuration from \[m\] using the secrets_dir driver: Cannot read \[m\] path ".*": .*; its previous values stay$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
