/**
 * A small Keystone v3 client: password or application-credential auth (as
 * keystoneauth's `password`/`v3password`/`v3applicationcredential` plugins
 * take them), the token kept until shortly before it expires and renewed once
 * on a 401, JSON GETs with a timeout. Secrets never appear in errors.
 *
 * @module
 */
import { KeystoneAuthError, KeystoneError } from "./errors.ts";

/** How to authenticate, in keystoneauth's terms (camelCased option names). */
export interface KeystoneAuthOptions {
  /** Keystone's URL (`http://keystone:5000/v3`, `/v3` added when missing). */
  authUrl: string;
  /** keystoneauth plugin name (default: application credential when its secret is set, else password). */
  authType?: "password" | "v3password" | "v3applicationcredential";
  userId?: string;
  username?: string;
  userDomainId?: string;
  userDomainName?: string;
  password?: string;
  /** Used for the user's and project's domain when theirs are not set. */
  defaultDomainId?: string;
  defaultDomainName?: string;
  projectId?: string;
  projectName?: string;
  projectDomainId?: string;
  projectDomainName?: string;
  domainId?: string;
  domainName?: string;
  /** `all` for a system-scoped token. */
  systemScope?: string;
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret?: string;
  /** Milliseconds per request (default 30000). */
  timeout?: number;
  /** Retries after a connection error (default 0), `connectRetryDelay` ms apart (default 500). */
  connectRetries?: number;
  connectRetryDelay?: number;
}

type Json = Record<string, unknown>;

function domainRef(id?: string, name?: string): Json | undefined {
  if (id) return { id };
  if (name) return { name };
  return undefined;
}

