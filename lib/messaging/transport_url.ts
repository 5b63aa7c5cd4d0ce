/**
 * Transport URLs, as oslo.messaging's `transport_url`, for NATS:
 * `nats://user:pass@host:port,host2:port/` (`tls://` asks for TLS). Every host
 * uses the one set of credentials: hosts may repeat it or leave it out, but a
 * host naming other credentials is refused (one NATS connection authenticates
 * once, whichever server it reaches). NATS has no virtual hosts: a path
 * (`/acct`) is refused rather than ignored.
 *
 * @module
 */
import { TransportUrlError } from "./errors.ts";

/** A parsed transport URL. */
export interface TransportUrl {
  /** `nats` or `tls`. */
  scheme: string;
  /** `host:port` of every server, in order. */
  servers: string[];
  /** User name, when given. */
  user?: string;
  /** Password, when given (never printed: see {@linkcode redactTransportUrl}). */
  pass?: string;
  /** Token, when the URL carries one (`nats://token@host`). */
  token?: string;
  /** Query parameters (`?name=agent1`). */
  query: Record<string, string>;
}

const SCHEMES = ["nats", "tls"];

/**
 * Parses a NATS transport URL.
 *
 * @example Several hosts, one set of credentials
 * ```ts
 * import { parseTransportUrl } from "./transport_url.ts";
 * import assert from "node:assert/strict";
 *
 * const url = parseTransportUrl("nats://u:p@h1:4222,h2:4223/");
 * assert.deepEqual(url.servers, ["h1:4222", "h2:4223"]);
 * assert.equal(url.user, "u");
 * ```
 */
export function parseTransportUrl(text: string): TransportUrl {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)\/?([^?#]*)(?:\?([^#]*))?$/i.exec(text.trim());
  if (!m) {
    throw new TransportUrlError(
      `Cannot parse transport URL "${
        redactTransportUrl(text)
      }": expected nats://[user:pass@]host:port[,host:port]/`,
    );
  }
  const scheme = (m[1] as string).toLowerCase();
  if (!SCHEMES.includes(scheme)) {
    throw new TransportUrlError(
      `Cannot use transport URL scheme "${scheme}": use ${
        SCHEMES.map((s) => `${s}://`).join(" or ")
      }`,
    );
  }
  const path = m[3] as string;
  if (path !== "") {
    throw new TransportUrlError(
      `Cannot use virtual host "/${path}" in transport URL "${
        redactTransportUrl(text)
      }": NATS has none; end the URL with "/" and select an account by its credentials`,
    );
  }
  const out: TransportUrl = { scheme, servers: [], query: {} };
  let credentials: string | undefined;
  for (const part of (m[2] as string).split(",")) {
    if (part === "") continue;
    const at = part.lastIndexOf("@");
    const hostPort = at >= 0 ? part.slice(at + 1) : part;
    if (at >= 0) {
      const cred = part.slice(0, at);
      if (credentials === undefined) {
        credentials = cred;
        const colon = cred.indexOf(":");
        if (colon >= 0) {
          out.user = decodeURIComponent(cred.slice(0, colon));
          out.pass = decodeURIComponent(cred.slice(colon + 1));
        } else {
          out.token = decodeURIComponent(cred);
        }
      } else if (decodeURIComponent(cred) !== decodeURIComponent(credentials)) {
        throw new TransportUrlError(
          `Cannot use different credentials for host "${hostPort}" in transport URL "${
            redactTransportUrl(text)
          }": one connection authenticates once, so every host must use the same user and password (or name none)`,
        );
      }
    }
    if (
      !/^(\[[0-9a-f:.]+\]|[^:\[\]\s]+)(:\d{1,5})?$/i.test(hostPort) ||
      Number(hostPort.split(":").pop()) > 65535
    ) {
      throw new TransportUrlError(
        `Cannot parse host "${hostPort}" in transport URL "${redactTransportUrl(text)}"`,
      );
    }
    out.servers.push(/:\d+$/.test(hostPort) ? hostPort : `${hostPort}:4222`);
  }
  if (out.servers.length === 0) {
    throw new TransportUrlError(
      `Cannot use transport URL "${redactTransportUrl(text)}": it names no host`,
    );
  }
  for (const [k, v] of new URLSearchParams(m[4] ?? "")) out.query[k] = v;
  return out;
}

/**
 * Hides credentials in a transport URL for logs and errors.
 *
 * @example
 * ```ts
 * import { redactTransportUrl } from "./transport_url.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(redactTransportUrl("nats://u:secret@h:4222/"), "nats://u:****@h:4222/");
 * ```
 */
export function redactTransportUrl(text: string): string {
  return text.replace(/(\/\/|,)([^:@/,]+):([^@/,]*)@/g, "$1$2:****@")
    .replace(/(\/\/|,)([^:@/,]+)@/g, "$1****@");
}
