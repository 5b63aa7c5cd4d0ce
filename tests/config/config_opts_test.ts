import assert from "node:assert/strict";
import {
  boolOpt,
  ConfigDirNotFoundError,
  ConfigErrors,
  ConfigFileParseError,
  ConfigFilesNotFoundError,
  ConfigFileValueError,
  ConfigOpts,
  DefaultValueError,
  DuplicateOptError,
  InterpolationError,
  intOpt,
  listOpt,
  multiStrOpt,
  NoSuchOptError,
  optGroup,
  RequiredOptError,
  strOpt,
} from "../../lib/config/mod.ts";

const text = (name: string, t: string) => ({ name, text: t });

async function loaded(
  groups: ReturnType<typeof optGroup>[],
  options: Parameters<ConfigOpts["load"]>[0],
) {
  const conf = new ConfigOpts();
  for (const g of groups) conf.register(g);
  return await conf.load({ env: false, ...options });
}

Deno.test("ConfigOpts.load() lets the last file win and keeps every multi value in file order", async () => {
  const g = optGroup("DEFAULT", [strOpt("foo"), multiStrOpt("multi")]);
  const conf = await loaded([g], {
    texts: [
      text("1.conf", "[DEFAULT]\nfoo = bar\nmulti = a\nmulti = b\n"),
      text("2.conf", "[DEFAULT]\nfoo = baz\nmulti = c\n"),
    ],
  });
  assert.equal(conf.get("DEFAULT", "foo"), "baz");
  assert.deepEqual(conf.get("DEFAULT", "multi"), ["a", "b", "c"]);
  assert.deepEqual(conf.location("DEFAULT", "foo"), { kind: "user", detail: "2.conf", line: 2 });
});

Deno.test("ConfigOpts.load() normalises section names except exactly DEFAULT", async () => {
  const conf = await loaded([
    optGroup("database", [strOpt("x")]),
    optGroup("DEFAULT", [strOpt("x")]),
  ], {
    texts: [text("a.conf", "[Database]\nx = 1\n[default]\nx = 2\n")],
  });
  assert.equal(conf.get("database", "x"), "1");
  assert.equal(conf.get("DEFAULT", "x"), undefined);
});

Deno.test("ConfigOpts.load() matches file keys by dest: '-' names are written with '_'", async () => {
  const conf = await loaded([optGroup("DEFAULT", [strOpt("my-opt")])], {
    texts: [text("a.conf", "[DEFAULT]\nmy-opt = dash\n")],
  });
  assert.equal(conf.get("DEFAULT", "my-opt"), undefined);
  const conf2 = await loaded([optGroup("DEFAULT", [strOpt("my-opt")])], {
    texts: [text("a.conf", "[DEFAULT]\nmy_opt = under\n")],
  });
  assert.equal(conf2.get("DEFAULT", "my_opt"), "under");
});

Deno.test("ConfigOpts.load() orders sources: override > command line > environment > file > default", async () => {
  const g = optGroup("DEFAULT", [intOpt("imm", { default: 1, cli: true })]);
  const f = text("f.conf", "[DEFAULT]\nimm = 2\n");
  let conf = await loaded([g], { texts: [f] });
  assert.equal(conf.get("DEFAULT", "imm"), 2);
  conf = await loaded([g], { texts: [f], env: { OS_DEFAULT__IMM: "3" } });
  assert.equal(conf.get("DEFAULT", "imm"), 3);
  assert.deepEqual(conf.location("DEFAULT", "imm"), {
    kind: "environment",
    detail: "OS_DEFAULT__IMM",
  });
  conf = await loaded([g], { texts: [f], env: { OS_DEFAULT__IMM: "3" }, args: ["--imm", "4"] });
  assert.equal(conf.get("DEFAULT", "imm"), 4);
  assert.equal(conf.location("DEFAULT", "imm").kind, "command_line");
  conf.setOverride("DEFAULT", "imm", "5");
  assert.equal(conf.get("DEFAULT", "imm"), 5);
  assert.equal(conf.location("DEFAULT", "imm").kind, "set_override");
  conf.clearOverride("DEFAULT", "imm");
  assert.equal(conf.get("DEFAULT", "imm"), 4);
});

