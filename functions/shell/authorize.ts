/**
 * Policy for every area's routes: `authorize(rule, target, creds)` against the
 * service's one `Enforcer`, and `registerPolicyDefaults()` for an area to add
 * its own rule defaults (`limit:check`, `config:validate`, ...) when its
 * router is created.
 *
 * A denial throws lib/policy's errors, which `onError` maps to problem+json:
 * PolicyNotAuthorized and InvalidScope → 403, PolicyNotRegistered → 500 (a
 * rule the code forgot to register).
 *
 * @example In an area router
 * ```ts ignore
 * export function createLimitApp(deps: { policy: Enforcer }) {
 *   registerPolicyDefaults(deps.policy, [{ name: "limit:check", checkStr: "role:member" }]);
 *   const authorize = createAuthorize(deps.policy);
 *   const app = new Hono<AppEnv>();
 *   app.post("/check", jsonBody(Body), async (c) => {
 *     await authorize("limit:check", { project_id: body.project_id }, callerCredentials(c, body));
 *     ...
 *   });
 * }
 * ```
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import type * as policy from "../../lib/policy/mod.ts";
import { type Credentials, emptyCredentials } from "./auth.ts";
import { HttpProblem } from "./problem.ts";

/** Throws unless `creds` may do `rule` on `target`. */
export type Authorize = (
  rule: string,
  target?: policy.Target,
  creds?: policy.Creds | null,
) => Promise<void>;

/**
 * Registers an area's rule defaults into the service enforcer. Registering
 * the same defaults again is a no-op (routers may be built more than once per
 * isolate); a different default under a taken name throws DuplicatePolicyError.
 */
export function registerPolicyDefaults(
  enforcer: policy.Enforcer,
  defaults: readonly policy.RuleDefault[],
): void {
  const known = new Map(enforcer.defaults.map((d) => [d.name, d]));
  for (const d of defaults) {
    const have = known.get(d.name);
    if (have && JSON.stringify(have) === JSON.stringify(d)) continue;
    enforcer.registerDefault(d);
  }
}

/** An `authorize()` bound to the service enforcer; null or missing creds are nobody's. */
export function createAuthorize(enforcer: policy.Enforcer): Authorize {
  return async function authorize(rule, target = {}, creds = null) {
    await enforcer.authorize(rule, target, creds ?? emptyCredentials());
  };
}

/**
 * The caller's credentials: the verified token's, or with auth off (dev mode
 * only) the request body's `credentials`. A body that carries credentials
 * while auth is on is refused: bodies never grant identity.
 */
export function callerCredentials(
  c: Context,
  bodyCredentials: Record<string, unknown> | undefined,
): Credentials | Record<string, unknown> {
  const verified = c.get("credentials") as Credentials | null | undefined;
  if (verified) {
    if (bodyCredentials !== undefined) {
      throw new HttpProblem(
        "ERR_VALIDATION",
        "Cannot take credentials from the request body: they come from the bearer token",
        { errors: [{ path: "credentials", message: "only accepted with auth off (--dev)" }] },
      );
    }
    return verified;
  }
  return bodyCredentials ?? emptyCredentials();
}

/** Middleware that authorizes `rule` for the caller on the target `target(c)` gives. */
export function requirePolicy(
  authorize: Authorize,
  rule: string,
  target: (c: Context) => policy.Target = () => ({}),
): MiddlewareHandler {
  return async function requirePolicyMiddleware(c, next) {
    await authorize(rule, target(c), (c.get("credentials") as Credentials | null) ?? null);
    await next();
  };
}
