/**
 * The subject design: how targets map to NATS subjects.
 *
 * RPC (`exchange` defaults to "openstack"; every name is one escaped token):
 *
 * | target         | subject                                       | subscribed as                         |
 * |----------------|-----------------------------------------------|---------------------------------------|
 * | topic          | `oslo.rpc.<exchange>.<topic>`                 | queue group (one server)              |
 * | topic + server | `oslo.rpc.<exchange>.<topic>.server.<server>` | queue group (one server of that name) |
 * | topic + fanout | `oslo.rpc.<exchange>.<topic>.fanout`          | plain (every server)                  |
 *
 * Replies go to the caller's own inbox, `_INBOX.<client>.<call>`: heartbeats
 * (empty messages) and then one final reply.
 *
 * Notifications: `oslo.notify.<site>.<exchange>.<topic>.<priority>`, where
 * `site` is where the notifier runs (a leaf node's JetStream domain, or the
 * hub). Each site's stream captures its own site's subjects; the hub's stream
 * also sources the leaf streams (see `notification_streams.ts`). Listeners at
 * the hub filter on `oslo.notify.*.<exchange>.<topic>.<priority>`.
 *
 * Names are escaped so that a dot, space or wildcard in a topic or host name
 * stays inside its token: every character but letters, digits, `_` and `-`
 * becomes `%XX` (UTF-8).
 *
 * @module
 */

const SAFE = /^[A-Za-z0-9_-]+$/;

/**
 * One subject token for a name: letters, digits, `_` and `-` as they are, the rest `%XX`.
 *
 * @example
 * ```ts
 * import { subjectToken } from "./subjects.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(subjectToken("compute"), "compute");
 * assert.equal(subjectToken("node1.example.org"), "node1%2Eexample%2Eorg");
 * ```
 */
export function subjectToken(name: string): string {
  if (name === "") throw new TypeError("Cannot use an empty name in a subject");
  if (SAFE.test(name)) return name;
  let out = "";
  for (const ch of name) {
    if (/[A-Za-z0-9_-]/.test(ch)) out += ch;
    else {for (const b of new TextEncoder().encode(ch)) {
        out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
      }}
  }
  return out;
}

/**
 * Subject of an RPC target: topic (queue), topic + server, or topic + fanout.
 *
 * @example
 * ```ts
 * import { rpcSubject } from "./subjects.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(rpcSubject("openstack", "compute"), "oslo.rpc.openstack.compute");
 * assert.equal(rpcSubject("openstack", "compute", { server: "n1" }), "oslo.rpc.openstack.compute.server.n1");
 * assert.equal(rpcSubject("openstack", "compute", { fanout: true }), "oslo.rpc.openstack.compute.fanout");
 * ```
 */
export function rpcSubject(
  exchange: string,
  topic: string,
  options: { server?: string | undefined; fanout?: boolean | undefined } = {},
): string {
  const base = `oslo.rpc.${subjectToken(exchange)}.${subjectToken(topic)}`;
  if (options.fanout) return `${base}.fanout`;
  if (options.server) return `${base}.server.${subjectToken(options.server)}`;
  return base;
}

/**
 * Subject a notification of `priority` (lower case) on `topic` is published on from `site`.
 *
 * @example
 * ```ts
 * import { notificationFilter, notificationSubject } from "./subjects.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   notificationSubject("leaf1", "openstack", "notifications", "info"),
 *   "oslo.notify.leaf1.openstack.notifications.info",
 * );
 * assert.equal(notificationFilter("openstack", "notifications", "info"), "oslo.notify.*.openstack.notifications.info");
 * ```
 */
export function notificationSubject(
  site: string,
  exchange: string,
  topic: string,
  priority: string,
): string {
  return `oslo.notify.${subjectToken(site)}.${subjectToken(exchange)}.${
    subjectToken(topic)
  }.${priority}`;
}

/** Filter matching notifications of `priority` on `topic` from `site` (default every site: `*`). */
export function notificationFilter(
  exchange: string,
  topic: string,
  priority: string,
  site = "*",
): string {
  const s = site === "*" ? "*" : subjectToken(site);
  return `oslo.notify.${s}.${subjectToken(exchange)}.${subjectToken(topic)}.${priority}`;
}

/** Subjects a site's notification stream captures: its own site's. */
export function siteNotificationSubjects(site: string): string[] {
  return [`oslo.notify.${subjectToken(site)}.>`];
}
