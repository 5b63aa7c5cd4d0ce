import assert from "node:assert/strict";
import { NotificationFilter, type NotificationFilterRules } from "../../lib/messaging/mod.ts";

type Case = {
  rules: NotificationFilterRules;
  input: [unknown, unknown, unknown, unknown, unknown];
};

const inputs: Case["input"][] = [
  [{ tenant: "t1", roles: "admin,member" }, "compute.host1", "compute.instance.create", {
    message_id: "m",
    timestamp: "2024-05-01 10:00:00",
  }, { state: "active", size: 3 }],
  [{ tenant: "t2" }, "image.api", "image.upload", { message_id: "m2", timestamp: "Aug 1" }, {
    state: "ACTIVE",
  }],
  [{}, "compute", "compute", {}, {}],
  [{ tenant: 5 }, null, "compute.x", {}, { state: null }],
];

const rules: NotificationFilterRules[] = [
  {},
  { eventType: "compute\\." },
  { eventType: "^compute\\.instance\\..*" },
  { eventType: "instance" }, // re.match: anchored at the start, so no match inside
  { eventType: "compute$" },
  { eventType: "image|compute" },
  { publisherId: "^compute.*" },
  { context: { tenant: "t1$" } },
  { context: { tenant: "t" } }, // a number never matches
  { context: { roles: "admin" }, payload: { state: "^active$" } },
  { payload: { state: "(?i)active" } },
  { payload: { size: "3" } }, // not a string: no match
  { metadata: { timestamp: "Aug" } },
  { payload: { missing: ".*" } },
  { eventType: "(?P<svc>compute)\\.(?P=svc)?" },
];

Deno.test("NotificationFilter.match() agrees with oslo.messaging's NotificationFilter", async () => {
  const cases: Case[] = rules.flatMap((r) => inputs.map((input) => ({ rules: r, input })));
  const script = `
import json, sys
from oslo_messaging.notify.filter import NotificationFilter
out = []
for c in json.load(sys.stdin):
    r = c["rules"]
    f = NotificationFilter(context=r.get("context"), publisher_id=r.get("publisherId"),
                           event_type=r.get("eventType"), metadata=r.get("metadata"),
                           payload=r.get("payload"))
    out.append(f.match(*c["input"]))
print(json.dumps(out))
`;
  const child = new Deno.Command("/usr/bin/python3", {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(JSON.stringify(cases)));
  await w.close();
  const out = await child.output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const oracle = JSON.parse(new TextDecoder().decode(out.stdout)) as boolean[];
  const ours = cases.map((c) => new NotificationFilter(c.rules).match(...c.input));
  for (const [i, c] of cases.entries()) {
    assert.equal(
      ours[i],
      oracle[i],
      `rules ${JSON.stringify(c.rules)} on ${JSON.stringify(c.input)}`,
    );
  }
  assert.ok(oracle.filter(Boolean).length > 5 && oracle.filter((x) => !x).length > 5);
});

Deno.test("NotificationFilter() names a bad expression", () => {
  assert.throws(() => new NotificationFilter({ eventType: "(" }), (e) => {
    assert.ok(e instanceof SyntaxError);
    assert.match(e.message, /Cannot compile filter expression "\("/);
    return true;
  });
});
