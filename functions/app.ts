/**
 * The one HTTP app: the shell every route shares (request id, body size
 * limit, authentication, problem+json errors, 404/405), with one router per area.
 *
 * Request lifecycle:
 * 0. Health probes (`[healthcheck] path`, `/livez`, `/readyz`) are answered
 *    first, without the steps below but with a request id as in step 1
 *    (oslo.middleware's healthcheck sits first in a pipeline too);
 *    `POST /v1/policy/enforce` and `:batch` are answered by their fast path
 *    (functions/policy_fast_path.ts), which keeps steps 1-6 and hands anything
 *    unusual to them; `httpMetrics` (when `[metrics] enabled`) counts and
 *    times every other request.
 * 1. `requestId` accepts or generates `X-Openstack-Request-Id`.
 * 2. `methodNotAllowed` turns a 404 on a known path into a 405 with `Allow`.
 * 3. `bodyLimit` refuses bodies over `[oslo_middleware] max_request_body_size` (413).
 * 4. `authenticate` verifies the bearer token (all paths but the public ones),
 *    remembering verified tokens until their `exp` (at most a minute).
 * 5. The area router validates the body with zod and calls lib/.
 * 6. `onError` maps error codes to problem+json.
 *
 * @module
 */
import { Hono } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import type { ReloadStatus, Schema, SchemaGroup } from "../lib/config/mod.ts";
import { CONFIG_BODY_LIMIT_HINT, createConfigApp } from "./config.ts";
import { createLimitApp, type LimitAppDeps } from "./limit.ts";
import { createPolicyApp, DEFAULT_MAX_BATCH } from "./policy.ts";
import { policyFastPath } from "./policy_fast_path.ts";
import { tokenCache } from "./shell/token_cache.ts";
import { Enforcer } from "../lib/policy/mod.ts";
import {
  type ConnBindings,
  createHealthApp,
  type HealthAppDeps,
  healthFastPath,
} from "./health.ts";
import { createHealthcheck, defaultHealthcheckValues } from "../lib/health/mod.ts";
import { authenticate, type AuthVariables, type Verifier } from "./shell/auth.ts";
import { bodyLimit } from "./shell/body_limit.ts";
import { HttpProblem, notFound, onError, problemFor, problemResponse } from "./shell/problem.ts";
import { requestId, type RequestIdVariables } from "./shell/request_id.ts";
import { httpMetrics } from "./shell/http_metrics.ts";

/** Context variables every handler can read. */
export type AppEnv = { Variables: RequestIdVariables & AuthVariables; Bindings: ConnBindings };

/** What the app is built from: everything is loaded once per isolate, then shared. */
export interface AppDeps {
  /** Verifies bearer tokens; null when auth is off (dev mode only). */
  verify: Verifier | null;
  /** Largest request body in bytes. */
  maxBodySize: number;
  /** Built-in config schemas by name (options in code, or loaded samples). */
  schemas: Readonly<Record<string, Schema | readonly SchemaGroup[]>>;
  /** The service's config load/reload status (`GET /v1/config/status`). */
  configStatus?: () => ReloadStatus;
  /** Limits: enforcer, usage store, policy check (`/v1/limits` is mounted when given). */
  limits?: LimitAppDeps;
  /** The service's policy enforcer (built once from [oslo_policy]); denies everything if absent. */
  policy?: Enforcer;
  /** The health check (built from `[healthcheck]`); oslo.middleware's defaults when absent. */
  health?: HealthAppDeps;
  /** Answer `POST /v1/policy/enforce` (and `:batch`) on their fast path (default true). */
  policyFastPath?: boolean;
}

/** Paths served without a token (the health check's path comes from `[healthcheck] path`). */
export const PUBLIC_PATHS = ["/healthcheck", "/livez", "/readyz"] as const;

/** Builds the app. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const health = deps.health ?? { health: createHealthcheck(defaultHealthcheckValues()) };
  const publicPaths = [
    health.health.path,
    ...PUBLIC_PATHS.slice(1),
    ...(health.metrics ? [health.metrics.path] : []),
  ];
  const app = new Hono<AppEnv>();
  if (health.metrics) app.use(httpMetrics({ metrics: health.metrics.service }));
  app.use(requestId());
  app.use(methodNotAllowed({
    app,
    onMethodNotAllowed: (c, methods) =>
      problemResponse(
        c,
        problemFor("ERR_METHOD_NOT_ALLOWED", `${c.req.method} is not allowed on ${c.req.path}`),
        { Allow: methods.join(", ") },
      ),
  }));
  app.use(bodyLimit({
    maxSize: deps.maxBodySize,
    onError: (c) => {
      const hint = c.req.path.startsWith("/v1/config/") ? CONFIG_BODY_LIMIT_HINT : "";
      throw new HttpProblem(
        "ERR_BODY_TOO_LARGE",
        `Request body is larger than ${deps.maxBodySize} bytes ([oslo_middleware] max_request_body_size)${hint}`,
      );
    },
  }));
  const tokens = deps.verify ? tokenCache(deps.verify) : null;
  app.use(authenticate({ verify: tokens ? tokens.verify : null, publicPaths }));

  app.route("/", createHealthApp(health));
  app.route(
    "/v1/config",
    createConfigApp({
      schemas: deps.schemas,
      ...(deps.configStatus ? { status: deps.configStatus } : {}),
    }),
  );
  if (deps.limits) app.route("/v1/limits", createLimitApp(deps.limits));
  const enforcer = deps.policy ?? new Enforcer({});
  app.route("/v1/policy", createPolicyApp({ enforcer, maxBatch: DEFAULT_MAX_BATCH }));

  app.onError(onError);
  app.notFound(notFound);

  // Health probes, then policy decisions, are answered before the shell.
  const fast = healthFastPath(health);
  const dispatch = app.fetch;
  const policy = deps.policyFastPath === false ? null : policyFastPath({
    enforcer,
    tokens,
    maxBodySize: deps.maxBodySize,
    maxBatch: DEFAULT_MAX_BATCH,
    metrics: health.metrics?.service,
    app: (request, env, ctx) => dispatch(request, env as ConnBindings, ctx as never),
  });
  app.fetch = (request, env, ctx) =>
    fast(request, env as ConnBindings) ?? policy?.(request, env, ctx) ??
      dispatch(request, env, ctx);
  return app;
}
