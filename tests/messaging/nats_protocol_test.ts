import assert from "node:assert/strict";
import {
  decodeHeaders,
  encodeHeaders,
  encodePub,
  ProtocolParser,
} from "../../lib/messaging/nats_protocol.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("ProtocolParser.feed() reassembles frames split anywhere, payloads with CRLF inside", () => {
  const wire = 'INFO {"server_id":"x","headers":true}\r\n' +
    "MSG a.b 1 5\r\nhe\r\no\r\n" +
    "PING\r\n" +
    "MSG c 2 _INBOX.x.1 0\r\n\r\n" +
    "HMSG d 3 22 25\r\nNATS/1.0\r\nK: v one\r\n\r\nabc\r\n" +
    "HMSG _INBOX.y.7 4 16 16\r\nNATS/1.0 503\r\n\r\n\r\n" +
    "+OK\r\n-ERR 'Authorization Violation'\r\nPONG\r\n";
  const bytes = enc(wire);
  for (const size of [1, 2, 3, 7, 64, bytes.length]) {
    const p = new ProtocolParser();
    const frames = [];
    for (let i = 0; i < bytes.length; i += size) frames.push(...p.feed(bytes.slice(i, i + size)));
    assert.deepEqual(frames.map((f) => f.op), [
      "INFO",
      "MSG",
      "PING",
      "MSG",
      "MSG",
      "MSG",
      "OK",
      "ERR",
      "PONG",
    ], `chunk size ${size}`);
    const [info, m1, , m2, m3, m4, , err] = frames;
    assert.equal(info?.op === "INFO" && info.info.server_id, "x");
    assert.ok(m1?.op === "MSG" && m2?.op === "MSG" && m3?.op === "MSG" && m4?.op === "MSG");
    assert.equal(dec(m1.payload), "he\r\no");
    assert.equal(m1.reply, undefined);
    assert.equal(m2.reply, "_INBOX.x.1");
    assert.equal(m2.payload.length, 0);
    assert.equal(dec(m3.payload), "abc");
    assert.deepEqual(decodeHeaders(m3.header).headers, { K: "v one" });
    assert.equal(decodeHeaders(m4.header).code, 503);
    assert.equal(err?.op === "ERR" && err.message, "Authorization Violation");
  }
});

Deno.test("encodePub() writes PUB, or HPUB with the header block counted", () => {
  assert.equal(dec(encodePub("s", undefined, new Uint8Array(), enc("hi"))), "PUB s 2\r\nhi\r\n");
  const h = encodeHeaders({ "Nats-Msg-Id": "m1" });
  assert.equal(dec(h), "NATS/1.0\r\nNats-Msg-Id: m1\r\n\r\n");
  assert.equal(
    dec(encodePub("s", "r.1", h, enc("x"))),
    `HPUB s r.1 ${h.length} ${h.length + 1}\r\nNATS/1.0\r\nNats-Msg-Id: m1\r\n\r\nx\r\n`,
  );
  assert.throws(() => encodeHeaders({ "a\r\nb": "x" }), /may not hold line breaks/);
});
