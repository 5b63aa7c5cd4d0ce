/**
 * Where a message goes, after oslo.messaging's `Target`: an exchange and topic,
 * optionally one server on it or all of them (fanout), and for endpoints the
 * namespace and version of the interface they implement.
 *
 * @module
 */

/** Fields of a {@linkcode Target}; which are needed depends on the use. */
export interface TargetFields {
  /** Scope of topics; the client's or server's `exchange` option ("openstack") when unset. */
  exchange?: string | undefined;
  /** Name of the set of interfaces servers expose; one server of the topic gets each call. */
  topic?: string | undefined;
  /** RPC interface (set of methods); none is the null namespace. */
  namespace?: string | undefined;
  /** `major.minor[.revision]` version of the interface. */
  version?: string | undefined;
  /** One server of the topic, for directed calls; a server's own name. */
  server?: string | undefined;
  /** Deliver to every server of the topic (casts only). */
  fanout?: boolean | undefined;
  /** Further namespaces an endpoint accepts, for renaming one during rolling upgrades. */
  legacyNamespaces?: readonly string[] | undefined;
}

/**
 * An immutable target. A client needs `topic`; a server needs `topic` and
 * `server`; an endpoint's target carries `namespace` and `version`.
 *
 * @example Copy with overrides
 * ```ts
 * import { Target } from "./target.ts";
 * import assert from "node:assert/strict";
 *
 * const t = new Target({ topic: "compute", version: "1.2" });
 * const direct = t.with({ server: "node1" });
 * assert.equal(direct.server, "node1");
 * assert.equal(direct.version, "1.2");
 * assert.equal(String(direct), "<Target topic=compute, version=1.2, server=node1>");
 * ```
 */
export class Target implements TargetFields {
  readonly exchange: string | undefined;
  readonly topic: string | undefined;
  readonly namespace: string | undefined;
  readonly version: string | undefined;
  readonly server: string | undefined;
  readonly fanout: boolean | undefined;
  readonly legacyNamespaces: readonly string[];

  constructor(fields: TargetFields = {}) {
    this.exchange = fields.exchange;
    this.topic = fields.topic;
    this.namespace = fields.namespace;
    this.version = fields.version;
    this.server = fields.server;
    this.fanout = fields.fanout;
    this.legacyNamespaces = [...(fields.legacyNamespaces ?? [])];
    Object.freeze(this);
  }

  /** A copy with some fields replaced (`undefined` clears a field). */
  with(overrides: TargetFields): Target {
    const fields: TargetFields = { ...this, ...overrides };
    if (!("legacyNamespaces" in overrides)) fields.legacyNamespaces = this.legacyNamespaces;
    return new Target(fields);
  }

  /** The namespace and the legacy ones: what an endpoint with this target accepts. */
  get acceptedNamespaces(): (string | undefined)[] {
    return [this.namespace, ...this.legacyNamespaces];
  }

  /** `<Target topic=x, server=y>`, listing the fields that are set, as oslo.messaging prints it. */
  toString(): string {
    const parts: string[] = [];
    for (const k of ["exchange", "topic", "namespace", "version", "server", "fanout"] as const) {
      const v = this[k];
      if (v) parts.push(`${k}=${v}`);
    }
    return `<Target ${parts.join(", ")}>`;
  }
}
