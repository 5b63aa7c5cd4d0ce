import assert from "node:assert/strict";
import {
  boolOpt,
  ConfigOpts,
  exitStatus,
  intOpt,
  loadSchema,
  optGroup,
  strOpt,
  validateConfigText,
} from "../../lib/config/mod.ts";

const SAMPLE = new URL("../testdata/config/oslo_sample.yaml", import.meta.url).pathname;
const schema = await loadSchema(await Deno.readTextFile(SAMPLE));
const kinds = (f: { kind: string; line: number }[]) => f.map((x) => `${x.kind}@${x.line}`);

Deno.test("validateConfigText() reports typos with a suggestion and the line", () => {
  const f = validateConfigText(
    "[DEFAULT]\ndevug = true\n[oslo_polcy]\nenforce_scope = true\n",
    schema,
  );
  assert.deepEqual(kinds(f), ["unknown-option@2", "unknown-group@3", "unknown-option@4"]);
  assert.equal(f[0]?.hint, 'did you mean "debug"?');
  assert.equal(f[1]?.hint, "did you mean [oslo_policy]?");
  assert.equal(exitStatus(f), 1);
});

Deno.test("validateConfigText() names the replacement of a deprecated option", () => {
  const f = validateConfigText("[DEFAULT]\npolicy_file = p.json\n", schema);
  assert.equal(f[0]?.kind, "deprecated-option");
  assert.equal(f[0]?.hint, "use [oslo_policy] policy_file");
  assert.equal(exitStatus(f), 0);
  assert.equal(exitStatus(f, { fatalWarnings: true }), 1);
});

Deno.test("validateConfigText() names options by the key oslo.config reads (dest), in hints and messages alike", async () => {
  // The sample's replacement of logfile is "log-file", whose key in a file is log_file.
  const [dep] = validateConfigText("[DEFAULT]\nlogfile = /var/log/x.log\n", schema);
  assert.equal(dep?.kind, "deprecated-option");
  assert.equal(dep?.hint, "use [DEFAULT] log_file");
  const [typo] = validateConfigText("[DEFAULT]\nlog-fil = x\n", schema);
  assert.equal(typo?.hint, 'did you mean "log_file"?');
  const [bad] = validateConfigText("[DEFAULT]\nuse_syslog = maybe\n", schema);
  assert.equal(bad?.option, "use_syslog");
  assert.equal(
    bad?.message,
    "Invalid value for DEFAULT/use_syslog: Unexpected boolean value 'maybe'",
  );
  assert.equal(bad?.log, "ERROR:oslo-edge:DEFAULT/use_syslog has an invalid value");
  const groups = [optGroup("auth", [strOpt("auth-url", { required: true }), intOpt("retries")])];
  const [missing] = validateConfigText("[auth]\nretries = 1\n", groups);
  assert.deepEqual([missing?.option, missing?.message, missing?.hint], [
    "auth_url",
    "Option auth/auth_url is required and has no value",
    "set [auth] auth_url",
  ]);
  // The key suggested is one oslo.config reads.
  const conf = await new ConfigOpts().register(optGroup("DEFAULT", [strOpt("log-file")])).load({
    env: false,
    texts: [{ name: "a.conf", text: "[DEFAULT]\nlog_file = x\n" }],
  });
  assert.equal(conf.get("DEFAULT", "log_file"), "x");
});

Deno.test("validateConfigText() checks values against type, choices and range", () => {
  const text = "[oslo_policy]\nenforce_scope = maybe\n[DEFAULT]\nlog_rotate_interval = x\n" +
    "log_rotation_type = sideways\nlog_rotate_interval_type = DAYS\n";
  const f = validateConfigText(text, schema);
  assert.deepEqual(kinds(f), ["invalid-value@2", "invalid-value@4", "invalid-value@5"]);
  assert.match(
    f[2]?.message ?? "",
    /Valid values are \[interval, size, none\], but found 'sideways'/,
  );
});

Deno.test("validateConfigText() substitutes references as oslo.config does", () => {
  const f = validateConfigText(
    "[DEFAULT]\nlog_dir = /var/$nosuch\nlog_file = $$HOME/x.log\nlogging_context_format_string = $log_date_format.x\n",
    schema,
  );
  assert.deepEqual(kinds(f), ["invalid-value@2", "invalid-value@4"]);
  assert.match(f[0]?.message ?? "", /\$nosuch.*no option "nosuch"/);
  // `$name.x` reads group "name" (oslo's idpattern allows dots): an error there too.
  assert.match(f[1]?.message ?? "", /no group \[log_date_format\]/);
});

Deno.test("validateConfigText() reports a missing required option of a group the file uses", () => {
  const groups = [
    optGroup("database", [strOpt("connection", { required: true, secret: true })]),
    optGroup("DEFAULT", [boolOpt("debug")]),
  ];
  assert.deepEqual(kinds(validateConfigText("[DEFAULT]\ndebug = true\n", groups)), []);
  const f = validateConfigText("[DEFAULT]\n[database]\n", groups);
  assert.deepEqual(kinds(f), ["missing-required@2"]);
  assert.equal(f[0]?.hint, "set [database] connection");
});

Deno.test("validateConfigText() never shows a secret value", () => {
  const groups = [optGroup("database", [intOpt("password", { secret: true })])];
  const f = validateConfigText("[database]\npassword = hunter2\n", groups, { checkDefaults: true });
  assert.ok(f.length > 0);
  assert.doesNotMatch(JSON.stringify(f), /hunter2/);
});

Deno.test("validateConfigText() never shows a secret value through a reference to it", () => {
  const groups = [
    optGroup("database", [strOpt("pin", { secret: true }), intOpt("max_pool_size")]),
  ];
  const f = validateConfigText("[database]\npin = hunter2\nmax_pool_size = $pin\n", groups);
  assert.deepEqual(kinds(f), ["invalid-value@3"]);
  assert.equal(
    f[0]?.message,
    "Invalid value for database/max_pool_size: the value (not shown: secret) is not a valid integer value",
  );
  assert.doesNotMatch(JSON.stringify(f), /hunter2/);
});

Deno.test("validateConfigText() mirrors --check-defaults and --exclude-group", () => {
  const f = validateConfigText(
    "[oslo_policy]\nenforce_scope = false\npolicy_file = x.json\n",
    schema,
    {
      checkDefaults: true,
      excludeGroups: ["cors"],
    },
  );
  const logs = f.map((x) => x.log);
  assert.ok(
    logs.includes(
      "WARNING:root:oslo_policy/enforce_scope sample value is empty but input-file has false",
    ),
  );
  assert.ok(
    logs.includes(
      "WARNING:root:oslo_policy/policy_file sample value ['policy.json'] is not in ['x.json']",
    ),
  );
  assert.ok(!logs.some((l) => /Group cors /.test(l)));
  assert.equal(exitStatus(f), 0);
});

Deno.test("validateConfigText() compares group names exactly, as oslo-config-validator, but says why", () => {
  const f = validateConfigText("[Oslo_Policy]\nenforce_scope = true\n", schema);
  assert.equal(f[1]?.log, "ERROR:root:Oslo_Policy/enforce_scope is not part of the sample config");
  assert.match(f[1]?.hint ?? "", /reads \[Oslo_Policy\] as \[oslo_policy\]/);
});

Deno.test("validateConfigText() reports a parse error with its line", () => {
  const f = validateConfigText("[DEFAULT]\noops\n", schema, { file: "x.conf" });
  assert.deepEqual(kinds(f), ["parse-error@2"]);
  assert.equal(exitStatus(f), 1);
});
