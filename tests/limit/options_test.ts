import assert from "node:assert/strict";
import { ConfigOpts } from "../../lib/config/mod.ts";
import { LIMIT_OPTS } from "../../lib/limit/mod.ts";

async function osloLimitOptionNames(): Promise<string[]> {
  const script = `
import json
from keystoneauth1 import loading
from oslo_limit import opts
names = [o.dest for _, group in opts.list_opts() for o in group]
names += [o.dest for o in loading.get_auth_plugin_conf_options('v3applicationcredential')]
names += [o.dest for o in loading.get_auth_common_conf_options()]
print(json.dumps(sorted(set(names))))
`;
  const out = await new Deno.Command("/usr/bin/python3", { args: ["-c", script] }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test("LIMIT_OPTS declares every option oslo.limit 2.0.1 registers in [oslo_limit]", async () => {
  const ours = new Set<string>(LIMIT_OPTS.opts.map((o) => o.name));
  const theirs = await osloLimitOptionNames();
  assert.ok(theirs.length > 40, `only ${theirs.length} names from oslo.limit`);
  assert.deepEqual(theirs.filter((n) => !ours.has(n)), []);
  for (const n of ["endpoint_service_name", "endpoint_service_type", "endpoint_region_name"]) {
    assert.ok(ours.has(n), `${n} (oslo.limit master) missing`);
  }
});

Deno.test("LIMIT_OPTS loads an existing [oslo_limit] section and redacts its secrets", async () => {
  const conf = new ConfigOpts().register(LIMIT_OPTS);
  await conf.load({
    env: false,
    texts: [{
      name: "nova.conf",
      text: `[oslo_limit]
auth_type = password
auth_url = http://keystone.example:5000/v3
username = nova
password = s3cret
user_domain_name = Default
system_scope = all
endpoint_id = 4b2ec1f37c8b4b3b9f1c8e1d2a3b4c5d
`,
    }],
  });
  const o = conf.group(LIMIT_OPTS);
  assert.equal(o.auth_type, "password");
  assert.equal(o.endpoint_interface, "publicURL");
  assert.equal(o.cache_ttl, 0);
  assert.equal(o.usage_domain, "hub");
  assert.ok(!JSON.stringify(conf.redactedValues()).includes("s3cret"));
});

Deno.test("LIMIT_OPTS refuses an endpoint_interface oslo.limit does not know", async () => {
  const conf = new ConfigOpts().register(LIMIT_OPTS);
  await assert.rejects(
    conf.load({
      env: false,
      texts: [{ name: "svc.conf", text: "[oslo_limit]\nendpoint_interface = private\n" }],
    }),
    /oslo_limit\/endpoint_interface from svc\.conf:2: Valid values are/,
  );
});
