/**
 * `POST /v1/policy/enforce` and `POST /v1/policy/enforce:batch` answered
 * before the Hono app, for the requests that need nothing unusual, with the
 * shell's behaviour kept (the tests compare both paths reply for reply):
 *
 * 1. Only `POST` on exactly these paths (no query, no `%`); the request is
 *    timed from here (`[metrics]`), and the timer goes with it if the app
 *    answers after all.
 * 2. The request id is the caller's when it has oslo's `req-<uuid>` form, else a
 *    new one, echoed on the reply.
 * 3. Anything unusual goes to the app, which answers as it always does:
 *    a missing or oversize `Content-Length`, chunked bodies, a body that is not
 *    JSON by `Content-Type`, no or a bad bearer token (auth on), a body that is
 *    not JSON or not exactly the route's shape (zod then names the issues), body
 *    credentials with auth on, `policy:enforce` not open. A body already read
 *    is handed on in a rebuilt request.
 * 4. The token is verified (remembered until its `exp`, see
 *    shell/token_cache.ts); `policy:enforce` is not decided when it is `@` for
 *    everyone with no scope types (nor is it in the app); when it is anything
 *    else, the app decides it and answers.
 * 5. The decision, answered `{rule, allowed}` (`{results}` for a batch).
 *
 * @module
 */
import type { Enforcer, Target } from "../lib/policy/mod.ts";
import type { ServiceMetrics } from "../lib/health/mod.ts";
import { type Credentials, emptyCredentials } from "./shell/auth.ts";
import { REQUEST_ID_HEADER, requestIdFor } from "./shell/request_id.ts";
import type { TokenCache } from "./shell/token_cache.ts";

/** What the fast path needs. */
export interface PolicyFastPathDeps {
  /** The enforcer the policy router decides with. */
  enforcer: Enforcer;
  /** Verified tokens; null when auth is off (dev mode). */
  tokens: TokenCache | null;
  /** `[oslo_middleware] max_request_body_size`. */
  maxBodySize: number;
  /** Most decisions in one batch (the router's limit). */
  maxBatch: number;
  /** `[metrics]`, when on. */
  metrics?: ServiceMetrics | undefined;
  /** The app, for every request the fast path hands on. */
  app: (request: Request, env: unknown, ctx: unknown) => Response | Promise<Response>;
}

const ENFORCE = "/v1/policy/enforce";
const BATCH = "/v1/policy/enforce:batch";
// The shell's own patterns (shell/json_body.ts, shell/auth.ts).
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;
const BEARER = /^Bearer\s+([A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]*\.?[A-Za-z0-9\-_.+/=]*)\s*$/i;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function onlyKeys(o: Json, a: string, b?: string, c?: string): boolean {
  for (const k in o) if (k !== a && k !== b && k !== c) return false;
  return true;
}

interface Parsed {
  requests: { rule: string; target: Target }[];
  credentials: Json | undefined;
}

/** `{rule, target?, credentials?}` exactly, as the router's zod schema; undefined otherwise. */
function enforceBody(v: unknown): Parsed | undefined {
  if (!isObject(v) || !onlyKeys(v, "rule", "target", "credentials")) return undefined;
  const { rule, target, credentials } = v;
  if (typeof rule !== "string" || rule.length === 0) return undefined;
  if (target !== undefined && !isObject(target)) return undefined;
  if (credentials !== undefined && !isObject(credentials)) return undefined;
  return { requests: [{ rule, target: target ?? {} }], credentials };
}

/** `{requests: [{rule, target?}] (1..max), credentials?}` exactly; undefined otherwise. */
function batchBody(v: unknown, max: number): Parsed | undefined {
  if (!isObject(v) || !onlyKeys(v, "requests", "credentials")) return undefined;
  const { requests, credentials } = v;
  if (!Array.isArray(requests) || requests.length < 1 || requests.length > max) return undefined;
  if (credentials !== undefined && !isObject(credentials)) return undefined;
  const out: Parsed["requests"] = [];
  for (const r of requests) {
    if (!isObject(r) || !onlyKeys(r, "rule", "target")) return undefined;
    if (typeof r.rule !== "string" || r.rule.length === 0) return undefined;
    if (r.target !== undefined && !isObject(r.target)) return undefined;
    out.push({ rule: r.rule, target: (r.target as Target | undefined) ?? {} });
  }
  return { requests: out, credentials };
}

function pathOf(url: string): string | undefined {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return undefined;
  const path = url.slice(start);
  return path === ENFORCE || path === BATCH ? path : undefined;
}

/** The fast path: a reply, or undefined for requests it does not take (the app answers). */
export function policyFastPath(
  deps: PolicyFastPathDeps,
): (request: Request, env?: unknown, ctx?: unknown) => Promise<Response> | undefined {
  const { enforcer, tokens, metrics } = deps;

  async function answer(req: Request, path: string, env: unknown, ctx: unknown) {
    const timer = metrics?.httpStart("POST");
    const app = (request: Request) =>
      deps.app(request, timer ? { ...(env as object | undefined), httpTimer: timer } : env, ctx);
    const headers = req.headers;
    const id = requestIdFor(headers.get(REQUEST_ID_HEADER));
    const length = headers.get("content-length");
    const type = headers.get("content-type");
    if (
      length === null || Number.parseInt(length, 10) > deps.maxBodySize ||
      headers.has("transfer-encoding") || type === null || !JSON_TYPE.test(type) ||
      !enforcer.isOpen("policy:enforce")
    ) return await app(req);
    let creds: Credentials | null = null;
    if (tokens) {
      const m = BEARER.exec(headers.get("authorization") ?? "");
      if (!m) return await app(req);
      const token = m[1]!;
      creds = tokens.lookup(token) ?? null;
      if (!creds) {
        try {
          creds = await tokens.verify(token);
        } catch {
          return await app(req); // the app answers the 401 as it always does
        }
      }
    }
    let text: string;
    try {
      text = await req.text();
    } catch {
      return await app(req); // the body cannot be read: the app's problem reply
    }
    const again = () => app(new Request(req.url, { method: "POST", headers, body: text }));
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return await again();
    }
    const body = path === ENFORCE ? enforceBody(value) : batchBody(value, deps.maxBatch);
    if (!body || (creds && body.credentials !== undefined)) return await again();
    const who = creds ?? body.credentials ?? emptyCredentials();
    let reply: string;
    if (path === ENFORCE) {
      const { rule, target } = body.requests[0]!;
      reply = JSON.stringify({ rule, allowed: await enforcer.enforce(rule, target, who) });
    } else {
      const allowed = await enforcer.enforceMany(
        body.requests.map((r) => ({ rule: r.rule, target: r.target, creds: who })),
      );
      reply = JSON.stringify({
        results: body.requests.map((r, i) => ({ rule: r.rule, allowed: allowed[i] })),
      });
    }
    timer?.(path, 200);
    return new Response(reply, {
      status: 200,
      headers: { "Content-Type": "application/json", [REQUEST_ID_HEADER]: id },
    });
  }

  return function fastPolicy(request, env, ctx) {
    if (request.method !== "POST") return undefined;
    const path = pathOf(request.url);
    return path === undefined ? undefined : answer(request, path, env, ctx);
  };
}
