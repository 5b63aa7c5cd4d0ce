/**
 * The `opa:` check kind: `opa:<path>` asks OPA for the document at `<path>`
 * with `{"input": {"rule", "target", "credentials"}}` and allows only when the
 * result is `true` or an object with `allow: true`. `opa:rest:<path>` and
 * `opa:wasm:<path>` pick the engine; plain `opa:<path>` uses the configured
 * default (`[oslo_policy] opa_engine`).
 *
 * Fail closed: an undefined document, a non-2xx answer, a malformed body, a
 * timeout or an engine that is not configured throws CheckError: the check's
 * value is unknown. In Kleene's logic `opa:x or role:admin` still allows an
 * admin while OPA is down, `not opa:x` denies, and a rule left unknown
 * denies; the enforcer logs each failure with the rule name.
 *
 * @module
 */
import { type Creds, type Decision, type EvalContext, KindCheck, type Target } from "./checks.ts";
import { CheckError } from "./errors.ts";
import { isAllowResult, type OpaRequest } from "./opa_client.ts";

/** Something that evaluates OPA documents: the REST client or the Wasm runtime. */
export interface OpaEngine {
  /** The document at `path` for `input`; undefined when there is none. Throws on failure. */
  evaluate(path: string, input: unknown): unknown | Promise<unknown>;
  /** Several documents at once, where the engine can batch. */
  evaluateMany?(requests: readonly OpaRequest[]): Promise<unknown[]>;
}

/** The `opa` service handed to the enforcer. */
export interface OpaService {
  engines: { rest?: OpaEngine; wasm?: OpaEngine };
  /** Engine for `opa:<path>` without an explicit one. */
  defaultEngine: "rest" | "wasm";
}

/** The input document OPA sees for an oslo decision. */
export function opaInput(rule: string | null, target: Target, creds: Creds): unknown {
  return { rule, target, credentials: creds };
}

/** `opa:[rest:|wasm:]<path>`. */
export class OpaCheck extends KindCheck {
  readonly engine: "rest" | "wasm" | null;
  readonly path: string;
  constructor(kind: string, match: string) {
    super(kind, match);
    const m = /^(rest|wasm):(.*)$/s.exec(match);
    this.engine = m ? m[1] as "rest" | "wasm" : null;
    this.path = m ? m[2]! : match;
  }

  evaluate(target: Target, creds: Creds, ctx: EvalContext): Decision {
    const svc = ctx.services.opa as OpaService | undefined;
    const name = this.engine ?? svc?.defaultEngine ?? "rest";
    const engine = svc?.engines[name];
    if (!engine) {
      throw new CheckError(
        `Cannot run "${this}": no OPA ${name} engine is configured ([oslo_policy] ${
          name === "rest" ? "opa_url" : "opa_wasm_file"
        })`,
      );
    }
    const input = opaInput(ctx.currentRule, target, creds);
    let result: unknown;
    try {
      result = engine.evaluate(this.path, input);
    } catch (e) {
      throw this.#failed(e);
    }
    if (result instanceof Promise) {
      return result.then((r) => this.#decide(r), (e) => {
        throw this.#failed(e);
      });
    }
    return this.#decide(result);
  }

  #decide(result: unknown): boolean {
    if (result === undefined) {
      throw new CheckError(`OPA has no document at data/${this.path} ("${this}" failed)`);
    }
    return isAllowResult(result);
  }

  #failed(e: unknown): CheckError {
    return new CheckError(`"${this}" failed: ${(e as Error).message}`, { cause: e });
  }
}
