/**
 * The OPA policy the OPA tests decide with, twice: as stand-in documents
 * (JavaScript) and as the equivalent Rego for a real `opa` when one is on PATH.
 *
 * @module
 */
import {
  type OpaServer,
  type StandinDocument,
  startOpaStandin,
  startRealOpa,
} from "../_support/opa_standin.ts";

type Input = {
  rule?: string;
  target?: Record<string, unknown>;
  credentials?: { roles?: string[] };
} | undefined;
const roles = (i: unknown) => (i as Input)?.credentials?.roles ?? [];

/** Stand-in documents. */
export const DOCUMENTS: Record<string, StandinDocument> = {
  "test/admin_only": (i) => roles(i).includes("admin"),
  "test/maybe": (i) => ((i as Input)?.target?.defined === true ? true : undefined),
  "test/obj": (i) => ({ allow: roles(i).includes("admin") }),
  "test/not_bool": () => "yes",
  "test/conflict": (i) => {
    if ((i as Input)?.target?.conflict) {
      throw new Error(
        "test.rego:9: eval_conflict_error: complete rules must not produce multiple outputs",
      );
    }
    return undefined;
  },
  "identity/get_user": (i) => roles(i).includes("reader") || roles(i).includes("admin"),
  "identity/delete_user": (i) => roles(i).includes("admin"),
  "oslo/limit/check": (i) => ({ allow: roles(i).includes("member") }),
  "policy/enforce": () => true,
};

/** The same policy in Rego (v1 syntax). */
export const REGO: Record<string, string> = {
  "test.rego": `package test
import rego.v1
default admin_only := false
admin_only if "admin" in input.credentials.roles
maybe if input.target.defined == true
obj := {"allow": "admin" in input.credentials.roles}
not_bool := "yes"
conflict := 1 if input.target.conflict
conflict := 2 if input.target.conflict
`,
  "identity.rego": `package identity
import rego.v1
default get_user := false
get_user if "reader" in input.credentials.roles
get_user if "admin" in input.credentials.roles
default delete_user := false
delete_user if "admin" in input.credentials.roles
`,
  "oslo_limit.rego": `package oslo.limit
import rego.v1
check := {"allow": "member" in input.credentials.roles}
`,
  "policy.rego": `package policy
enforce := true
`,
};

/** The stand-in, and a real OPA when one is installed. */
export async function opaServers(raw?: Record<string, () => Response>): Promise<OpaServer[]> {
  const servers = [await startOpaStandin({ documents: DOCUMENTS, ...(raw ? { raw } : {}) })];
  const real = await startRealOpa(REGO);
  if (real) servers.push(real);
  return servers;
}
