import assert from "node:assert/strict";
import {
  ConnectionFailedError,
  connectTransport,
  parseTransportUrl,
  redactTransportUrl,
  TransportUrlError,
} from "../../lib/messaging/mod.ts";

Deno.test("parseTransportUrl() reads several hosts, credentials and query", () => {
  const u = parseTransportUrl("nats://agent:s%40cret@h1:4222,h2:5222,[::1]/?name=edge1");
  assert.deepEqual(u.servers, ["h1:4222", "h2:5222", "[::1]:4222"]);
  assert.equal(u.user, "agent");
  assert.equal(u.pass, "s@cret");
  assert.deepEqual(u.query, { name: "edge1" });
  assert.equal(parseTransportUrl("nats://tok@h").token, "tok");
});

Deno.test("parseTransportUrl() refuses a missing scheme, another scheme and no host", () => {
  const cases: [string, RegExp][] = [
    ["h1:4222", /Cannot parse transport URL/],
    ["rabbit://guest:guest@h:5672/", /Cannot use transport URL scheme "rabbit"/],
    ["nats:///", /names no host/],
    ["nats://h:99999999/", /Cannot parse host/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseTransportUrl(text), (e) => {
      assert.ok(e instanceof TransportUrlError);
      assert.match(e.message, re);
      return true;
    });
  }
});

Deno.test("parseTransportUrl() lets hosts repeat or omit the credentials, not change them", () => {
  const same = parseTransportUrl("nats://u:p@h1,u:p@h2,h3/");
  assert.deepEqual(same.servers, ["h1:4222", "h2:4222", "h3:4222"]);
  assert.equal(same.user, "u");
  assert.equal(same.pass, "p");
  for (
    const text of [
      "nats://u1:p1@h1,u2:p2@h2/",
      "nats://u1:p1@h1,u1:other@h2/",
      "nats://t1@h1,t2@h2",
    ]
  ) {
    assert.throws(() => parseTransportUrl(text), (e) => {
      assert.ok(e instanceof TransportUrlError);
      assert.match(e.message, /Cannot use different credentials for host "h2"/);
      assert.match(e.message, /in transport URL "nats:\/\/(u1:\*\*\*\*|\*\*\*\*)@h1,/);
      assert.doesNotMatch(e.message, /p1|p2|other|t1|t2/);
      return true;
    });
  }
});

Deno.test("parseTransportUrl() refuses a virtual host path", () => {
  assert.throws(() => parseTransportUrl("nats://u:secret@h1:4222,h2:4222/acct"), (e) => {
    assert.ok(e instanceof TransportUrlError);
    assert.match(
      e.message,
      /Cannot use virtual host "\/acct" in transport URL "nats:\/\/u:\*\*\*\*@h1/,
    );
    assert.match(e.message, /NATS has none/);
    assert.doesNotMatch(e.message, /secret/);
    return true;
  });
  assert.deepEqual(parseTransportUrl("nats://h1:4222/?name=a").query, { name: "a" });
  assert.deepEqual(parseTransportUrl("nats://h1:4222").servers, ["h1:4222"]);
});

Deno.test("parseTransportUrl() errors never show the password", () => {
  assert.throws(() => parseTransportUrl("nats://u:topsecret@bad host/"), (e) => {
    assert.ok(e instanceof TransportUrlError);
    assert.doesNotMatch(e.message, /topsecret/);
    return true;
  });
  assert.equal(redactTransportUrl("nats://a:b@h1,c:d@h2/"), "nats://a:****@h1,c:****@h2/");
});

Deno.test("connectTransport() to a closed port fails with ConnectionFailedError", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  await assert.rejects(
    connectTransport(`nats://u:pw@127.0.0.1:${port}/`, { timeout: 1000 }),
    (e) => {
      assert.ok(e instanceof ConnectionFailedError);
      assert.match(e.message, /Cannot connect to nats:\/\/u:\*\*\*\*@127\.0\.0\.1/);
      return true;
    },
  );
});
