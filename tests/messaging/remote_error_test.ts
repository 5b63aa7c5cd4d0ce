import assert from "node:assert/strict";
import {
  connectTransport,
  RemoteError,
  RPCClient,
  RPCServer,
  type Transport,
} from "../../lib/messaging/mod.ts";
import { natsTest, startNatsServer } from "../_support/nats_server.ts";
import { memoryLog } from "./_helpers.ts";

class QuotaExceeded extends Error {
  readonly code = "ERR_QUOTA";
  readonly resource: string;
  constructor(resource: string) {
    super(`Quota exceeded for ${resource}`);
    this.name = "QuotaExceeded";
    this.resource = resource;
  }
}

/** Endpoint methods that fail. */
const failing = {
  quota() {
    throw new QuotaExceeded("cores");
  },
  crash() {
    throw new Error("db password=hunter2 rejected");
  },
};

async function serve(t: Transport, server: string, ep: object, options = {}) {
  const s = new RPCServer(t, { topic: "calc", server }, [ep], { log: memoryLog(), ...options });
  await s.start();
  return s;
}

natsTest(
  "RPCClient.call() rebuilds allowed remote errors as their class, others as RemoteError",
  async () => {
    await using nats = await startNatsServer();
    await using t = await connectTransport(nats.url);
    const log = memoryLog();
    // The server lists nothing: the client's allow-list alone decides the type.
    await using _s = await serve(t, "a", failing, { log });
    const allowed = new RPCClient(t, { topic: "calc" }, {
      timeout: 5000,
      allowedRemoteErrors: [QuotaExceeded],
    });
    await assert.rejects(allowed.call({}, "quota"), (e) => {
      assert.ok(e instanceof QuotaExceeded);
      assert.equal(e.message, "Quota exceeded for cores");
      assert.equal(e.code, "ERR_QUOTA");
      assert.equal(e.resource, "cores");
      return true;
    });
    const plain = new RPCClient(t, { topic: "calc" }, { timeout: 5000 });
    await assert.rejects(plain.call({}, "quota"), (e) => {
      assert.ok(e instanceof RemoteError);
      assert.equal(e.excType, "QuotaExceeded");
      assert.equal(e.value, "Quota exceeded for cores");
      assert.equal(e.remoteCode, "ERR_QUOTA");
      assert.equal(e.traceback, undefined);
      return true;
    });
    // Any error's name and message travel, as oslo's; its stack does not.
    await assert.rejects(plain.call({}, "crash"), (e) => {
      assert.ok(e instanceof RemoteError);
      assert.equal(e.excType, "Error");
      assert.equal(e.value, "db password=hunter2 rejected");
      assert.equal(e.message, "Remote error: Error: db password=hunter2 rejected");
      assert.equal(e.traceback, undefined);
      return true;
    });
    const raw = await t.request(
      "oslo.rpc.openstack.calc",
      JSON.stringify({ "oslo.version": "2.0", method: "crash", args: {}, context: {} }),
      { timeout: 5000 },
    );
    const failure = raw.json<{ failure: Record<string, unknown> }>().failure;
    assert.deepEqual(failure, { class: "Error", message: "db password=hunter2 rejected" });
    assert.doesNotMatch(raw.string(), /remote_error_test|file:|\bat /);
    // Not expected by the server: logged as an error with its stack; the rest at debug.
    assert.ok(log.lines.some((l) => l.level === "error" && /crash.*\n\s+at /s.test(l.message)));
    assert.ok(log.lines.some((l) => l.level === "error" && l.message.includes("QuotaExceeded")));
  },
);

