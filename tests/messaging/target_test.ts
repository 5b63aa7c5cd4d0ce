import assert from "node:assert/strict";
import { rpcSubject, subjectToken, Target } from "../../lib/messaging/mod.ts";

Deno.test("Target.with() copies with overrides and keeps legacy namespaces", () => {
  const t = new Target({ topic: "a", namespace: "n", legacyNamespaces: ["old"], version: "1.1" });
  const c = t.with({ server: "s1", version: "1.2" });
  assert.equal(c.topic, "a");
  assert.equal(c.server, "s1");
  assert.equal(c.version, "1.2");
  assert.deepEqual(c.acceptedNamespaces, ["n", "old"]);
  assert.equal(t.server, undefined);
  assert.equal(t.with({ server: undefined }).server, undefined);
});

Deno.test("Target is immutable and prints like oslo's repr", () => {
  const t = new Target({ topic: "compute", fanout: true });
  assert.throws(() => ((t as { topic?: string }).topic = "x"), TypeError);
  assert.equal(String(t), "<Target topic=compute, fanout=true>");
});

Deno.test("rpcSubject() maps topic, server and fanout to distinct escaped subjects", () => {
  assert.equal(rpcSubject("openstack", "compute"), "oslo.rpc.openstack.compute");
  assert.equal(
    rpcSubject("openstack", "compute", { server: "n1.example.org" }),
    "oslo.rpc.openstack.compute.server.n1%2Eexample%2Eorg",
  );
  assert.equal(
    rpcSubject("openstack", "compute", { fanout: true }),
    "oslo.rpc.openstack.compute.fanout",
  );
  // A topic with a dot cannot collide with another topic's server subject.
  assert.notEqual(rpcSubject("x", "a.server.b"), rpcSubject("x", "a", { server: "b" }));
});

Deno.test("subjectToken() escapes wildcards, spaces and non-ASCII, and refuses empty names", () => {
  assert.equal(subjectToken("a*b>c d%"), "a%2Ab%3Ec%20d%25");
  assert.equal(subjectToken("é"), "%C3%A9");
  assert.throws(() => subjectToken(""), TypeError);
});
