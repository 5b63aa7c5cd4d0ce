/**
 * Bearer JWT authentication with jose: a token verified against a JWKS URL or
 * a configured public key (`exp`/`nbf`, issuer, audience and the algorithm
 * allow-list checked; `alg: none` never accepted), its claims mapped to
 * oslo.context's credential dict (`to_policy_values()`).
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  importSPKI,
  importX509,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyGetKey,
} from "jose";
import { HttpProblem } from "./problem.ts";

/** oslo.context's `to_policy_values()`: what policy checks see of the caller. */
export interface Credentials {
  user_id: string | null;
  user_domain_id: string | null;
  project_id: string | null;
  project_domain_id: string | null;
  domain_id: string | null;
  system_scope: string | null;
  roles: string[];
  is_admin_project: boolean;
  service_user_id: string | null;
  service_user_domain_id: string | null;
  service_project_id: string | null;
  service_project_domain_id: string | null;
  service_roles: string[];
  [claim: string]: unknown;
}

/** Credential key → claim path (dotted) used by default. */
export const DEFAULT_CLAIM_MAP: Readonly<Record<string, string>> = {
  user_id: "sub",
  user_domain_id: "user_domain_id",
  project_id: "project_id",
  project_domain_id: "project_domain_id",
  domain_id: "domain_id",
  system_scope: "system_scope",
  roles: "roles",
  is_admin_project: "is_admin_project",
};

/** How tokens are verified. */
export interface VerifierOptions {
  /** JWKS endpoint (keys fetched and cached by jose). */
  jwksUrl?: string;
  /** A public key: PEM SPKI, PEM certificate, a JWK or a JWK set as JSON. */
  publicKey?: string;
  /** Required `iss`. */
  issuer?: string;
  /** Accepted `aud` values (one must match). */
  audience?: readonly string[];
  /** Accepted `alg` values; `none` is refused whatever this says. */
  algorithms: readonly string[];
  /** Seconds of clock skew tolerated on `exp`/`nbf`. */
  clockTolerance?: number;
  /** Credential key → claim path; merged over {@linkcode DEFAULT_CLAIM_MAP}. */
  claimMap?: Readonly<Record<string, string>>;
}

/** Verifies a bearer token and returns the caller's credentials; throws {@linkcode HttpProblem}. */
export type Verifier = (token: string) => Promise<Credentials>;

/** The credentials of nobody: what a check sees with no identity. */
export function emptyCredentials(): Credentials {
  return {
    user_id: null,
    user_domain_id: null,
    project_id: null,
    project_domain_id: null,
    domain_id: null,
    system_scope: null,
    roles: [],
    is_admin_project: true,
    service_user_id: null,
    service_user_domain_id: null,
    service_project_id: null,
    service_project_domain_id: null,
    service_roles: [],
  };
}

function claimAt(payload: JWTPayload, path: string): unknown {
  let v: unknown = payload;
  for (const part of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** Maps verified claims to credentials through the claim map. */
export function mapClaims(
  payload: JWTPayload,
  claimMap: Readonly<Record<string, string>> = DEFAULT_CLAIM_MAP,
): Credentials {
  const creds = emptyCredentials();
  for (const [credKey, path] of Object.entries({ ...DEFAULT_CLAIM_MAP, ...claimMap })) {
    const v = claimAt(payload, path);
    if (v === undefined || v === null) continue;
    if (credKey === "roles" || credKey === "service_roles") {
      creds[credKey] = Array.isArray(v)
        ? v.map(String)
        : String(v).split(",").map((r) => r.trim()).filter(Boolean);
    } else if (credKey === "is_admin_project") {
      creds.is_admin_project = v === true || v === "true" || v === "True";
    } else {
      creds[credKey] = typeof v === "object" ? v : String(v);
    }
  }
  return creds;
}

async function keyFromText(text: string, algorithms: readonly string[]): Promise<JWTVerifyGetKey> {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    const json = JSON.parse(trimmed);
    if (Array.isArray(json.keys)) return createLocalJWKSet(json);
    return createLocalJWKSet({ keys: [json] });
  }
  // PEM keys carry no algorithm: import once per allowed algorithm, pick by the token's header.
  const byAlg = new Map<string, CryptoKey>();
  for (const alg of algorithms) {
    try {
      byAlg.set(
        alg,
        trimmed.includes("BEGIN CERTIFICATE")
          ? await importX509(trimmed, alg)
          : await importSPKI(trimmed, alg),
      );
    } catch { /* this key type does not fit this algorithm */ }
  }
  if (byAlg.size === 0) {
    throw new TypeError(
      `Cannot use the configured public key with any of the algorithms ${algorithms.join(", ")}`,
    );
  }
  return (header) => {
    const key = byAlg.get(header.alg);
    if (!key) throw new joseErrors.JOSEAlgNotAllowed(`Algorithm ${header.alg} is not allowed`);
    return key;
  };
}

/** Creates a verifier; rejects at start-up when neither a JWKS URL nor a key is configured. */
export async function createVerifier(options: VerifierOptions): Promise<Verifier> {
  const algorithms = options.algorithms.filter((a) => a.toLowerCase() !== "none");
  if (algorithms.length === 0) throw new TypeError("Cannot verify tokens: no algorithm is allowed");
  let getKey: JWTVerifyGetKey;
  if (options.jwksUrl) {
    getKey = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000 });
  } else if (options.publicKey) {
    getKey = await keyFromText(options.publicKey, algorithms);
  } else {
    throw new TypeError("Cannot verify tokens: set [auth] jwks_url or [auth] public_key_file");
  }
  return async function verify(token: string): Promise<Credentials> {
    try {
      const { payload } = await jwtVerify(token, getKey, {
        algorithms: [...algorithms],
        ...(options.issuer ? { issuer: options.issuer } : {}),
        ...(options.audience && options.audience.length > 0
          ? { audience: [...options.audience] }
          : {}),
        clockTolerance: options.clockTolerance ?? 0,
        requiredClaims: ["exp"],
      });
      return mapClaims(payload, options.claimMap);
    } catch (e) {
      throw invalidToken(describeJoseError(e), e);
    }
  };
}

