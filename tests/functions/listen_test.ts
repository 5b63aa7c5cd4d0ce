import assert from "node:assert/strict";
import { listenFailure, listenHost, listenPort, listenUrl } from "../../functions/listen.ts";
import { StartupError } from "../../functions/startup_error.ts";

Deno.test("listenPort() takes 0 to 65535, 8000 when unset, and names PORT otherwise", () => {
  assert.equal(listenPort(undefined), 8000);
  assert.equal(listenPort(""), 8000);
  assert.equal(listenPort("0"), 0);
  assert.equal(listenPort("65535"), 65535);
  for (const bad of ["abc", "8000x", " 80", "1e3", "99999", "-5"]) {
    assert.throws(
      () => listenPort(bad),
      (e) => e instanceof StartupError && e.message.includes(`PORT from the environment: "${bad}"`),
    );
  }
});

Deno.test("listenHost() defaults to loopback in dev mode, every interface otherwise, HOST first", () => {
  assert.deepEqual(listenHost(undefined, true), {
    hostname: "127.0.0.1",
    description: "127.0.0.1 only (set HOST to change)",
  });
  assert.equal(listenHost(undefined, false).hostname, "0.0.0.0");
  assert.deepEqual(listenHost("0.0.0.0", true), {
    hostname: "0.0.0.0",
    description: "0.0.0.0 (from HOST)",
  });
});

Deno.test("listenUrl() names localhost for the wildcard and loopback, brackets IPv6", () => {
  assert.equal(listenUrl("0.0.0.0", 8000), "http://localhost:8000/");
  assert.equal(listenUrl("127.0.0.1", 1), "http://localhost:1/");
  assert.equal(listenUrl("fd00::1", 80), "http://[fd00::1]:80/");
});

Deno.test("listenFailure() says why in one line with what to change", () => {
  assert.equal(
    listenFailure(
      new Deno.errors.PermissionDenied("Permission denied (os error 13)"),
      "0.0.0.0",
      80,
    ),
    "Cannot listen on 0.0.0.0:80: permission denied (ports below 1024 need privileges): set PORT to 1024 or above",
  );
  assert.match(
    listenFailure(new Deno.errors.AddrInUse("in use"), "::1", 8000),
    /^Cannot listen on \[::1\]:8000: the address is already in use: .*set PORT/,
  );
  assert.equal(
    listenFailure(new Error("failed to lookup address information\nmore"), "nosuch", 1),
    "Cannot listen on nosuch:1: failed to lookup address information: check HOST and PORT",
  );
});