function compact(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** The `auth` body of `POST /v3/auth/tokens` for these options. */
export function authBody(o: KeystoneAuthOptions): Json {
  const userDomain = domainRef(
    o.userDomainId ?? o.defaultDomainId,
    o.userDomainName ?? o.defaultDomainName,
  );
  const user = o.userId ? { id: o.userId } : compact({ name: o.username, domain: userDomain });
  const appCred = o.authType === "v3applicationcredential" ||
    (o.authType === undefined && o.applicationCredentialSecret !== undefined);
  if (appCred) {
    if (!o.applicationCredentialSecret) {
      throw new TypeError(
        "Cannot authenticate to Keystone: set [oslo_limit] application_credential_secret",
      );
    }
    if (!o.applicationCredentialId && !(o.applicationCredentialName && (o.userId || o.username))) {
      throw new TypeError(
        "Cannot authenticate to Keystone: set [oslo_limit] application_credential_id, or application_credential_name with user_id or username",
      );
    }
    const credential = o.applicationCredentialId
      ? { id: o.applicationCredentialId, secret: o.applicationCredentialSecret }
      : { name: o.applicationCredentialName, secret: o.applicationCredentialSecret, user };
    // Application credentials carry their own scope.
    return {
      identity: { methods: ["application_credential"], application_credential: credential },
    };
  }
  if (!o.password || (!o.userId && !o.username)) {
    throw new TypeError(
      "Cannot authenticate to Keystone: set [oslo_limit] username (or user_id) and password, or an application credential",
    );
  }
  if (!o.userId && !userDomain) {
    throw new TypeError(
      "Cannot authenticate to Keystone: set [oslo_limit] user_domain_id or user_domain_name (or default_domain_id) with username",
    );
  }
  const auth: Json = {
    identity: { methods: ["password"], password: { user: { ...user, password: o.password } } },
  };
  const projectDomain = domainRef(
    o.projectDomainId ?? o.defaultDomainId,
    o.projectDomainName ?? o.defaultDomainName,
  );
  if (o.systemScope) auth.scope = { system: { [o.systemScope]: true } };
  else if (o.projectId) auth.scope = { project: { id: o.projectId } };
  else if (o.projectName) {
    auth.scope = { project: compact({ name: o.projectName, domain: projectDomain }) };
  } else if (o.domainId || o.domainName) {
    auth.scope = { domain: domainRef(o.domainId, o.domainName) };
  }
  return auth;
}

/** A Keystone v3 API client holding one token. */
export class KeystoneClient {
  /** Base URL ending in `/v3`. */
  readonly url: string;
  #options: KeystoneAuthOptions;
  #token: Promise<{ id: string; expires: number }> | undefined;

  constructor(options: KeystoneAuthOptions) {
    authBody(options); // fail now on incomplete options
    this.url = options.authUrl.replace(/\/+$/, "").replace(/(\/v3)?$/, "/v3");
    this.#options = options;
  }

  /** How this client authenticates, for messages (never a secret). */
  get method(): string {
    const o = this.#options;
    const body = authBody(o) as { identity: { methods: string[] } };
    return body.identity.methods[0] === "application_credential"
      ? `application credential ${o.applicationCredentialId ?? o.applicationCredentialName}`
      : `password of user ${o.userId ?? o.username}`;
  }

  async #fetch(path: string, init: RequestInit): Promise<Response> {
    const retries = this.#options.connectRetries ?? 0;
    for (let attempt = 0;; attempt++) {
      try {
        return await fetch(`${this.url}${path}`, {
          ...init,
          signal: AbortSignal.timeout(this.#options.timeout ?? 30_000),
        });
      } catch (e) {
        if (attempt >= retries) {
          throw new KeystoneError(
            `Cannot reach Keystone at ${this.url}: ${(e as Error).message}`,
            0,
            {
              cause: e,
            },
          );
        }
        await new Promise((r) => setTimeout(r, this.#options.connectRetryDelay ?? 500));
      }
    }
  }

  async #issue(): Promise<{ id: string; expires: number }> {
    const res = await this.#fetch("/auth/tokens", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ auth: authBody(this.#options) }),
    });
    const text = await res.text();
    const id = res.headers.get("X-Subject-Token");
    if (res.status !== 201 || !id) {
      const Cls = res.status === 401 || res.status === 403 ? KeystoneAuthError : KeystoneError;
      throw new Cls(
        `Keystone at ${this.url} refused the [oslo_limit] credentials (${this.method}): ${res.status} ${
          errorMessage(text)
        }`,
        res.status,
      );
    }
    const expiresAt = Date.parse(
      (JSON.parse(text) as { token?: { expires_at?: string } }).token?.expires_at ?? "",
    );
    // Renew a minute early (or at half-life for short tokens).
    const life = Number.isFinite(expiresAt) ? expiresAt - Date.now() : 3_600_000;
    return { id, expires: Date.now() + Math.max(life - Math.min(60_000, life / 2), 0) };
  }

  /** The current token, issued or renewed when needed. */
  async token(): Promise<string> {
    const current = await this.#token;
    if (current && current.expires > Date.now()) return current.id;
    const next = this.#issue();
    this.#token = next;
    next.catch(() => {
      if (this.#token === next) this.#token = undefined;
    });
    return (await next).id;
  }

  /** `GET` a v3 path (`/limits?project_id=..`); null on 404; throws {@linkcode KeystoneError}. */
  async get<T = Json>(
    path: string,
    query: Record<string, string | undefined> = {},
  ): Promise<T | null> {
    const qs = new URLSearchParams(
      Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined),
    ).toString();
    const full = qs ? `${path}?${qs}` : path;
    for (let attempt = 0;; attempt++) {
      const res = await this.#fetch(full, { headers: { "X-Auth-Token": await this.token() } });
      const text = await res.text();
      if (res.status === 401 && attempt === 0) {
        this.#token = undefined; // revoked or expired early: one fresh token
        continue;
      }
      if (res.status === 404) return null;
      if (!res.ok) {
        const Cls = res.status === 401 || res.status === 403 ? KeystoneAuthError : KeystoneError;
        throw new Cls(
          `Keystone GET ${full} answered ${res.status}: ${errorMessage(text)}`,
          res.status,
        );
      }
      return JSON.parse(text) as T;
    }
  }
}

function errorMessage(text: string): string {
  try {
    const m = (JSON.parse(text) as { error?: { message?: string } }).error?.message;
    if (m) return m;
  } catch { /* not JSON */ }
  return text.slice(0, 200);
}
