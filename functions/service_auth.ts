/**
 * The service's token verification from `[auth]`: a jose verifier, or none in
 * dev mode (with a warning), and a clear start-up error for what cannot work.
 *
 * @module
 */
import type { ConfigOpts } from "../lib/config/mod.ts";
import { AUTH_OPTS } from "./options.ts";
import { createVerifier, type Verifier } from "./shell/auth.ts";
import { StartupError } from "./startup_error.ts";

/** Options of {@linkcode createServiceVerifier}. */
export interface ServiceVerifierOptions {
  /** Dev mode (`--dev`): auth may be off. */
  dev: boolean;
  /** Lines to print at start; warnings are added here. */
  warnings: string[];
  /** Whether the app is served over HTTP; false skips verification. */
  http: boolean;
  /** Where the HTTP server listens, told in the auth-off warning (`127.0.0.1 only (...)`). */
  listen?: string;
}

/** Builds the verifier; null when auth is off (dev mode) or nothing is served over HTTP. */
export async function createServiceVerifier(
  conf: ConfigOpts,
  options: ServiceVerifierOptions,
): Promise<Verifier | null> {
  if (!options.http) return null;
  const { dev, warnings } = options;
  const auth = conf.group(AUTH_OPTS);
  const strategySet = conf.location("auth", "strategy").kind !== "opt_default";
  if (auth.strategy === "noauth" || (dev && !strategySet)) {
    if (!dev) {
      throw new StartupError(
        `Cannot start with [auth] strategy = noauth (from ${
          where(conf, "strategy")
        }): authentication may be off only with --dev`,
      );
    }
    warnings.push(
      "WARNING: authentication is OFF (dev mode): requests are not authenticated and bodies may carry credentials" +
        (options.listen ? `; listening on ${options.listen}` : ""),
    );
    return null;
  }
  let publicKey: string | undefined;
  if (auth.public_key_file) {
    try {
      publicKey = await Deno.readTextFile(auth.public_key_file);
    } catch (e) {
      throw new StartupError(
        `Cannot read [auth] public_key_file "${auth.public_key_file}": ${(e as Error).message}`,
      );
    }
  }
  if (!auth.jwks_url && !publicKey) {
    throw new StartupError(
      "Cannot start with [auth] strategy = jwt and no key: set [auth] jwks_url or [auth] public_key_file" +
        (dev ? "" : " (or run with --dev)"),
    );
  }
  if (!auth.issuer) {
    throw new StartupError(
      "Cannot start with [auth] strategy = jwt and no [auth] issuer: set it to the iss claim " +
        "your identity provider puts in its tokens (OS_AUTH__ISSUER in the environment)",
    );
  }
  if (auth.audience.length === 0) {
    warnings.push(
      "WARNING: [auth] audience is empty: tokens for any audience (aud) are accepted; " +
        "set it to the audience your identity provider issues tokens for this service with",
    );
  }
  if (auth.jwks_url && isPlainRemoteHttp(auth.jwks_url)) {
    warnings.push(
      `WARNING: [auth] jwks_url "${auth.jwks_url}" is plain http to another host: ` +
        "anyone on the path can swap the signing keys; use https",
    );
  }
  try {
    return await createVerifier({
      ...(auth.jwks_url ? { jwksUrl: auth.jwks_url } : {}),
      ...(publicKey ? { publicKey } : {}),
      issuer: auth.issuer,
      audience: auth.audience,
      algorithms: auth.algorithms,
      clockTolerance: auth.clock_skew,
      claimMap: auth.claim_map,
    });
  } catch (e) {
    throw new StartupError(`Cannot set up token verification: ${(e as Error).message}`);
  }
}

/** `http:` to a host other than the loopback one. */
function isPlainRemoteHttp(url: string): boolean {
  const u = new URL(url);
  if (u.protocol !== "http:") return false;
  const host = u.hostname.replace(/^\[|\]$/g, "");
  return !(host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host));
}

function where(conf: ConfigOpts, name: string): string {
  const loc = conf.location("auth", name);
  return loc.kind === "user"
    ? `${loc.detail}:${loc.line}`
    : loc.kind === "environment"
    ? String(loc.detail)
    : loc.kind;
}
