import assert from "node:assert/strict";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { onError, PROBLEM_CODES } from "../../functions/shell/problem.ts";
import {
  ConnectionFailedError,
  MessagingTimeout,
  NoRespondersError,
} from "../../lib/messaging/mod.ts";
import { HealthConfigError } from "../../lib/health/mod.ts";

/** An app whose one route throws `err`, with the shell's onError. */
function throwing(err: Error): Hono {
  const app = new Hono();
  app.get("/boom", () => {
    throw err;
  });
  app.onError(onError);
  return app;
}

async function problemOf(err: Error) {
  const res = await throwing(err).request("/boom");
  assert.equal(res.headers.get("Content-Type"), "application/problem+json");
  return { status: res.status, body: await res.json() };
}

Deno.test("onError() maps messaging timeouts to 504 and an unreachable NATS to 503", async () => {
  const timeout = await problemOf(new MessagingTimeout("Timed out waiting for a reply"));
  assert.equal(timeout.status, 504);
  assert.equal(timeout.body.type, "urn:oslo-edge:problem:messaging-timeout");
  assert.match(timeout.body.detail, /Timed out waiting for a reply/);
  const down = await problemOf(new ConnectionFailedError("Cannot connect to nats://h:4222"));
  assert.equal(down.status, 503);
  assert.equal(down.body.title, "Messaging unavailable");
  assert.match(down.body.detail, /Cannot connect to nats:\/\/h:4222/);
  const nobody = await problemOf(new NoRespondersError("oslo.rpc.x"));
  assert.equal(nobody.status, 503);
  assert.match(nobody.body.detail, /no server is listening/);
});

Deno.test("onError() maps health errors to a 500 that says what failed", async () => {
  const { status, body } = await problemOf(
    new HealthConfigError("healthcheck/backends", 'Unknown backend "nope"'),
  );
  assert.equal(status, 500);
  assert.equal(body.type, "urn:oslo-edge:problem:health-config");
  assert.equal(body.title, "Health check misconfigured");
  assert.match(body.detail, /Unknown backend "nope"/);
});

Deno.test("onError() knows every error code of lib/messaging and lib/health", async () => {
  const codes = new Set<string>();
  for (const area of ["messaging", "health"]) {
    const dir = new URL(`../../lib/${area}/`, import.meta.url);
    for await (const e of Deno.readDir(dir)) {
      if (!e.name.endsWith(".ts")) continue;
      const text = await Deno.readTextFile(new URL(e.name, dir));
      for (const m of text.matchAll(/code(?:: string)? = "(ERR_[A-Z_]+)"/g)) {
        codes.add(m[1] as string);
      }
    }
  }
  assert.ok(
    codes.has("ERR_MESSAGING_TIMEOUT") && codes.has("ERR_HEALTH_CONFIG"),
    [...codes].join(),
  );
  const unmapped = [...codes].filter((c) => !PROBLEM_CODES[c]);
  assert.deepEqual(unmapped, [], "codes an HTTP reply would turn into an opaque 500");
});

Deno.test("onError() gives Hono's own errors of other statuses their true title", async () => {
  const { status, body } = await problemOf(
    new HTTPException(408, { message: "Request body took too long" }),
  );
  assert.equal(status, 408);
  assert.equal(body.type, "urn:oslo-edge:problem:http-408");
  assert.equal(body.title, "Request timeout");
  assert.equal(body.detail, "Request body took too long");
  assert.notEqual(body.title, "Invalid request body");
  const bare = await problemOf(new HTTPException(503));
  assert.equal(bare.status, 503);
  assert.equal(bare.body.title, "Service unavailable");
  assert.match(bare.body.detail, /service unavailable/);
});
