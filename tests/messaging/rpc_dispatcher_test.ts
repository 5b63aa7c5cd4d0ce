import assert from "node:assert/strict";
import {
  NoOpSerializer,
  NoSuchMethodError,
  Target,
  UnsupportedVersionError,
} from "../../lib/messaging/mod.ts";
import { expose, RPCDispatcher } from "../../lib/messaging/rpc_dispatcher.ts";

const serializer = new NoOpSerializer();

function dispatcher(endpoints: object[], options = {}) {
  return new RPCDispatcher(endpoints, { serializer, ...options });
}

Deno.test("RPCDispatcher.dispatch() applies oslo's version rule to endpoint 1.3", async () => {
  const d = dispatcher([{ target: new Target({ version: "1.3" }), m: () => "ok" }]);
  assert.equal(await d.dispatch({}, { method: "m", args: {}, version: "1.2" }), "ok");
  assert.equal(await d.dispatch({}, { method: "m", args: {}, version: "1.3" }), "ok");
  for (const v of ["1.4", "2.0", "0.9"]) {
    await assert.rejects(d.dispatch({}, { method: "m", args: {}, version: v }), (e) => {
      assert.ok(e instanceof UnsupportedVersionError);
      assert.match(e.message, new RegExp(`version ${v.replace(".", "\\.")}. Attempted method: m`));
      return true;
    });
  }
});

Deno.test("RPCDispatcher.dispatch() defaults to version 1.0 on both sides", async () => {
  const d = dispatcher([{ m: () => "ok" }]);
  assert.equal(await d.dispatch({}, { method: "m", args: {} }), "ok");
  await assert.rejects(
    d.dispatch({}, { method: "m", args: {}, version: "1.1" }),
    UnsupportedVersionError,
  );
});

Deno.test("RPCDispatcher.dispatch() tries endpoints in order by namespace and version", async () => {
  const d = dispatcher([
    { target: new Target({ namespace: "a", version: "1.0" }), m: () => "a1" },
    { target: new Target({ namespace: "a", version: "2.1" }), m: () => "a2" },
    { target: new Target({ version: "1.5" }), m: () => "null-ns" },
    { target: new Target({ namespace: "new", legacyNamespaces: ["old"] }), m: () => "renamed" },
  ]);
  assert.equal(await d.dispatch({}, { method: "m", args: {}, namespace: "a" }), "a1");
  assert.equal(
    await d.dispatch({}, { method: "m", args: {}, namespace: "a", version: "2.0" }),
    "a2",
  );
  assert.equal(await d.dispatch({}, { method: "m", args: {}, version: "1.4" }), "null-ns");
  assert.equal(await d.dispatch({}, { method: "m", args: {}, namespace: "old" }), "renamed");
  await assert.rejects(
    d.dispatch({}, { method: "m", args: {}, namespace: "zzz" }),
    UnsupportedVersionError,
  );
});

Deno.test("RPCDispatcher.dispatch() raises NoSuchMethodError when a compatible endpoint lacks the method", async () => {
  const d = dispatcher([{ target: new Target({ version: "1.1" }), m: () => 1 }]);
  await assert.rejects(d.dispatch({}, { method: "nope", args: {} }), (e) => {
    assert.ok(e instanceof NoSuchMethodError);
    assert.equal(e.message, "Endpoint does not support RPC method nope");
    return true;
  });
});

Deno.test("RPCDispatcher.dispatch() passes context and keyword arguments and awaits", async () => {
  const seen: unknown[] = [];
  const d = dispatcher([{
    async add(ctxt: unknown, args: { a: number; b: number }) {
      seen.push(ctxt);
      await Promise.resolve();
      return args.a + args.b;
    },
  }]);
  assert.equal(await d.dispatch({ user_id: "u" }, { method: "add", args: { a: 2, b: 3 } }), 5);
  assert.deepEqual(seen, [{ user_id: "u" }]);
});

Deno.test("RPCDispatcher() refuses an endpoint whose target is not a Target", () => {
  assert.throws(() => dispatcher([{ target: () => 1 }]), (e) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /'target' is reserved/);
    return true;
  });
});

Deno.test("RPCDispatcher.dispatch() default policy hides _private methods and Object members", async () => {
  class Ep {
    _secret() {
      return "s";
    }
    open() {
      return "o";
    }
  }
  const d = dispatcher([new Ep()]);
  assert.equal(await d.dispatch({}, { method: "open", args: {} }), "o");
  for (const m of ["_secret", "constructor", "toString", "hasOwnProperty", "__proto__"]) {
    await assert.rejects(d.dispatch({}, { method: m, args: {} }), NoSuchMethodError, m);
  }
});

Deno.test("RPCDispatcher.dispatch() explicit policy runs only exposed methods; legacy runs _private", async () => {
  const ep = expose({ a: () => "a", b: () => "b", _c: () => "c" }, "a");
  const explicit = dispatcher([ep], { accessPolicy: "explicit" });
  assert.equal(await explicit.dispatch({}, { method: "a", args: {} }), "a");
  await assert.rejects(explicit.dispatch({}, { method: "b", args: {} }), NoSuchMethodError);
  const legacy = dispatcher([ep], { accessPolicy: "legacy" });
  assert.equal(await legacy.dispatch({}, { method: "_c", args: {} }), "c");
});

Deno.test("RPCDispatcher() pingEnabled adds oslo_rpc_server_ping unless an endpoint has one", async () => {
  const d = dispatcher([{}], { pingEnabled: true });
  assert.equal(await d.dispatch({}, { method: "oslo_rpc_server_ping", args: {} }), "pong");
  const warnings: string[] = [];
  const own = dispatcher([{ oslo_rpc_server_ping: () => "mine" }], {
    pingEnabled: true,
    warn: (m: string) => warnings.push(m),
  });
  assert.equal(await own.dispatch({}, { method: "oslo_rpc_server_ping", args: {} }), "mine");
  assert.match(warnings[0] ?? "", /already defines oslo_rpc_server_ping/);
});

Deno.test("RPCDispatcher.dispatch() runs entities and context through the serializer", async () => {
  const d = new RPCDispatcher([{ echo: (_c: unknown, a: { v: unknown }) => a.v }], {
    serializer: {
      serializeEntity: (_c, e) => ({ wrapped: e }),
      deserializeEntity: (_c, e) => `in:${e}`,
      serializeContext: (c) => c,
      deserializeContext: (c) => ({ ...c, restored: true }),
    },
  });
  assert.deepEqual(await d.dispatch({}, { method: "echo", args: { v: "x" } }), {
    wrapped: "in:x",
  });
});
