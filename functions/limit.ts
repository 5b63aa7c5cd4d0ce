/**
 * Limits router: quota checks and claims over HTTP (mounted at `/v1/limits`).
 *
 * - `POST /check` `{projectId, deltas}` → 200 `{allowed: true}`, or a 403
 *   problem (`project-over-limit`) with `projectId` and `overLimitInfoList`.
 * - `POST /claims` `{projectId, deltas}` → 201 `{claimId, projectId, deltas, expiresAt}`:
 *   the usage is reserved until committed, released or expired.
 * - `POST /claims/{claimId}/commit`, `POST /claims/{claimId}/release` → 204.
 * - `POST /usage` `{projectId, resources}` → 200 `{projectId, usage: {r: {limit, usage}}}`
 *   (under strict-two-level also `available` and `cap`).
 * - `POST /usage/adjust` `{projectId, deltas}` → 200 `{projectId, committed: {r: n}}`:
 *   committed usage changed by the deltas (negative gives usage back), never below 0.
 *
 * Every route first authorizes its rule (`limit:check`, `limit:claim`,
 * `limit:commit`, `limit:release`, `limit:usage`, `limit:adjust`) on the
 * target `{project_id}` with the service's policy enforcer
 * (functions/shell/authorize.ts): a denial is a 403 `policy-not-authorized`.
 *
 * @module
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { z } from "zod";
import {
  claimProjectId,
  type Enforcer,
  ProjectOverLimit,
  type UsageStore,
} from "../lib/limit/mod.ts";
import type * as policy from "../lib/policy/mod.ts";
import type { AuthVariables } from "./shell/auth.ts";
import { callerCredentials, createAuthorize, registerPolicyDefaults } from "./shell/authorize.ts";
import { jsonBody } from "./shell/json_body.ts";
import { problemFor, problemResponse } from "./shell/problem.ts";

/**
 * Admins, or a caller scoped to the project in question. oslo.policy renders
 * a null project id as "None" on both sides, so `project_id:%(project_id)s`
 * alone would let any caller without a project act on `projectId: null`
 * (registered limits): `not project_id:None` leaves that to admins.
 */
const ADMIN_OR_OWNER = "role:admin or (project_id:%(project_id)s and not project_id:None)";

/**
 * The limits routes' policy rules, registered into the service enforcer.
 * Operators override them in their policy file like any oslo.policy rule.
 */
export const LIMIT_POLICY_DEFAULTS: readonly policy.RuleDefault[] = [
  ["limit:check", ADMIN_OR_OWNER, "Check deltas against a project's limits.", "/v1/limits/check"],
  ["limit:claim", ADMIN_OR_OWNER, "Reserve usage for a project (a claim).", "/v1/limits/claims"],
  [
    "limit:commit",
    ADMIN_OR_OWNER,
    "Commit a claim.",
    "/v1/limits/claims/{claim_id}/commit",
  ],
  [
    "limit:release",
    ADMIN_OR_OWNER,
    "Release a claim.",
    "/v1/limits/claims/{claim_id}/release",
  ],
  ["limit:usage", ADMIN_OR_OWNER, "Read a project's usage.", "/v1/limits/usage"],
  [
    "limit:adjust",
    "role:admin",
    "Change a project's committed usage (give usage back when a resource is deleted).",
    "/v1/limits/usage/adjust",
  ],
].map(([name, checkStr, description, path]) => ({
  name: name!,
  checkStr: checkStr!,
  description: description!,
  operations: [{ path: path!, method: "POST" }],
}));

/** What the limits router needs. */
export interface LimitAppDeps {
  /** Checks deltas against limits; its usage callback reads `store`. */
  enforcer: Enforcer;
  /** Claims and usage (in memory, or on NATS KV across sites). */
  store: UsageStore;
  /** The service's policy enforcer; the router registers its rules into it. */
  policy: policy.Enforcer;
  /** Told of every check and claim decision (metrics): over-limit resources when refused. */
  onCheck?: (result: "ok" | "over" | "error", overResources: readonly string[]) => void;
}

/** Runs a limit decision, telling `deps.onCheck` how it went. */
async function observed<T>(deps: LimitAppDeps, decide: () => Promise<T>): Promise<T> {
  try {
    const out = await decide();
    deps.onCheck?.("ok", []);
    return out;
  } catch (e) {
    if (e instanceof ProjectOverLimit) {
      deps.onCheck?.("over", e.overLimitInfoList.map((i) => i.resourceName));
    } else deps.onCheck?.("error", []);
    throw e;
  }
}

