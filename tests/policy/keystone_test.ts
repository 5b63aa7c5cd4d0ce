/**
 * Keystone's real defaults: every rule × admin/member/reader × system/domain/
 * project credentials × own/other/empty targets, decided by lib/policy and by
 * oslo.policy (which loads the defaults from keystone itself), with
 * enforce_scope and enforce_new_defaults on and off.
 */
import assert from "node:assert/strict";
import { Enforcer } from "../../lib/policy/mod.ts";
import { KEYSTONE_CREDS, keystoneDefaults, keystoneTargets } from "./keystone.ts";
import { oracleAvailable, runOracle } from "./oracle.ts";

const defaults = (await oracleAvailable()) ? await keystoneDefaults() : null;

interface Result {
  rules: Record<string, string>;
  decisions: { enforce: boolean | string; authorize: string }[];
}

Deno.test({
  name: "keystoneDefaults() exports Keystone's 202 defaults, 194 of them identity:*",
  ignore: !defaults,
  fn: () => {
    assert.ok(defaults!.length >= 200);
    assert.equal(defaults!.filter((d) => d.name.startsWith("identity:")).length, 194);
  },
});

const CONFS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
for (const [enforceScope, enforceNewDefaults] of CONFS) {
  Deno.test({
    name:
      `Enforcer agrees with oslo.policy on every Keystone rule × 9 credentials × 3 targets (enforce_scope=${enforceScope}, enforce_new_defaults=${enforceNewDefaults})`,
    ignore: !defaults,
    fn: async () => {
      const names = [
        ...defaults!.map((d) => d.name),
        ...new Set(defaults!.flatMap((d) => d.deprecatedRule ? [d.deprecatedRule.name] : [])),
      ];
      const checks = names.flatMap((rule) =>
        Object.values(KEYSTONE_CREDS).flatMap((creds) =>
          keystoneTargets(creds).map((target) => ({ rule, target, creds }))
        )
      );
      const [py] = await runOracle<Result>([{
        op: "enforce",
        namespace: "keystone",
        conf: { enforce_scope: enforceScope, enforce_new_defaults: enforceNewDefaults },
        checks,
      }]);
      const e = new Enforcer({
        defaults: defaults!,
        enforceScope,
        enforceNewDefaults,
        onWarning: () => {},
      });
      const rules = Object.fromEntries((await e.rules()).map((r) => [r.name, r.check]));
      assert.deepEqual(rules, py!.rules);
      const diffs: string[] = [];
      let allowed = 0;
      for (const [i, c] of checks.entries()) {
        const want = py!.decisions[i]!;
        const got = await e.enforce(c.rule, c.target, c.creds);
        let auth = "ok";
        try {
          await e.authorize(c.rule, c.target, c.creds);
        } catch (err) {
          auth = (err as Error).name;
        }
        if (got) allowed++;
        if (got !== want.enforce || auth !== want.authorize) {
          diffs.push(
            `${c.rule} ${
              JSON.stringify(c.creds.roles)
            } ${c.creds.user_id}: py ${want.enforce}/${want.authorize} ts ${got}/${auth}`,
          );
        }
      }
      assert.deepEqual(diffs.slice(0, 10), []);
      assert.ok(checks.length > 5000);
      // the table is not degenerate: both answers occur many times
      assert.ok(
        allowed > 500 && allowed < checks.length - 500,
        `allowed ${allowed} of ${checks.length}`,
      );
    },
  });
}
