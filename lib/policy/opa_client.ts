/**
 * A client of OPA's REST API: the Data API (`POST /v1/data/<path>` with
 * `{"input": ...}`) for one decision, and the Query API (`POST /v1/query`) to
 * decide several documents in one round trip. Every failure (timeout, non-2xx,
 * a body that is not OPA's) is an {@linkcode OpaError}; an undefined document
 * is `undefined`, never an error.
 *
 * @module
 */
import { OpaError } from "./errors.ts";

/** Options of {@linkcode OpaClient}. */
export interface OpaClientOptions {
  /** Base URL, `http://127.0.0.1:8181`. */
  url: string;
  /** Milliseconds before a call is abandoned. */
  timeoutMs: number;
  /** Extra headers (`Authorization: Bearer ...` for OPA's token authentication). */
  headers?: Readonly<Record<string, string>>;
  /** fetch to use; the global one by default. */
  fetch?: typeof fetch;
}

/** One document to evaluate. */
export interface OpaRequest {
  /** Data path, `/`-separated: `identity/get_user`. */
  path: string;
  input: unknown;
}

/** Splits a `/`-separated data path into its segments (empty ones dropped). */
export function pathSegments(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

/** A Rego reference to a data path: `data["identity"]["get_user"]`. */
export function dataRef(path: string): string {
  return `data${pathSegments(path).map((s) => `[${JSON.stringify(s)}]`).join("")}`;
}

/** Whether an OPA result allows: `true`, or an object whose `allow` is `true`. */
export function isAllowResult(result: unknown): boolean {
  if (result === true) return true;
  return typeof result === "object" && result !== null && !Array.isArray(result) &&
    (result as { allow?: unknown }).allow === true;
}

/**
 * Talks to one OPA server.
 *
 * @example A decision
 * ```ts ignore
 * const opa = new OpaClient({ url: "http://127.0.0.1:8181", timeoutMs: 1000 });
 * const result = await opa.evaluate("identity/get_user", { rule: "identity:get_user", target, credentials });
 * ```
 */
export class OpaClient {
  readonly #o: OpaClientOptions;
  readonly #base: string;
  constructor(options: OpaClientOptions) {
    this.#o = options;
    this.#base = options.url.replace(/\/+$/, "");
  }

  async #post(path: string, body: unknown): Promise<Record<string, unknown>> {
    const url = `${this.#base}${path}`;
    let res: Response;
    try {
      res = await (this.#o.fetch ?? fetch)(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...this.#o.headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
    } catch (e) {
      const timedOut = (e as Error).name === "TimeoutError";
      throw new OpaError(
        timedOut
          ? `OPA did not answer ${path} within ${this.#o.timeoutMs} ms`
          : `Cannot reach OPA at ${this.#base}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    const text = await res.text().catch(() => "");
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const err = json as { code?: string; message?: string } | undefined;
      const detail = err?.code ? `${err.code}: ${err.message ?? ""}` : text.slice(0, 200).trim();
      throw new OpaError(`OPA answered ${res.status} to ${path}: ${detail || res.statusText}`, {
        status: res.status,
      });
    }
    if (json === null || typeof json !== "object" || Array.isArray(json)) {
      throw new OpaError(
        `OPA answered ${path} with a body that is not a JSON object: ${text.slice(0, 200)}`,
        {
          status: res.status,
        },
      );
    }
    return json as Record<string, unknown>;
  }

  /** The document at `path` for `input`; undefined when OPA has none. */
  async evaluate(path: string, input: unknown): Promise<unknown> {
    const segments = pathSegments(path).map(encodeURIComponent).join("/");
    const body = await this.#post(`/v1/data/${segments}`, { input });
    return body.result;
  }

  /**
   * Several documents in one round trip: an ad-hoc query binding `x<i>` to
   * the (zero or one) results of each document with its own input.
   */
  async evaluateMany(requests: readonly OpaRequest[]): Promise<unknown[]> {
    if (requests.length === 0) return [];
    const query = requests.map((r, i) =>
      `x${i} := [r | r := ${dataRef(r.path)} with input as ${JSON.stringify(r.input ?? null)}]`
    ).join("\n");
    const body = await this.#post("/v1/query", { query });
    const rows = body.result;
    if (rows === undefined) return requests.map(() => undefined);
    if (!Array.isArray(rows)) {
      throw new OpaError("OPA answered /v1/query with a result that is not a list");
    }
    const bindings = (rows[0] ?? {}) as Record<string, unknown>;
    return requests.map((_, i) => {
      const v = bindings[`x${i}`];
      if (v === undefined) return undefined;
      if (!Array.isArray(v)) throw new OpaError(`OPA answered /v1/query with x${i} not a list`);
      return v.length === 0 ? undefined : v[0];
    });
  }
}
