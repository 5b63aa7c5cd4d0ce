/**
 * RFC 9457 problem details: one `onError` maps every area's error codes to an
 * HTTP status and an `application/problem+json` body with a stable `type`.
 *
 * @module
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Media type of problem replies. */
export const PROBLEM_JSON = "application/problem+json";

/** Prefix of every problem `type`: `urn:oslo-edge:problem:<slug>`. */
export const PROBLEM_TYPE_PREFIX = "urn:oslo-edge:problem:";

/** One field-level issue (zod issue, config finding) inside a problem. */
export interface ProblemIssue {
  /** Path to the field, dotted (`deltas.cores`) or `GROUP/OPTION`. */
  path: string;
  /** What is wrong with it. */
  message: string;
  /** 1-based line in the submitted text, where known. */
  line?: number;
}

/** An RFC 9457 problem body. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** The request id, to find the request in logs. */
  request_id?: string;
  /** Field-level issues. */
  errors?: ProblemIssue[];
  [extension: string]: unknown;
}

/** Status and title for a stable error code. */
export interface ProblemMapping {
  status: ContentfulStatusCode;
  title: string;
  /** Slug of the problem type; defaults to the code in kebab case without `ERR_`. */
  slug?: string;
}

/**
 * Error codes of every area → HTTP status. Areas add their codes here; an
 * error whose code is not listed is a 500 and its message is not shown.
 */
export const PROBLEM_CODES: Readonly<Record<string, ProblemMapping>> = {
  // the HTTP shell
  ERR_MALFORMED_JSON: { status: 400, title: "Malformed JSON body" },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Unsupported media type" },
  ERR_VALIDATION: { status: 400, title: "Invalid request body" },
  ERR_BODY_TOO_LARGE: { status: 413, title: "Request body too large" },
  ERR_NOT_FOUND: { status: 404, title: "Not found" },
  ERR_METHOD_NOT_ALLOWED: { status: 405, title: "Method not allowed" },
  ERR_UNAUTHENTICATED: { status: 401, title: "Authentication required" },
  ERR_INVALID_TOKEN: { status: 401, title: "Invalid token" },
  ERR_FORBIDDEN: { status: 403, title: "Forbidden" },
  // lib/config
  ERR_CONFIG_PARSE: { status: 422, title: "Config file cannot be parsed" },
  ERR_CONFIG_VALUE: { status: 422, title: "Invalid config value" },
  ERR_CONFIG_INVALID: { status: 422, title: "Invalid config values" },
  ERR_CONFIG_REQUIRED: { status: 422, title: "Required config option missing" },
  ERR_CONFIG_NO_SUCH_OPT: { status: 422, title: "Unknown config option" },
  // lib/limit. Over a limit is 403, as Nova (oslo.limit's main consumer) answers OverQuota, so
  // OpenStack clients treat it alike; the type `project-over-limit` tells it from a policy 403.
  ERR_LIMIT_PROJECT_OVER_LIMIT: {
    status: 403,
    title: "Project over limit",
    slug: "project-over-limit",
  },
  ERR_LIMIT_CLAIM_NOT_FOUND: { status: 404, title: "Claim not found" },
  ERR_LIMIT_USAGE: { status: 500, title: "Usage unavailable" },
  ERR_LIMIT_SOURCE: { status: 500, title: "Limits unavailable" },
  ERR_LIMIT_HIERARCHY: { status: 500, title: "Project hierarchy breaks the limit model" },
  ERR_LIMIT_ENDPOINT: { status: 500, title: "Service endpoint not found in Keystone" },
  ERR_LIMIT_KEYSTONE_AUTH: { status: 500, title: "Keystone refused the service's credentials" },
  ERR_LIMIT_KEYSTONE: { status: 503, title: "Keystone unavailable" },
  ERR_LIMIT_STORE: { status: 503, title: "Usage store unavailable" },
  ERR_LIMIT_NOT_READY: { status: 503, title: "Limits not received yet" },
  ERR_LIMIT: { status: 500, title: "Limit error" },
  ERR_CONFIG_SCHEMA: { status: 422, title: "Invalid sample config data" },
  ERR_CONFIG_INTERPOLATION: { status: 422, title: "Config value cannot be substituted" },
  // lib/policy
  ERR_POLICY_NOT_AUTHORIZED: { status: 403, title: "Disallowed by policy" },
  ERR_POLICY_INVALID_SCOPE: { status: 403, title: "Token scope not allowed by policy" },
  ERR_POLICY_NOT_REGISTERED: { status: 500, title: "Policy rule not registered" },
  ERR_POLICY_INVALID_CONTEXT: { status: 400, title: "Invalid credentials for a policy check" },
  ERR_POLICY_FILE: { status: 503, title: "Policy cannot be loaded" },
  ERR_OPA: { status: 502, title: "Policy decision point failed" },
  // lib/messaging: NATS behind a route (limits at the hub, the edge agent's calls)
  ERR_MESSAGING_TIMEOUT: { status: 504, title: "Messaging timeout" },
  ERR_MESSAGING_HEARTBEAT: { status: 504, title: "Remote server stopped answering" },
  ERR_MESSAGING_NO_RESPONDERS: { status: 503, title: "No server is listening" },
  ERR_MESSAGING_CONNECTION: { status: 503, title: "Messaging unavailable" },
  ERR_MESSAGING_JETSTREAM: { status: 503, title: "JetStream request failed" },
  ERR_MESSAGING_SOURCES_PENDING: { status: 503, title: "Edge sites not reachable yet" },
  ERR_MESSAGING_DELIVERY: { status: 503, title: "Message not delivered" },
  ERR_MESSAGING_KV_CONFLICT: { status: 409, title: "Concurrent update conflict" },
  ERR_MESSAGING_REMOTE: { status: 502, title: "Remote server failed" },
  ERR_MESSAGING_NO_SUCH_METHOD: { status: 502, title: "Remote server lacks the method" },
  ERR_MESSAGING_UNSUPPORTED_VERSION: { status: 502, title: "Remote server lacks the version" },
  ERR_MESSAGING_URL: { status: 500, title: "Invalid messaging transport URL" },
  ERR_MESSAGING_INVALID_TARGET: { status: 500, title: "Invalid messaging target" },
  ERR_MESSAGING_VERSION_CAP: { status: 500, title: "RPC version above the cap" },
  ERR_MESSAGING: { status: 500, title: "Messaging error" },
  // lib/health
  ERR_HEALTH_CONFIG: { status: 500, title: "Health check misconfigured" },
  ERR_METRICS: { status: 500, title: "Metrics error" },
  ERR_HEALTH: { status: 500, title: "Health check error" },
};

