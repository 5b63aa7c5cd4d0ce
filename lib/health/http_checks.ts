/**
 * The `keystone` and `opa` backends: one HTTP GET each, bounded by the
 * probe's signal. Keystone: its version document (`GET /v3` → 200 with
 * `version`, or `GET /` → 300 with `versions`). OPA: `GET /health` (200 when
 * ready, 500 with `{code, message}` otherwise), optionally `?bundles`.
 *
 * @module
 */
import type { HealthcheckResult, HealthPlugin } from "./plugin.ts";

/** Options shared by the HTTP checks. */
export interface HttpCheckOptions {
  /** `fetch` to use (tests, proxies); the global one by default. */
  fetch?: typeof fetch;
}

/** The URL without user info or query, for messages. */
function shown(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

async function get(
  url: URL,
  signal: AbortSignal,
  options: HttpCheckOptions,
): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now();
  const res = await (options.fetch ?? fetch)(url, {
    headers: { Accept: "application/json" },
    signal,
    redirect: "manual",
  });
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = text.slice(0, 200);
  }
  return { status: res.status, body, ms: performance.now() - started };
}

function failure(reason: string, url: URL, e: unknown): HealthcheckResult {
  const message = e instanceof Error ? e.message : String(e);
  return { available: false, reason, details: `GET ${shown(url)} failed: ${message}` };
}

/**
 * `keystone`: fetches the version document at `url`.
 *
 * @example
 * ```ts ignore
 * const plugin = keystoneCheck({ url: "http://127.0.0.1:5000/v3" });
 * await plugin.probe(AbortSignal.timeout(2000));
 * // { available: true, reason: "OK", details: "Keystone v3.14 (stable) at http://127.0.0.1:5000/v3 answered in 4 ms" }
 * ```
 */
export function keystoneCheck(options: HttpCheckOptions & { url: string }): HealthPlugin {
  const url = new URL(options.url);
  const reason = "KEYSTONE UNAVAILABLE";
  return {
    name: "keystone",
    kind: "dependency",
    failReason: reason,
    async probe(signal: AbortSignal): Promise<HealthcheckResult> {
      let reply;
      try {
        reply = await get(url, signal, options);
      } catch (e) {
        return failure(reason, url, e);
      }
      const body = reply.body as {
        version?: { id?: string; status?: string };
        versions?: { values?: { id?: string; status?: string }[] };
      };
      const versions = reply.status === 200 && body?.version
        ? [body.version]
        : reply.status === 300 && Array.isArray(body?.versions?.values)
        ? body.versions.values
        : undefined;
      if (!versions) {
        return {
          available: false,
          reason,
          details: `GET ${shown(url)} answered ${reply.status} without a version document`,
        };
      }
      const ids = versions.map((v) => `${v.id ?? "?"} (${v.status ?? "?"})`).join(", ");
      return {
        available: true,
        reason: "OK",
        details: `Keystone ${ids} at ${shown(url)} answered in ${Math.round(reply.ms)} ms`,
      };
    },
  };
}

/**
 * `opa`: asks OPA's `/health` endpoint under `url` (with `?bundles` when `bundles`).
 *
 * @example
 * ```ts ignore
 * const plugin = opaCheck({ url: "http://127.0.0.1:8181", bundles: true });
 * await plugin.probe(AbortSignal.timeout(2000));
 * // { available: false, reason: "OPA UNAVAILABLE", details: "GET http://127.0.0.1:8181/health answered 500: ..." }
 * ```
 */
export function opaCheck(
  options: HttpCheckOptions & { url: string; bundles?: boolean },
): HealthPlugin {
  const url = new URL("health", options.url.endsWith("/") ? options.url : `${options.url}/`);
  if (options.bundles) url.searchParams.set("bundles", "true");
  const reason = "OPA UNAVAILABLE";
  return {
    name: "opa",
    kind: "dependency",
    failReason: reason,
    async probe(signal: AbortSignal): Promise<HealthcheckResult> {
      let reply;
      try {
        reply = await get(url, signal, options);
      } catch (e) {
        return failure(reason, url, e);
      }
      if (reply.status === 200) {
        return {
          available: true,
          reason: "OK",
          details: `OPA at ${shown(url)}${options.bundles ? "?bundles" : ""} is healthy (${
            Math.round(reply.ms)
          } ms)`,
        };
      }
      const b = reply.body as { code?: string; message?: string; error?: string } | string;
      const why = typeof b === "object" && b !== null
        ? [b.code, b.message ?? b.error].filter(Boolean).join(": ")
        : String(b ?? "");
      return {
        available: false,
        reason,
        details: `GET ${shown(url)} answered ${reply.status}${why ? `: ${why}` : ""}`,
      };
    },
  };
}
