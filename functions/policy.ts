/**
 * Policy router: decisions over HTTP from the service's one `Enforcer`.
 *
 * - `POST /v1/policy/enforce` `{rule, target?, credentials?}` → `{rule, allowed}`
 * - `POST /v1/policy/enforce:batch` `{requests: [{rule, target?}], credentials?}` →
 *   `{results: [{rule, allowed}]}` (one OPA round trip in OPA mode)
 * - `GET /v1/policy/rules` → `{rules: [{name, check, source, scopeTypes, deprecatedRule, ...}]}`
 *
 * Credentials are the verified token's; with auth off (dev mode only) the
 * body's `credentials`, or on `GET` (no body) the JSON object in the
 * `X-Oslo-Edge-Credentials` header. Either is refused (400) while auth is on.
 * The endpoints are themselves guarded by the rules `policy:enforce` and
 * `policy:list_rules`.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import type * as policy from "../lib/policy/mod.ts";
import type { AppEnv } from "./app.ts";
import { callerCredentials, createAuthorize, registerPolicyDefaults } from "./shell/authorize.ts";
import { jsonBody } from "./shell/json_body.ts";
import { HttpProblem } from "./shell/problem.ts";

/** Dev mode with auth off: the caller's credentials as JSON, on requests without a body. */
export const DEV_CREDENTIALS_HEADER = "X-Oslo-Edge-Credentials";

/**
 * The credentials of a request without a body: the verified token's, or with
 * auth off the `X-Oslo-Edge-Credentials` header's JSON object (400 problem
 * when it is not one, or when auth is on).
 */
export function headerCredentials(c: Context<AppEnv>): policy.Creds {
  const raw = c.req.header(DEV_CREDENTIALS_HEADER);
  const issue = (message: string) => ({ errors: [{ path: DEV_CREDENTIALS_HEADER, message }] });
  if (raw !== undefined && c.get("credentials")) {
    throw new HttpProblem(
      "ERR_VALIDATION",
      `Cannot take credentials from the ${DEV_CREDENTIALS_HEADER} header: they come from the bearer token`,
      issue("only accepted with auth off (--dev)"),
    );
  }
  if (raw === undefined) return callerCredentials(c, undefined);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    throw new HttpProblem(
      "ERR_VALIDATION",
      `Cannot read the ${DEV_CREDENTIALS_HEADER} header: ${(e as Error).message}`,
      issue('not JSON; send a JSON object such as {"roles": ["reader"]}'),
    );
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new HttpProblem(
      "ERR_VALIDATION",
      `Cannot read the ${DEV_CREDENTIALS_HEADER} header: expected a JSON object`,
      issue("Expected an object"),
    );
  }
  return callerCredentials(c, value as Record<string, unknown>);
}

/** The policy area's own rules. */
export const POLICY_RULE_DEFAULTS: readonly policy.RuleDefault[] = [
  {
    name: "policy:enforce",
    checkStr: "",
    description: "Ask for a policy decision for your own credentials.",
    operations: [
      { path: "/v1/policy/enforce", method: "POST" },
      { path: "/v1/policy/enforce:batch", method: "POST" },
    ],
  },
  {
    name: "policy:list_rules",
    checkStr: "role:admin or role:reader",
    description: "List the effective policy rules.",
    operations: [{ path: "/v1/policy/rules", method: "GET" }],
  },
];

/** Most decisions in one `enforce:batch` request unless the router is told otherwise. */
export const DEFAULT_MAX_BATCH = 1000;

/** What the policy router needs. */
export interface PolicyAppDeps {
  /** The service's enforcer. */
  enforcer: policy.Enforcer;
  /** Most decisions in one batch request. */
  maxBatch?: number;
}

/** A JSON object (not an array, not null); its members are the caller's business. */
const JsonObject = z.custom<Record<string, unknown>>(
  (v) => typeof v === "object" && v !== null && !Array.isArray(v),
  { message: "Expected an object" },
);
const EnforceBody = z.object({
  rule: z.string().min(1).describe("rule name"),
  target: JsonObject.default({}).describe("the object acted on, flat dotted keys"),
  credentials: JsonObject.optional().describe("dev mode with auth off only"),
}).strict();

/** The policy router. */
export function createPolicyApp(deps: PolicyAppDeps): Hono<AppEnv> {
  const { enforcer } = deps;
  registerPolicyDefaults(enforcer, POLICY_RULE_DEFAULTS);
  const authorize = createAuthorize(enforcer);
  const BatchBody = z.object({
    requests: z.array(
      z.object({ rule: z.string().min(1), target: JsonObject.default({}) }).strict(),
    )
      .min(1).max(deps.maxBatch ?? DEFAULT_MAX_BATCH),
    credentials: JsonObject.optional(),
  }).strict();

  const app = new Hono<AppEnv>();
  app.post("/enforce", jsonBody(EnforceBody), async (c) => {
    const body = c.req.valid("json");
    const creds = callerCredentials(c, body.credentials);
    if (!enforcer.isOpen("policy:enforce")) await authorize("policy:enforce", {}, creds);
    const allowed = await enforcer.enforce(body.rule, body.target, creds);
    return c.json({ rule: body.rule, allowed });
  });
  app.post("/enforce:batch", jsonBody(BatchBody), async (c) => {
    const body = c.req.valid("json");
    const creds = callerCredentials(c, body.credentials);
    if (!enforcer.isOpen("policy:enforce")) await authorize("policy:enforce", {}, creds);
    const allowed = await enforcer.enforceMany(
      body.requests.map((r) => ({ rule: r.rule, target: r.target, creds })),
    );
    return c.json({
      results: body.requests.map((r, i) => ({ rule: r.rule, allowed: allowed[i] })),
    });
  });
  app.get("/rules", async (c) => {
    await authorize("policy:list_rules", {}, headerCredentials(c));
    return c.json({ rules: await enforcer.rules() });
  });
  return app;
}
