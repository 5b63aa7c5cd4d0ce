/**
 * Who may see health information: oslo.middleware's `allowed_source_ranges`
 * (the connection's address must be in one of the networks) and
 * `ignore_proxied_requests` (no `X-Forwarded*` header). A request that fails
 * either is not answered by the health endpoint at all: it goes on to the rest
 * of the app, as oslo.middleware passes it to the wrapped application.
 *
 * @module
 */
import { HealthConfigError } from "./errors.ts";
import { inNetwork, type IpNetwork, parseIpAddress, parseIpNetwork } from "./ip_network.ts";

/** Headers whose presence (with a non-empty value) marks a proxied request, as oslo.middleware. */
export const PROXY_HEADERS = [
  "x-forwarded",
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-forwarded-for",
  "x-forwarded-prefix",
] as const;

/** Options of {@linkcode createSourceFilter}. */
export interface SourceFilterOptions {
  /** Networks (CIDR) allowed; empty allows every source. */
  allowedSourceRanges?: readonly string[];
  /** Refuse requests carrying any of {@linkcode PROXY_HEADERS}. */
  ignoreProxiedRequests?: boolean;
  /** Option name used in errors, e.g. `healthcheck/allowed_source_ranges`. */
  option?: string;
}

/** What a filter sees of a request: the connection's address and a header reader. */
export interface SourceInfo {
  /** Peer address of the connection (not a header); undefined when unknown. */
  remoteAddress: string | undefined;
  /** Reads a request header (case-insensitive), undefined when absent. */
  header(name: string): string | undefined;
}

/** Decides whether a request may be answered. */
export interface SourceFilter {
  /** True when the request may be answered. */
  allows(source: SourceInfo): boolean;
  /** True when the filter lets everything through (nothing configured). */
  readonly open: boolean;
}

/**
 * Builds a filter; throws {@linkcode HealthConfigError} naming the option for
 * a range Python's `ipaddress.ip_network` would refuse.
 *
 * @example Loopback only, proxied requests refused
 * ```ts
 * import { createSourceFilter } from "./source_filter.ts";
 * import assert from "node:assert/strict";
 *
 * const filter = createSourceFilter({
 *   allowedSourceRanges: ["127.0.0.0/8", "::1"],
 *   ignoreProxiedRequests: true,
 * });
 * const none = () => undefined;
 * assert.equal(filter.allows({ remoteAddress: "127.0.0.5", header: none }), true);
 * assert.equal(filter.allows({ remoteAddress: "10.0.0.1", header: none }), false);
 * const proxied = (h: string) => (h === "x-forwarded-for" ? "1.2.3.4" : undefined);
 * assert.equal(filter.allows({ remoteAddress: "::1", header: proxied }), false);
 * ```
 */
export function createSourceFilter(options: SourceFilterOptions = {}): SourceFilter {
  const option = options.option ?? "healthcheck/allowed_source_ranges";
  const networks: IpNetwork[] = (options.allowedSourceRanges ?? []).map((r) => {
    try {
      return parseIpNetwork(r);
    } catch (e) {
      throw new HealthConfigError(
        option,
        `Invalid network in ${option}: ${
          (e as Error).message
        } (write CIDR like 10.0.0.0/8 or ::1/128)`,
        { cause: e },
      );
    }
  });
  const ignoreProxied = options.ignoreProxiedRequests ?? false;
  return {
    open: networks.length === 0 && !ignoreProxied,
    allows(source: SourceInfo): boolean {
      if (networks.length > 0) {
        const addr = source.remoteAddress === undefined
          ? undefined
          : parseIpAddress(source.remoteAddress);
        if (!addr || !networks.some((n) => inNetwork(addr, n))) return false;
      }
      if (ignoreProxied) {
        for (const h of PROXY_HEADERS) {
          // WSGI folds `-` and `_` together (HTTP_X_FORWARDED_FOR); so do we.
          if (source.header(h) || source.header(h.replaceAll("-", "_"))) return false;
        }
      }
      return true;
    },
  };
}
