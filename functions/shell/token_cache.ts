/**
 * Verified bearer tokens remembered: a token the verifier accepted is
 * answered from memory until its `exp`, and at most `maxAgeMs` (60 s by
 * default, so a key removed from the JWKS stops being honoured within a
 * minute), in a cache of at most `maxEntries` tokens. Verifying an ES256
 * token costs far more than deciding a policy; callers send the same token
 * many times. A token that fails verification is never remembered.
 *
 * @module
 */
import type { Credentials, Verifier } from "./auth.ts";

/** Options of {@linkcode tokenCache}. */
export interface TokenCacheOptions {
  /** Most tokens remembered (the oldest go first). */
  maxEntries?: number;
  /** Longest a verified token is remembered, in milliseconds. */
  maxAgeMs?: number;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

/** A verifier with a memory. */
export interface TokenCache {
  /** Verifies as the wrapped verifier does, answering remembered tokens from memory. */
  verify: Verifier;
  /** The credentials of a remembered, unexpired token; undefined otherwise (then `verify`). */
  lookup(token: string): Credentials | undefined;
}

function expiry(token: string): number | undefined {
  const part = token.split(".")[1];
  if (!part) return undefined;
  try {
    const json = atob(part.replaceAll("-", "+").replaceAll("_", "/"));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Wraps `verify` with a bounded memory of the tokens it accepted; their credentials are frozen. */
export function tokenCache(verify: Verifier, options: TokenCacheOptions = {}): TokenCache {
  const maxEntries = options.maxEntries ?? 10_000;
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  const now = options.now ?? Date.now;
  const seen = new Map<string, { creds: Credentials; until: number }>();
  const lookup = (token: string): Credentials | undefined => {
    const hit = seen.get(token);
    if (!hit) return undefined;
    if (hit.until <= now()) {
      seen.delete(token);
      return undefined;
    }
    return hit.creds;
  };
  return {
    lookup,
    async verify(token) {
      const hit = lookup(token);
      if (hit) return hit;
      const creds = deepFreeze(await verify(token));
      const exp = expiry(token);
      if (exp !== undefined && maxEntries > 0) {
        const until = Math.min(exp, now() + maxAgeMs);
        if (until > now()) {
          seen.delete(token);
          seen.set(token, { creds, until });
          while (seen.size > maxEntries) seen.delete(seen.keys().next().value as string);
        }
      }
      return creds;
    },
  };
}