const Resource = z.string().min(1).max(255);
const Creds = z.record(z.string(), z.unknown()).optional().describe(
  "dev mode only (auth off): the caller's credentials",
);
const nonEmpty = (d: Record<string, number>) => Object.keys(d).length > 0;

const CheckBody = z.object({
  projectId: z.string().min(1).max(255).nullable(),
  deltas: z.record(Resource, z.number().int()).refine(nonEmpty, "name at least one resource"),
  credentials: Creds,
}).strict();

const ClaimBody = z.object({
  projectId: z.string().min(1).max(255),
  deltas: z.record(Resource, z.number().int().nonnegative()).refine(
    nonEmpty,
    "name at least one resource",
  ),
  credentials: Creds,
}).strict();

const UsageBody = z.object({
  projectId: z.string().min(1).max(255).nullable(),
  resources: z.array(Resource).min(1),
  credentials: Creds,
}).strict();

const AdjustBody = z.object({
  projectId: z.string().min(1).max(255),
  deltas: z.record(Resource, z.number().int()).refine(nonEmpty, "name at least one resource"),
  credentials: Creds,
}).strict();

const CredentialsOnly = z.object({ credentials: Creds }).strict();

type Env = { Variables: AuthVariables };

/** A JSON body when there is one (commit/release take none but dev credentials). */
function optionalJson<S extends z.ZodType>(schema: S): MiddlewareHandler {
  const parse = jsonBody(schema);
  return async function optionalJsonMiddleware(c, next) {
    if ((await c.req.text()).trim() !== "") return await parse(c, next);
    c.req.addValidatedData("json", {});
    await next();
  };
}

function overLimit(c: Context, e: ProjectOverLimit): Response {
  return problemResponse(
    c,
    problemFor(e.code, e.message, {
      projectId: e.projectId,
      overLimitInfoList: e.overLimitInfoList.map((i) => ({ ...i })),
    }),
  );
}

/** The limits router. */
export function createLimitApp(deps: LimitAppDeps): Hono<Env> {
  registerPolicyDefaults(deps.policy, LIMIT_POLICY_DEFAULTS);
  const authorize = createAuthorize(deps.policy);
  const check = (
    rule: string,
    projectId: string | null,
    c: Context,
    body: { credentials?: Record<string, unknown> | undefined },
  ) => authorize(rule, { project_id: projectId }, callerCredentials(c, body.credentials));
  const app = new Hono<Env>();

  app.post("/check", jsonBody(CheckBody), async (c) => {
    const body = c.req.valid("json");
    await check("limit:check", body.projectId, c, body);
    try {
      await observed(deps, () => deps.enforcer.enforce(body.projectId, body.deltas));
    } catch (e) {
      if (e instanceof ProjectOverLimit) return overLimit(c, e);
      throw e;
    }
    return c.json({ allowed: true });
  });

  app.post("/claims", jsonBody(ClaimBody), async (c) => {
    const body = c.req.valid("json");
    await check("limit:claim", body.projectId, c, body);
    try {
      const claim = await observed(
        deps,
        () => deps.store.claim(deps.enforcer, body.projectId, body.deltas),
      );
      c.header("Location", `${c.req.path.replace(/\/$/, "")}/${encodeURIComponent(claim.claimId)}`);
      return c.json({ ...claim, expiresAt: new Date(claim.expiresAt).toISOString() }, 201);
    } catch (e) {
      if (e instanceof ProjectOverLimit) return overLimit(c, e);
      throw e;
    }
  });

  for (const action of ["commit", "release"] as const) {
    app.post(`/claims/:claimId/${action}`, optionalJson(CredentialsOnly), async (c) => {
      const claimId = c.req.param("claimId");
      const body = (c.req.valid as (t: "json") => z.infer<typeof CredentialsOnly>)("json");
      await check(`limit:${action}`, claimProjectId(claimId), c, body);
      await deps.store[action](claimId);
      return c.body(null, 204);
    });
  }

  app.post("/usage", jsonBody(UsageBody), async (c) => {
    const body = c.req.valid("json");
    await check("limit:usage", body.projectId, c, body);
    const usage = await deps.enforcer.calculateUsage(body.projectId, body.resources);
    return c.json({ projectId: body.projectId, usage });
  });

  app.post("/usage/adjust", jsonBody(AdjustBody), async (c) => {
    const body = c.req.valid("json");
    await check("limit:adjust", body.projectId, c, body);
    const committed = await deps.store.adjust(body.projectId, body.deltas);
    return c.json({ projectId: body.projectId, committed });
  });

  return app;
}
