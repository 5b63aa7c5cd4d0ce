import assert from "node:assert/strict";
import { Enforcer } from "../../lib/policy/mod.ts";
import type { RemoteCheckService } from "../../lib/policy/remote_check.ts";

interface Seen {
  path: string;
  type: string | null;
  body: string;
}

async function withServer(
  answer: (path: string) => Response | Promise<Response>,
  fn: (base: string, seen: Seen[]) => Promise<void>,
): Promise<void> {
  const seen: Seen[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = new URL(req.url).pathname;
    seen.push({ path, type: req.headers.get("content-type"), body: await req.text() });
    return answer(path);
  });
  try {
    await fn(`127.0.0.1:${server.addr.port}`, seen);
  } finally {
    await server.shutdown();
  }
}

function remote(base: string, http: Partial<RemoteCheckService>, warnings: string[] = []) {
  return new Enforcer({
    policy: `"r": "http://${base}/%(kind)s"\n`,
    services: {
      http: {
        enabled: true,
        contentType: "application/x-www-form-urlencoded",
        timeoutMs: 5000,
        ...http,
      },
    },
    onWarning: (w) => warnings.push(w),
  });
}

Deno.test("HttpCheck allows only on a True reply, quotes stripped", async () => {
  const replies: Record<string, string> = {
    "/a": "True",
    "/b": '"True"',
    "/c": "true",
    "/d": "False",
  };
  await withServer((p) => new Response(replies[p] ?? ""), async (base) => {
    const e = remote(base, {});
    const got = [];
    for (const kind of ["a", "b", "c", "d"]) {
      got.push(await e.enforce("r", { kind }, { roles: [] }));
    }
    assert.deepEqual(got, [true, true, false, false]);
  });
});

Deno.test("HttpCheck posts the rule, target and credentials, form-encoded or JSON", async () => {
  await withServer(() => new Response("True"), async (base, seen) => {
    await remote(base, {}).enforce("r", { kind: "x" }, { user_id: "u" });
    assert.equal(seen[0]?.path, "/x");
    assert.equal(seen[0]?.type, "application/x-www-form-urlencoded");
    const form = new URLSearchParams(seen[0]?.body);
    assert.equal(form.get("rule"), '"r"');
    assert.deepEqual(JSON.parse(form.get("target")!), { kind: "x" });
    assert.deepEqual(JSON.parse(form.get("credentials")!), { user_id: "u" });
    await remote(base, { contentType: "application/json" }).enforce("r", { kind: "y" }, {
      user_id: "u",
    });
    assert.equal(seen[1]?.type, "application/json");
    assert.deepEqual(JSON.parse(seen[1]!.body), {
      rule: "r",
      target: { kind: "y" },
      credentials: { user_id: "u" },
    });
  });
});

Deno.test("HttpCheck denies with a warning on a timeout, when off, and without the URL's key", async () => {
  await withServer(async () => {
    await new Promise((r) => setTimeout(r, 500));
    return new Response("True");
  }, async (base) => {
    const warnings: string[] = [];
    assert.equal(
      await remote(base, { timeoutMs: 50 }, warnings).enforce("r", { kind: "x" }, {}),
      false,
    );
    assert.equal(
      await remote(base, { enabled: false }, warnings).enforce("r", { kind: "x" }, {}),
      false,
    );
    assert.equal(await remote(base, {}, warnings).enforce("r", {}, {}), false);
    const text = warnings.join("\n");
    assert.match(text, /Denied r: Cannot run "http:\/\/.*": .*(timed out|abort)/i);
    assert.match(text, /remote checks are off/);
    assert.match(text, /lacks a key/);
  });
});
