/**
 * A STAND-IN for an Open Policy Agent server, for tests. OPA cannot be
 * installed on these machines, so this small HTTP server plays its part,
 * shaped on OPA's documented REST API (docs/content/rest-api.md):
 *
 * - `POST /v1/data/{path}` with `{"input": ...}` → `200 {"result": <doc>}`,
 *   or `200 {}` when the document is undefined; a path to a package gives the
 *   object of its defined documents.
 * - `POST /v1/query` with `{"query", "input"?}` → `200 {"result": [{bindings}]}`,
 *   for the one query shape oslo-edge sends (`xN := [r | r := data[..] with
 *   input as <json>]`, one per line).
 * - Errors as OPA writes them: `400 {"code": "invalid_parameter", "message"}`
 *   for a malformed body or query, `500 {"code": "internal_error", "message"}`
 *   when a document fails to evaluate, `404 page not found` for unknown routes,
 *   `GET /health` → `200 {}`.
 *
 * Documents are JavaScript functions of the input instead of Rego. Where a
 * real `opa` binary is on PATH, {@linkcode startRealOpa} runs it with the
 * equivalent Rego, so the same tests can run against the real thing.
 *
 * @module
 */

/** A document: its value for an input, or undefined; throwing is an evaluation error (500). */
export type StandinDocument = (input: unknown) => unknown;

/** Options of {@linkcode startOpaStandin}. */
export interface OpaStandinOptions {
  /** Documents by data path (`test/admin_only`). */
  documents: Record<string, StandinDocument>;
  /** Raw responses by request path, to imitate broken servers (`/v1/data/x` → Response). */
  raw?: Record<string, () => Response>;
}

/** A running OPA (stand-in or real). */
export interface OpaServer extends AsyncDisposable {
  /** Base URL. */
  url: string;
  /** Whether this is the stand-in (false for a real `opa`). */
  standin: boolean;
  /** Requests seen (stand-in only): path and parsed body. */
  requests: { path: string; body: unknown }[];
  /** Delays every answer by this many ms (stand-in only). */
  delayMs: number;
  stop(): Promise<void>;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const opaError = (status: number, code: string, message: string, errors?: unknown[]) =>
  json(status, { code, message, ...(errors ? { errors } : {}) });

function evaluate(docs: Record<string, StandinDocument>, path: string, input: unknown): unknown {
  const p = path.replace(/^\/+|\/+$/g, "");
  if (Object.hasOwn(docs, p)) return docs[p]!(input);
  const prefix = p === "" ? "" : `${p}/`;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(docs)) {
    if (!key.startsWith(prefix)) continue;
    const v = docs[key]!(input);
    if (v === undefined) continue;
    const parts = key.slice(prefix.length).split("/");
    let node = (out ??= {});
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]!] = v;
  }
  return out;
}

const QUERY_LINE = /^(x\d+) := \[r \| r := data((?:\["(?:[^"\\]|\\.)*"\])*) with input as (.*)\]$/;

/** Starts the stand-in on a free loopback port. */
export function startOpaStandin(options: OpaStandinOptions): Promise<OpaServer> {
  const state: OpaServer = {
    url: "",
    standin: true,
    requests: [],
    delayMs: 0,
    stop: async () => await server.shutdown(),
    [Symbol.asyncDispose]: async () => await state.stop(),
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const text = req.method === "POST" ? await req.text() : "";
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    state.requests.push({ path: url.pathname, body });
    if (state.delayMs > 0) await new Promise((r) => setTimeout(r, state.delayMs));
    const raw = options.raw?.[url.pathname];
    if (raw) return raw();
    if (url.pathname === "/health" && req.method === "GET") return json(200, {});
    if (url.pathname.startsWith("/v1/data")) {
      if (req.method !== "POST") return new Response("Method Not Allowed\n", { status: 405 });
      if (text && (body === undefined || typeof body !== "object" || Array.isArray(body))) {
        return opaError(
          400,
          "invalid_parameter",
          "body contains malformed input document: invalid JSON",
        );
      }
      const path = decodeURIComponent(url.pathname.slice("/v1/data".length));
      try {
        const result = evaluate(
          options.documents,
          path,
          (body as { input?: unknown } | undefined)?.input,
        );
        return json(200, result === undefined ? {} : { result });
      } catch (e) {
        return opaError(500, "internal_error", `1 error occurred: ${(e as Error).message}`);
      }
    }
    if (url.pathname === "/v1/query" && req.method === "POST") {
      const query = (body as { query?: unknown } | undefined)?.query;
      if (typeof query !== "string") return opaError(400, "invalid_parameter", "missing query");
      const bindings: Record<string, unknown> = {};
      try {
        for (const [i, line] of query.split("\n").entries()) {
          const m = QUERY_LINE.exec(line);
          if (!m) {
            return opaError(400, "invalid_parameter", "error(s) occurred while parsing query", [
              {
                code: "rego_parse_error",
                message: "unexpected query shape",
                location: { file: "", row: i + 1, col: 1 },
              },
            ]);
          }
          const segments = [...m[2]!.matchAll(/\["((?:[^"\\]|\\.)*)"\]/g)].map((s) =>
            JSON.parse(`"${s[1]}"`)
          );
          const v = evaluate(options.documents, segments.join("/"), JSON.parse(m[3]!));
          bindings[m[1]!] = v === undefined ? [] : [v];
        }
      } catch (e) {
        return opaError(500, "internal_error", `1 error occurred: ${(e as Error).message}`);
      }
      return json(200, { result: [bindings] });
    }
    return new Response("404 page not found\n", {
      status: 404,
      headers: { "Content-Type": "text/plain" },
    });
  });
  state.url = `http://127.0.0.1:${server.addr.port}`;
  return Promise.resolve(state);
}

/** Starts a real `opa` with the given Rego modules, or returns null when no `opa` is on PATH. */
export async function startRealOpa(modules: Record<string, string>): Promise<OpaServer | null> {
  const which = await new Deno.Command("sh", { args: ["-c", "command -v opa"], stdout: "piped" })
    .output();
  if (!which.success) return null;
  const dir = await Deno.makeTempDir({ prefix: "opa-real-" });
  const files: string[] = [];
  for (const [name, text] of Object.entries(modules)) {
    await Deno.writeTextFile(`${dir}/${name}`, text);
    files.push(`${dir}/${name}`);
  }
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const child = new Deno.Command("opa", {
    args: ["run", "--server", "--addr", `127.0.0.1:${port}`, ...files],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`opa did not start on ${url}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
    await child.stderr.cancel().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  };
  return { url, standin: false, requests: [], delayMs: 0, stop, [Symbol.asyncDispose]: stop };
}