/** Titles of HTTP statuses Hono raises itself (HTTPException) that have no code of their own. */
const STATUS_TITLES: Readonly<Record<number, string>> = {
  400: "Bad request",
  403: "Forbidden",
  408: "Request timeout",
  409: "Conflict",
  411: "Length required",
  415: "Unsupported media type",
  422: "Unprocessable content",
  429: "Too many requests",
  500: "Internal server error",
  502: "Bad gateway",
  503: "Service unavailable",
  504: "Gateway timeout",
};

/** An error the shell raises itself, with a code from {@linkcode PROBLEM_CODES}. */
export class HttpProblem extends Error {
  readonly code: string;
  readonly errors: ProblemIssue[] | undefined;
  readonly headers: Record<string, string>;
  constructor(
    code: string,
    detail: string,
    options: { errors?: ProblemIssue[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(detail, options.cause === undefined ? {} : { cause: options.cause });
    this.name = "HttpProblem";
    this.code = code;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

const slugOf = (code: string) => code.replace(/^ERR_/, "").toLowerCase().replaceAll("_", "-");

/** Builds a problem body for `code`. */
export function problemFor(
  code: string,
  detail: string | undefined,
  extra: Partial<Problem> = {},
): Problem {
  const m = PROBLEM_CODES[code] ?? { status: 500, title: "Internal server error" };
  return {
    type: `${PROBLEM_TYPE_PREFIX}${m.slug ?? slugOf(PROBLEM_CODES[code] ? code : "ERR_INTERNAL")}`,
    title: m.title,
    status: m.status,
    ...(detail === undefined ? {} : { detail }),
    ...extra,
  };
}

/** Sends a problem reply. */
export function problemResponse(
  c: Context,
  problem: Problem,
  headers: Record<string, string> = {},
): Response {
  const requestId = c.res.headers.get("X-Openstack-Request-Id") ?? c.get("requestId" as never);
  const body: Problem = {
    ...problem,
    instance: problem.instance ?? new URL(c.req.url).pathname,
    ...(requestId ? { request_id: String(requestId) } : {}),
  };
  return new Response(c.req.method === "HEAD" ? null : JSON.stringify(body), {
    status: problem.status,
    headers: {
      "Content-Type": PROBLEM_JSON,
      ...(requestId ? { "X-Openstack-Request-Id": String(requestId) } : {}),
      ...headers,
    },
  });
}

/** Collects `errors` (issues) from an error that carries them (lib/config's ConfigErrors). */
function issuesOf(err: unknown): ProblemIssue[] | undefined {
  const list = (err as { errors?: unknown }).errors;
  if (!Array.isArray(list)) return undefined;
  return list.map((e) => {
    const option = (e as { option?: string }).option;
    const line = (e as { line?: number }).line;
    return {
      path: option ?? "",
      message: e instanceof Error ? e.message : String(e),
      ...(typeof line === "number" ? { line } : {}),
    };
  });
}

/** Hono `onError`: every error becomes problem+json; unknown errors are 500s that say nothing. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof HttpProblem) {
    return problemResponse(
      c,
      problemFor(err.code, err.message, err.errors ? { errors: err.errors } : {}),
      err.headers,
    );
  }
  if (err instanceof HTTPException) {
    const code = err.status === 413
      ? "ERR_BODY_TOO_LARGE"
      : err.status === 401
      ? "ERR_UNAUTHENTICATED"
      : err.status === 404
      ? "ERR_NOT_FOUND"
      : undefined;
    if (code) return problemResponse(c, { ...problemFor(code, err.message), status: err.status });
    // Another status from Hono itself: say only what the status says, and Hono's message.
    const title = STATUS_TITLES[err.status] ?? `HTTP ${err.status}`;
    return problemResponse(c, {
      type: `${PROBLEM_TYPE_PREFIX}http-${err.status}`,
      title,
      status: err.status,
      detail: err.message || `The request failed: ${title.toLowerCase()}`,
    });
  }
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && PROBLEM_CODES[code]) {
    const issues = issuesOf(err);
    const line = (err as { line?: unknown }).line;
    return problemResponse(
      c,
      problemFor(code, err.message, {
        ...(issues ? { errors: issues } : {}),
        ...(typeof line === "number" ? { line } : {}),
      }),
    );
  }
  console.error(`[${c.get("requestId" as never) ?? "-"}] ${c.req.method} ${c.req.path}:`, err);
  return problemResponse(c, problemFor("ERR_INTERNAL", "The server failed to handle the request"));
}

/** Hono `notFound`: 404 as problem+json. */
export function notFound(c: Context): Response {
  return problemResponse(
    c,
    problemFor("ERR_NOT_FOUND", `No route for ${c.req.method} ${c.req.path}`),
  );
}
