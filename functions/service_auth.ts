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

/** Builds the verifier; null when auth is off (dev mode) or nothing is served over HTTP. */
export async function createServiceVerifier(
  conf: ConfigOpts,
  options: { dev: boolean; warnings: string[]; http: boolean },
): Promise<Verifier | null> {
  if (!options.http) return null;
  const dev = options.dev;
  const warnings = options.warnings;
  const auth = conf.group(AUTH_OPTS);
  let verify: Verifier | null = null;
  const strategySet = conf.location("auth", "strategy").kind !== "opt_default";
  const authOff = auth.strategy === "noauth" || (dev && !strategySet);
  if (authOff) {
    if (!dev) {
      throw new StartupError(
        `Cannot start with [auth] strategy = noauth (from ${
          where(conf, "strategy")
        }): authentication may be off only with --dev`,
      );
    }
    warnings.push(
      "WARNING: authentication is OFF (dev mode): requests are not authenticated and bodies may carry credentials",
    );
  } else {
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
        "Cannot start with [auth] strategy = jwt and no key: set [auth] jwks_url or [auth] public_key_file (or run with --dev)",
      );
    }
    try {
      verify = await createVerifier({
        ...(auth.jwks_url ? { jwksUrl: auth.jwks_url } : {}),
        ...(publicKey ? { publicKey } : {}),
        ...(auth.issuer ? { issuer: auth.issuer } : {}),
        audience: auth.audience,
        algorithms: auth.algorithms,
        clockTolerance: auth.clock_skew,
        claimMap: auth.claim_map,
      });
    } catch (e) {
      throw new StartupError(`Cannot set up token verification: ${(e as Error).message}`);
    }
  }
  return verify;
}

function where(conf: ConfigOpts, name: string): string {
  const loc = conf.location("auth", name);
  return loc.kind === "user"
    ? `${loc.detail}:${loc.line}`
    : loc.kind === "environment"
    ? String(loc.detail)
    : loc.kind;
}