Deno.test("ConfigOpts.load() applies --config-file and command-line options in argv order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/f.conf`, "[DEFAULT]\nimm = 2\n");
    const g = optGroup("DEFAULT", [intOpt("imm", { cli: true })]);
    let conf = await loaded([g], { args: ["--imm", "9", "--config-file", `${dir}/f.conf`] });
    assert.equal(conf.get("DEFAULT", "imm"), 2);
    conf = await loaded([g], { args: ["--config-file", `${dir}/f.conf`, "--imm=9"] });
    assert.equal(conf.get("DEFAULT", "imm"), 9);
    // Unlike oslo.config (which labels it a file value), a flag given last stays the
    // command line's, and so beats the environment.
    conf = await loaded([g], {
      args: ["--config-file", `${dir}/f.conf`, "--imm=9"],
      env: { OS_DEFAULT__IMM: "7" },
    });
    assert.equal(conf.get("DEFAULT", "imm"), 9);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ConfigOpts.load() reads --config-dir's *.conf sorted, after the files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/d`);
    await Deno.writeTextFile(`${dir}/d/20-b.conf`, "[DEFAULT]\nx = b\n");
    await Deno.writeTextFile(`${dir}/d/10-a.conf`, "[DEFAULT]\nx = a\ny = a\n");
    await Deno.writeTextFile(`${dir}/d/.hidden.conf`, "[DEFAULT]\nx = hidden\n");
    await Deno.writeTextFile(`${dir}/d/notes.txt`, "[DEFAULT]\nx = txt\n");
    await Deno.symlink(`${dir}/d/10-a.conf`, `${dir}/d/30-link.conf`);
    const g = optGroup("DEFAULT", [strOpt("x"), strOpt("y")]);
    const conf = await loaded([g], { args: ["--config-dir", `${dir}/d`] });
    assert.equal(conf.get("DEFAULT", "x"), "a");
    assert.deepEqual(conf.files, [
      `${dir}/d/10-a.conf`,
      `${dir}/d/20-b.conf`,
      `${dir}/d/30-link.conf`,
    ]);
    await assert.rejects(
      () => loaded([g], { args: ["--config-dir", `${dir}/nope`] }),
      ConfigDirNotFoundError,
    );
    await assert.rejects(
      () => loaded([g], { args: ["--config-file", `${dir}/nope.conf`] }),
      (e) => e instanceof ConfigFilesNotFoundError && e.files[0] === `${dir}/nope.conf`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ConfigOpts.load() finds a project's default files when argv names none", async () => {
  const home = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${home}/.demo`);
    await Deno.writeTextFile(`${home}/.demo/demo.conf`, "[DEFAULT]\nx = home\n");
    const conf = await loaded([optGroup("DEFAULT", [strOpt("x")])], {
      project: "demo",
      env: { HOME: home },
    });
    assert.equal(conf.get("DEFAULT", "x"), "home");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("ConfigOpts.load() reads deprecated names: new name wins in a file, a later file wins over both", async () => {
  const g = optGroup("grp", [
    strOpt("new_name", { deprecatedName: "old_name", deprecatedGroup: "DEFAULT" }),
  ]);
  let conf = await loaded([g], {
    texts: [text("1.conf", "[grp]\nnew_name = new_a\n[DEFAULT]\nold_name = old_a\n")],
  });
  assert.equal(conf.get("grp", "new_name"), "new_a");
  assert.match(
    conf.warnings.join("\n"),
    /Option "old_name" from group "DEFAULT" is deprecated\. Use option "new_name" from group "grp"\. \(1\.conf:4\)/,
  );
  conf = await loaded([g], {
    texts: [
      text("1.conf", "[grp]\nnew_name = new_a\n"),
      text("2.conf", "[DEFAULT]\nold_name = old_b\n"),
    ],
  });
  assert.equal(conf.get("grp", "new_name"), "old_b");
  assert.equal(conf.get("DEFAULT", "old_name"), "old_b", "code may read the old name too");
});

Deno.test("ConfigOpts.load() warns when an option deprecated for removal is set", async () => {
  const g = optGroup("DEFAULT", [
    strOpt("gone", { deprecatedForRemoval: true, deprecatedReason: "unused" }),
  ]);
  const conf = await loaded([g], { texts: [text("a.conf", "[DEFAULT]\ngone = x\n")] });
  assert.match(
    conf.warnings[0] ?? "",
    /"gone" from group "DEFAULT" is deprecated for removal \(unused\)/,
  );
});

Deno.test("ConfigOpts.load() substitutes $opt, ${group.opt} and typed values; $$ escapes", async () => {
  const conf = await loaded([
    optGroup("DEFAULT", [
      strOpt("foo"),
      strOpt("interp"),
      intOpt("n", { default: 3 }),
      strOpt("esc"),
    ]),
    optGroup("grp", [
      strOpt("gopt"),
      strOpt("g2", { default: "$foo-${grp.gopt}-$n" }),
      boolOpt("b", { default: true }),
    ]),
  ], {
    texts: [
      text(
        "a.conf",
        "[DEFAULT]\nfoo = baz\ninterp = $foo/x ${grp.b}\nesc = $$foo \\$foo\n[grp]\ngopt = G\n",
      ),
    ],
  });
  assert.equal(conf.get("DEFAULT", "interp"), "baz/x True");
  assert.equal(conf.get("grp", "g2"), "baz-G-3");
  assert.equal(conf.get("DEFAULT", "esc"), "$foo $foo");
});

Deno.test("ConfigOpts.load() fails on references to options that do not exist, and on cycles", async () => {
  await assert.rejects(
    () =>
      loaded([optGroup("DEFAULT", [strOpt("missing")])], {
        texts: [text("a", "[DEFAULT]\nmissing = $nosuch\n")],
      }),
    (e) =>
      e instanceof InterpolationError && /\$nosuch.*DEFAULT\/missing.*write \$\$/.test(e.message),
  );
  await assert.rejects(
    () =>
      loaded([optGroup("DEFAULT", [strOpt("a"), strOpt("b")])], {
        texts: [text("a", "[DEFAULT]\na = $b\nb = $a\n")],
      }),
    (e) => e instanceof ConfigErrors && e.errors.every((x) => x instanceof InterpolationError),
  );
});

Deno.test("ConfigOpts.load() reports every invalid value at once with file and line, secrets hidden", async () => {
  const g = optGroup("DEFAULT", [
    intOpt("workers", { min: 1 }),
    strOpt("password", { secret: true, choices: ["x"] }),
  ]);
  await assert.rejects(
    () =>
      loaded([g], { texts: [text("svc.conf", "[DEFAULT]\nworkers = 0\npassword = hunter2\n")] }),
    (e) => {
      assert.ok(e instanceof ConfigErrors);
      const [w, p] = e.errors as ConfigFileValueError[];
      assert.equal(w?.option, "DEFAULT/workers");
      assert.match(w?.message ?? "", /svc\.conf:2: Should be greater than or equal to 1/);
      assert.equal(p?.line, 3);
      assert.doesNotMatch(e.message, /hunter2/);
      return true;
    },
  );
});

Deno.test("ConfigOpts.load() requires required options unless a default or override is set", async () => {
  const g = optGroup("DEFAULT", [strOpt("must", { required: true })]);
  await assert.rejects(
    () => loaded([g], {}),
    (e) => e instanceof RequiredOptError && e.option === "DEFAULT/must",
  );
  const conf = new ConfigOpts().register(g);
  conf.setDefault("DEFAULT", "must", "set");
  await conf.load({ env: false });
  assert.equal(conf.get("DEFAULT", "must"), "set");
  assert.equal(conf.location("DEFAULT", "must").kind, "set_default");
});

Deno.test("ConfigOpts.load() gives null (undefined) for a blank integer, as oslo.config's None", async () => {
  const conf = await loaded([optGroup("DEFAULT", [intOpt("n", { default: 4 })])], {
    texts: [text("a", "[DEFAULT]\nn =\n")],
  });
  assert.equal(conf.get("DEFAULT", "n"), undefined);
});

Deno.test("ConfigOpts.register() is idempotent for the same option and refuses a different one", () => {
  const conf = new ConfigOpts();
  const o = strOpt("x", { default: "a" });
  conf.register(optGroup("g", [o])).register(optGroup("G", [strOpt("x", { default: "a" })]));
  assert.throws(() => conf.register(optGroup("g", [intOpt("x")])), DuplicateOptError);
  assert.throws(() => conf.get("g", "nope"), NoSuchOptError);
});

Deno.test("ConfigOpts.unregisterOpt() forgets deprecated names too; an override outlives it", () => {
  const conf = new ConfigOpts({ drivers: [] });
  const o = strOpt("new_name", { deprecatedName: "old_name", default: "d" });
  conf.registerOpt(o).loadTexts([text("a.conf", "[DEFAULT]\nold_name = v\n")]);
  assert.equal(conf.get("DEFAULT", "old_name"), "v");
  conf.setOverride("DEFAULT", "new_name", "o");
  conf.unregisterOpt(o);
  assert.throws(() => conf.get("DEFAULT", "old_name"), (e) => {
    assert.ok(e instanceof NoSuchOptError);
    assert.match(e.message, /DEFAULT\/old_name/);
    return true;
  });
  assert.equal(conf.findOpt("DEFAULT", "old_name"), undefined);
  conf.registerOpt(o);
  assert.equal(conf.get("DEFAULT", "old_name"), "o");
  conf.clearOverride("DEFAULT", "old_name");
  assert.equal(conf.get("DEFAULT", "new_name"), "v");
  assert.deepEqual(conf.location("DEFAULT", "new_name"), {
    kind: "user",
    detail: "a.conf",
    line: 2,
  });
});

Deno.test("option constructors share one converter among options without type settings", () => {
  assert.equal(strOpt("a", { default: "x" }).type, strOpt("b").type);
  assert.equal(intOpt("a").type, intOpt("b", { default: 3 }).type);
  assert.equal(listOpt("a").type, listOpt("b", { default: [] }).type);
  const choosy = strOpt("c", { choices: ["x"] });
  assert.notEqual(choosy.type, strOpt("d").type);
  assert.throws(() => choosy.type.convert("y"), /Valid values are \[x\], but found 'y'/);
  assert.equal(strOpt("d").type.convert("y"), "y");
  const bounded = intOpt("e", { min: 5 });
  assert.notEqual(bounded.type, intOpt("f").type);
  assert.throws(() => bounded.type.convert("4"), /greater than or equal to 5/);
  assert.equal(intOpt("f").type.convert("4"), 4);
  assert.deepEqual(listOpt("g", { bounds: true }).type.convert("[a]"), ["a"]);
  assert.deepEqual(listOpt("h").type.convert("[a]"), ["[a]"]);
});

Deno.test("option constructors check defaults, except those holding a $reference", () => {
  assert.throws(() => intOpt("x", { default: "a" as unknown as number }), DefaultValueError);
  assert.equal(strOpt("x", { default: "$y" }).default, "$y");
  assert.throws(() => strOpt("_x"), TypeError);
  assert.deepEqual(strOpt("a-b", { deprecatedName: "old-n" }).deprecatedOpts, [
    { name: "old-n" },
    { name: "old_n" },
  ]);
});

Deno.test("ConfigOpts.load() rejects unknown command-line arguments with a suggestion", async () => {
  await assert.rejects(
    () => loaded([optGroup("DEFAULT", [boolOpt("debug", { cli: true })])], { args: ["--devug"] }),
    /unrecognized argument \(did you mean --debug\?\)/,
  );
});

Deno.test("ConfigOpts.load() surfaces a parse error with its file and line", async () => {
  await assert.rejects(
    () => loaded([], { texts: [text("bad.conf", "[DEFAULT]\noops\n")] }),
    (e) => e instanceof ConfigFileParseError && e.file === "bad.conf" && e.line === 2,
  );
});

Deno.test("ConfigOpts.redactedValues() and logOptValues() mask secrets", async () => {
  const conf = await loaded([
    optGroup("db", [strOpt("connection", { secret: true }), listOpt("hosts", { default: ["a"] })]),
  ], {
    texts: [text("a", "[db]\nconnection = mysql://u:pw@h/d\n")],
  });
  assert.deepEqual(conf.redactedValues().db, { connection: "****", hosts: ["a"] });
  const log = conf.logOptValues().join("\n");
  assert.match(log, /db\.connection\s+= \*\*\*\*/);
  assert.match(log, /db\.hosts\s+= \['a'\]/);
  assert.doesNotMatch(log, /pw/);
});

Deno.test("ConfigOpts.unknownOptions() lists what oslo.config ignores, accepting deprecated names and groups", async () => {
  const conf = await new ConfigOpts().register(
    optGroup("api", [
      intOpt("workers", { deprecatedName: "api_workers", deprecatedGroup: "DEFAULT" }),
      strOpt("bind_host", { deprecatedName: "host" }),
    ]),
  ).register(optGroup("cache", [strOpt("backend", { deprecatedGroup: "old_cache" })])).load({
    env: false,
    texts: [
      { name: "a.conf", text: "[DEFAULT]\napi_workers = 2\n[api]\nhost = h\nworkrs = 3\n" },
      { name: "b.conf", text: "[OLD_CACHE]\nbackend = x\n[nova]\na = 1\nb = 2\n[nova]\nc = 3\n" },
    ],
  });
  assert.deepEqual(conf.unknownOptions(), [
    'a.conf:5: ignoring unknown option [api] workrs: did you mean "workers"?',
    "b.conf:3: ignoring unknown group [nova]",
  ]);
});
