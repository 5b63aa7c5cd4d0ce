/**
 * `http:` and `https:` checks (oslo.policy's `HttpCheck`/`HttpsCheck`): POST
 * the rule, target and credentials to `(kind:match) % target`; allowed when
 * the reply text, stripped of surrounding `"`, is exactly `True`.
 *
 * Opt-in: unless the enforcer's `http` service is enabled
 * (`[oslo_policy] enable_remote_checks`), such a check denies with a warning.
 *
 * @module
 */
import { formatMatch } from "./builtin_checks.ts";
import { type Creds, type Decision, type EvalContext, KindCheck, type Target } from "./checks.ts";
import { CheckError } from "./errors.ts";
import { compilePyFormat, MISSING_KEY, type PyFormat } from "./py_format.ts";

/** What remote checks need, handed to the enforcer as `services.http`. */
export interface RemoteCheckService {
  /** Remote checks run only when this is true. */
  enabled: boolean;
  /** Body encoding, as `[oslo_policy] remote_content_type`. */
  contentType: "application/x-www-form-urlencoded" | "application/json";
  /** Milliseconds before the call is abandoned (deny). */
  timeoutMs: number;
  /** HTTP client for https (client certificate, CA). */
  client?: Deno.HttpClient;
  /** fetch to use (tests); the global one by default. */
  fetch?: typeof fetch;
}

/** Builds the `http` service from `[oslo_policy]` values; reads certificate files now. */
export async function remoteCheckService(o: {
  enable_remote_checks: boolean;
  remote_content_type: string;
  remote_timeout: number;
  remote_ssl_ca_crt_file?: string | undefined;
  remote_ssl_client_crt_file?: string | undefined;
  remote_ssl_client_key_file?: string | undefined;
  remote_ssl_verify_server_crt: boolean;
}): Promise<RemoteCheckService> {
  const read = async (what: string, path: string | undefined) => {
    if (!path) return undefined;
    try {
      return await Deno.readTextFile(path);
    } catch (e) {
      throw new CheckError(`Unable to find ssl ${what} : ${path} (${(e as Error).message})`);
    }
  };
  const cert = await read("cert_file", o.remote_ssl_client_crt_file);
  const key = await read("key_file", o.remote_ssl_client_key_file);
  const ca = o.remote_ssl_verify_server_crt
    ? await read("ca cert_file", o.remote_ssl_ca_crt_file)
    : undefined;
  const service: RemoteCheckService = {
    enabled: o.enable_remote_checks,
    contentType: o.remote_content_type === "application/json"
      ? "application/json"
      : "application/x-www-form-urlencoded",
    timeoutMs: o.remote_timeout * 1000,
  };
  if (cert || key || ca) {
    service.client = Deno.createHttpClient({
      ...(cert && key ? { cert, key } : {}),
      ...(ca ? { caCerts: [ca] } : {}),
    });
  }
  return service;
}

/** `http:` / `https:`: asks a remote server. */
export class HttpCheck extends KindCheck {
  readonly #url: PyFormat;
  constructor(kind: string, match: string) {
    super(kind, match);
    this.#url = compilePyFormat(`${kind}:${match}`);
  }

  evaluate(target: Target, creds: Creds, ctx: EvalContext): Decision {
    const svc = ctx.services.http as RemoteCheckService | undefined;
    if (!svc?.enabled) {
      throw new CheckError(
        `Cannot run "${this}": remote checks are off ([oslo_policy] enable_remote_checks)`,
      );
    }
    const url = formatMatch(this.#url, target, this);
    if (url === MISSING_KEY) {
      throw new CheckError(`Cannot run "${this}": the target lacks a key the URL needs`);
    }
    return this.#call(svc, url, target, creds, ctx.currentRule);
  }

  async #call(
    svc: RemoteCheckService,
    url: string,
    target: Target,
    creds: Creds,
    rule: string | null,
  ): Promise<boolean> {
    const body = svc.contentType === "application/json"
      ? JSON.stringify({ rule, target, credentials: creds })
      : new URLSearchParams({
        rule: JSON.stringify(rule),
        target: JSON.stringify(target),
        credentials: JSON.stringify(creds),
      }).toString();
    const init: RequestInit & { client?: Deno.HttpClient } = {
      method: "POST",
      headers: { "Content-Type": svc.contentType },
      body,
      signal: AbortSignal.timeout(svc.timeoutMs),
    };
    if (svc.client) init.client = svc.client;
    let text: string;
    try {
      const res = await (svc.fetch ?? fetch)(url, init);
      text = await res.text();
    } catch (e) {
      throw new CheckError(`Cannot run "${this}": ${(e as Error).message}`, { cause: e });
    }
    return text.replace(/^"+/, "").replace(/"+$/, "") === "True";
  }
}
