/**
 * Test keys and tokens: real key pairs and signed JWTs made with jose.
 *
 * @module
 */
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from "jose";

/** A key pair with its public half exported three ways. */
export interface TestKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  alg: string;
  kid: string;
  spki: string;
  jwk: Record<string, unknown>;
}

/** Generates a signing key pair (ES256 by default). */
export async function makeKey(alg = "ES256", kid = crypto.randomUUID()): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { privateKey, publicKey, alg, kid, spki: await exportSPKI(publicKey), jwk };
}

/** Options of {@linkcode signToken}. */
export interface TokenOptions {
  issuer?: string;
  audience?: string | string[];
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** Seconds from now for `nbf`. */
  notBefore?: number;
  /** Leave `exp` out (claims may then carry their own). */
  noExp?: boolean;
  /** Leave `iat` out (claims may then carry their own). */
  noIat?: boolean;
}

/** Signs a JWT with `key`. */
export async function signToken(
  key: TestKey,
  claims: JWTPayload,
  options: TokenOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid });
  if (!options.noIat) jwt = jwt.setIssuedAt();
  if (!options.noExp) jwt = jwt.setExpirationTime(now + (options.expiresIn ?? 300));
  if (options.notBefore !== undefined) jwt = jwt.setNotBefore(now + options.notBefore);
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return await jwt.sign(key.privateKey);
}

/** An unsecured token (`alg: none`), which must never be accepted. */
export function unsecuredToken(claims: JWTPayload): string {
  const b64 = (o: unknown) =>
    btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${b64({ alg: "none", typ: "JWT" })}.${
    b64({ ...claims, exp: Math.floor(Date.now() / 1000) + 300 })
  }.`;
}
