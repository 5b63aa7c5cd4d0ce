/**
 * Limits router: quota checks and claims over HTTP (mounted at `/v1/limits`).
 *
 * - `POST /check` `{projectId, deltas}` → 200 `{allowed: true}`, or a 403
 *   problem (`project-over-limit`) with `projectId` and `overLimitInfoList`.
 * - `POST /claims` `{projectId, deltas}` → 201 `{claimId, projectId, deltas, expiresAt}`:
 *   the usage is reserved until committed, released or expired.
 * - `POST /claims/{claimId}/commit`, `POST /claims/{claimId}/release` → 204.
 * - `POST /usage` `{projectId, resources}` → 200 `{projectId, usage: {r: {limit, usage}}}`.
 *
 * Every route asks `deps.authorize(rule, {project_id}, credentials)` first
 * (`limit:check`, `limit:claim`, `limit:commit`, `limit:release`,
 * `limit:usage`) and answers 403 `forbidden` when it says no.
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
import type { RuleDefault } from "../lib/policy/mod.ts";
import { type AuthVariables, type Credentials, emptyCredentials } from "./shell/auth.ts";
import { jsonBody } from "./shell/json_body.ts";
import { HttpProblem, problemFor, problemResponse } from "./shell/problem.ts";

/** Decides a policy rule for a target and credentials (oslo.policy's `enforce`). */
export type Authorize = (
  rule: string,
  target: Record<string, unknown>,
  credentials: Credentials,
) => boolean | Promise<boolean>;

/**
 * The limits routes' policy rules, registered into the service enforcer:
 * admins, and callers scoped to the project in question. Operators override
 * them in their policy file like any oslo.policy rule.
 */
export const LIMIT_POLICY_DEFAULTS: readonly RuleDefault[] = [
  ["limit:check", "Check deltas against a project's limits.", "/v1/limits/check"],
  ["limit:claim", "Reserve usage for a project (a claim).", "/v1/limits/claims"],
  ["limit:commit", "Commit a claim.", "/v1/limits/claims/{claim_id}/commit"],
  ["limit:release", "Release a claim.", "/v1/limits/claims/{claim_id}/release"],
  ["limit:usage", "Read a project's usage.", "/v1/limits/usage"],
].map(([name, description, path]) => ({
  name: name as string,
  checkStr: "role:admin or project_id:%(project_id)s",
  description: description as string,
  operations: [{ path: path as string, method: "POST" }],
}));

/** What the limits router needs. */
export interface LimitAppDeps {
  /** Checks deltas against limits; its usage callback reads `store`. */
  enforcer: Enforcer;
  /** Claims and usage (in memory, or on NATS KV across sites). */
  store: UsageStore;
  /** Policy check; the service wires oslo.policy's enforcer. */
  authorize: Authorize;
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

function credentialsOf(
  c: Context<Env>,
  body: { credentials?: Record<string, unknown> | undefined },
): Credentials {
  const verified = c.get("credentials");
  if (verified) return verified; // auth on: a body never grants identity
  return { ...emptyCredentials(), ...(body.credentials ?? {}) } as Credentials;
}

async function check(
  deps: LimitAppDeps,
  rule: string,
  projectId: string | null,
  credentials: Credentials,
): Promise<void> {
  if (!(await deps.authorize(rule, { project_id: projectId }, credentials))) {
    throw new HttpProblem("ERR_FORBIDDEN", `Policy does not allow ${rule} to be performed`);
  }
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
  const app = new Hono<Env>();

  app.post("/check", jsonBody(CheckBody), async (c) => {
    const body = c.req.valid("json");
    await check(deps, "limit:check", body.projectId, credentialsOf(c, body));
    try {
      await deps.enforcer.enforce(body.projectId, body.deltas);
    } catch (e) {
      if (e instanceof ProjectOverLimit) return overLimit(c, e);
      throw e;
    }
    return c.json({ allowed: true });
  });

  app.post("/claims", jsonBody(ClaimBody), async (c) => {
    const body = c.req.valid("json");
    await check(deps, "limit:claim", body.projectId, credentialsOf(c, body));
    try {
      const claim = await deps.store.claim(deps.enforcer, body.projectId, body.deltas);
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
      await check(deps, `limit:${action}`, claimProjectId(claimId), credentialsOf(c, body));
      await deps.store[action](claimId);
      return c.body(null, 204);
    });
  }

  app.post("/usage", jsonBody(UsageBody), async (c) => {
    const body = c.req.valid("json");
    await check(deps, "limit:usage", body.projectId, credentialsOf(c, body));
    const usage = await deps.enforcer.calculateUsage(body.projectId, body.resources);
    return c.json({ projectId: body.projectId, usage });
  });

  return app;
}