natsTest("RPCServer expectedErrors log at debug; sendTraceback sends the stack", async () => {
  await using nats = await startNatsServer();
  await using t = await connectTransport(nats.url);
  const log = memoryLog();
  await using _s = await serve(t, "a", failing, {
    log,
    expectedErrors: [QuotaExceeded],
    sendTraceback: true,
  });
  const client = new RPCClient(t, { topic: "calc" }, { timeout: 5000 });
  await assert.rejects(client.call({}, "quota"), (e) => {
    assert.ok(e instanceof RemoteError);
    assert.match(e.traceback ?? "", /QuotaExceeded: Quota exceeded for cores\n\s+at /);
    return true;
  });
  assert.ok(log.lines.some((l) => l.level === "debug" && /"quota".*QuotaExceeded/.test(l.message)));
  assert.ok(!log.lines.some((l) => l.level === "error"));
  const typed = new RPCClient(t, { topic: "calc" }, {
    timeout: 5000,
    allowedRemoteErrors: [QuotaExceeded],
  });
  await assert.rejects(typed.call({}, "quota"), (e) => {
    assert.ok(e instanceof QuotaExceeded);
    assert.match(e.stack ?? "", /at \(remote\)\n.*QuotaExceeded: Quota exceeded/s);
    return true;
  });
});

/** Two classes named QuotaExceeded, told apart by their modules. */
class NovaQuota extends Error {
  static readonly module = "nova.exception";
  constructor() {
    super("nova quota");
    this.name = "QuotaExceeded";
  }
}
class CinderQuota extends Error {
  static readonly module = "cinder.exception";
  constructor() {
    super("cinder quota");
    this.name = "QuotaExceeded";
  }
}
Object.defineProperty(NovaQuota, "name", { value: "QuotaExceeded" });
Object.defineProperty(CinderQuota, "name", { value: "QuotaExceeded" });

natsTest(
  "RPCClient allowedRemoteErrors are keyed module.Name: same-named classes do not collide",
  async () => {
    await using nats = await startNatsServer();
    await using t = await connectTransport(nats.url);
    await using _s = await serve(t, "a", {
      nova: () => {
        throw new NovaQuota();
      },
      cinder: () => {
        throw new CinderQuota();
      },
    });
    const novaOnly = new RPCClient(t, { topic: "calc" }, {
      timeout: 5000,
      allowedRemoteErrors: [NovaQuota],
    });
    await assert.rejects(novaOnly.call({}, "nova"), NovaQuota);
    await assert.rejects(novaOnly.call({}, "cinder"), (e) => {
      assert.ok(e instanceof RemoteError);
      assert.ok(!(e instanceof NovaQuota));
      assert.equal(e.excType, "QuotaExceeded");
      assert.equal(e.module, "cinder.exception");
      assert.equal(e.value, "cinder quota");
      return true;
    });
    const both = new RPCClient(t, { topic: "calc" }, {
      timeout: 5000,
      allowedRemoteErrors: [NovaQuota, CinderQuota],
    });
    await assert.rejects(both.call({}, "nova"), NovaQuota);
    await assert.rejects(both.call({}, "cinder"), CinderQuota);
    // Keys given explicitly; a bare name matches that name from any module.
    const keyed = new RPCClient(t, { topic: "calc" }, {
      timeout: 5000,
      allowedRemoteErrors: { "cinder.exception.QuotaExceeded": CinderQuota },
    });
    await assert.rejects(keyed.call({}, "cinder"), CinderQuota);
    await assert.rejects(keyed.call({}, "nova"), RemoteError);
    const byName = new RPCClient(t, { topic: "calc" }, {
      timeout: 5000,
      allowedRemoteErrors: { QuotaExceeded: QuotaExceeded },
    });
    await assert.rejects(byName.call({}, "cinder"), (e) => {
      assert.ok(e instanceof QuotaExceeded);
      assert.equal(e.message, "cinder quota");
      return true;
    });
    // Two same-named classes with nothing to tell them apart are refused up front.
    class Twin extends Error {}
    const other = { Twin: class extends Error {} }.Twin;
    assert.throws(
      () => new RPCClient(t, { topic: "calc" }, { allowedRemoteErrors: [Twin, other] }),
      (e) => {
        assert.ok(e instanceof TypeError);
        assert.match(
          e.message,
          /Cannot allow two remote error classes as "Twin": give them a module/,
        );
        return true;
      },
    );
  },
);