/** What a claim means, for messages (`exp` → "expiry (exp)"). */
const CLAIM_NAMES: Readonly<Record<string, string>> = {
  exp: "expiry (exp)",
  nbf: "not-before time (nbf)",
  iat: "issue time (iat)",
  iss: "issuer (iss)",
  aud: "audience (aud)",
  sub: "subject (sub)",
};

/** Says what is wrong with a token, from jose's error class, `claim` and `reason`. */
function describeJoseError(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) {
    return e.claim === "exp" ? "the token has expired" : `the token is too old (${e.claim})`;
  }
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    const name = CLAIM_NAMES[e.claim] ?? `${e.claim} claim`;
    if (e.reason === "missing") return `the token has no ${name}`;
    if (e.reason === "invalid") return `the token's ${name} is not a number of seconds`;
    if (e.claim === "nbf") return "the token is not yet valid";
    if (e.claim === "iat") return "the token's issue time (iat) is in the future";
    if (e.claim === "iss") return "the token has the wrong issuer";
    if (e.claim === "aud") return "the token has the wrong audience";
    return `the token's ${name} has an unexpected value`;
  }
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return "the token's algorithm is not allowed";
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) {
    return "the token's signature does not verify";
  }
  if (e instanceof joseErrors.JWKSNoMatchingKey) return "no known key matches the token";
  if (e instanceof joseErrors.JWSInvalid || e instanceof joseErrors.JWTInvalid) {
    return "the token is malformed";
  }
  if (e instanceof joseErrors.JWKSTimeout || e instanceof joseErrors.JOSEError) {
    return `the token cannot be verified (${(e as { code?: string }).code})`;
  }
  return "the token cannot be verified";
}

/**
 * Makes text fit RFC 6750's `error_description` (printable ASCII but `"` and
 * `\`), so the challenge stays a valid RFC 7235 quoted-string.
 */
function challengeText(text: string): string {
  return text.replaceAll('"', "'").replaceAll("\\", "/").replace(/[^\x20-\x7e]/g, "?");
}

function invalidToken(description: string, cause?: unknown): HttpProblem {
  return new HttpProblem("ERR_INVALID_TOKEN", `Cannot accept the bearer token: ${description}`, {
    headers: {
      "WWW-Authenticate": `Bearer realm="oslo-edge", error="invalid_token", error_description="${
        challengeText(description)
      }"`,
    },
    cause,
  });
}

/** Variables this middleware sets: the caller's credentials, or null when auth is off. */
export type AuthVariables = { credentials: Credentials | null };

/** Options of {@linkcode authenticate}. */
export interface AuthenticateOptions {
  /** The verifier, or null when auth is off (dev mode only). */
  verify: Verifier | null;
  /** Path prefixes served without a token (`/healthcheck`). */
  publicPaths?: readonly string[];
}

/** Requires a valid bearer token on every path but the public ones. */
export function authenticate(
  options: AuthenticateOptions,
): MiddlewareHandler<{ Variables: AuthVariables }> {
  const publicPaths = options.publicPaths ?? [];
  return async function authenticateMiddleware(c, next) {
    if (
      !options.verify || publicPaths.some((p) => c.req.path === p || c.req.path.startsWith(`${p}/`))
    ) {
      c.set("credentials", null);
      return await next();
    }
    const header = c.req.header("Authorization");
    const m = header
      ? /^Bearer\s+([A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]*\.?[A-Za-z0-9\-_.+/=]*)\s*$/i.exec(header)
      : null;
    if (!header) {
      throw new HttpProblem(
        "ERR_UNAUTHENTICATED",
        "Cannot serve this request without a bearer token",
        {
          headers: { "WWW-Authenticate": 'Bearer realm="oslo-edge"' },
        },
      );
    }
    if (!m) throw invalidToken("the Authorization header is not a bearer token");
    c.set("credentials", await options.verify(m[1] as string));
    await next();
  };
}
