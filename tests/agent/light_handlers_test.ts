import assert from "node:assert/strict";
import { AGENT_GROUPS } from "../../agent/options.ts";
import { lightHandlers } from "../../agent/light_handlers.ts";
import { ConfigOpts } from "../../lib/config/mod.ts";
import { KeystoneError } from "../../lib/limit/mod.ts";

async function load(text: string, env: Record<string, string> | false = false) {
  const conf = new ConfigOpts();
  for (const g of AGENT_GROUPS) conf.register(g);
  await conf.load({ texts: [{ name: "agent.conf", text }], env });
  return conf;
}

const call = (h: unknown) =>
  (h as (c: object, a: object) => Promise<Record<string, unknown>>)({}, {});

Deno.test("lightHandlers() without policy or limits configured leaves both unhandled, with a reason", async () => {
  const h = await lightHandlers(await load("[oslo_policy]\nenforce_scope = true\n"), () => {});
  assert.equal(typeof h.config_reload, "function");
  assert.deepEqual(h.policy_cache_refresh, {
    unhandled: "no policy is configured: set [oslo_policy] policy_file (or policy_dirs)",
  });
  assert.match(
    (h.limit_cache_refresh as { unhandled: string }).unhandled,
    /no limits are configured: set \[oslo_limit\] limits_file/,
  );
});

Deno.test("lightHandlers() reads a policy file named in the environment", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/p.yaml`, '"a": "role:x"\n');
    const conf = await load("", { OS_OSLO_POLICY__POLICY_FILE: `${dir}/p.yaml` });
    // listAllSections() sees only files: the environment alone must be enough.
    assert.ok(!conf.listAllSections().includes("oslo_policy"));
    const saved = Deno.env.get("OS_OSLO_POLICY__POLICY_FILE");
    Deno.env.set("OS_OSLO_POLICY__POLICY_FILE", `${dir}/p.yaml`);
    try {
      const h = await lightHandlers(conf, () => {});
      const r = await call(h.policy_cache_refresh);
      assert.deepEqual([r.loaded, r.rules, r.changed], [true, 1, false]);
    } finally {
      if (saved === undefined) Deno.env.delete("OS_OSLO_POLICY__POLICY_FILE");
      else Deno.env.set("OS_OSLO_POLICY__POLICY_FILE", saved);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lightHandlers() limit_cache_refresh asks Keystone when called; replicated limits are unhandled", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close(); // nothing listens there now
  const keystone = await lightHandlers(
    await load(
      `[oslo_limit]\nauth_url = http://127.0.0.1:${port}/v3\nusername = u\npassword = secret\nuser_domain_id = default\nsystem_scope = all\nconnect_retries = 0\nendpoint_id = e1\n`,
    ),
    () => {},
  );
  await assert.rejects(call(keystone.limit_cache_refresh), (e) => {
    assert.ok(e instanceof KeystoneError);
    assert.match(
      e.message,
      new RegExp(`Cannot reach Keystone at http://127\\.0\\.0\\.1:${port}/v3`),
    );
    assert.doesNotMatch(e.message, /secret/);
    return true;
  });
  const replicated = await lightHandlers(
    await load("[oslo_limit]\nlimits_bucket = LIMITS\ntransport_url = nats://127.0.0.1:1/\n"),
    () => {},
  );
  assert.match(
    (replicated.limit_cache_refresh as { unhandled: string }).unhandled,
    /limits replicated from bucket "LIMITS" are kept current by their watch/,
  );
});
