/**
 * Keystone's real policy defaults (Debian's python3-keystone), exported with
 * oslo.policy's own generator, and the credentials the suite and the
 * benchmark decide them for.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import type { RuleDefault } from "../../lib/policy/mod.ts";
import { PYTHON } from "./oracle.ts";

const EXPORT = fileURLToPath(new URL("../../cli/policy_export_defaults.py", import.meta.url));

/** Keystone's registered defaults, in registration order; null when keystone is not installed. */
export async function keystoneDefaults(): Promise<RuleDefault[] | null> {
  const out = await new Deno.Command(PYTHON, { args: [EXPORT, "keystone"], stderr: "null" })
    .output().catch(() => null);
  if (!out?.success) return null;
  return JSON.parse(new TextDecoder().decode(out.stdout)) as RuleDefault[];
}

function token(
  roles: readonly string[],
  scope: "system" | "domain" | "project",
): Record<string, unknown> {
  const implied = roles.includes("admin")
    ? ["admin", "member", "reader"]
    : roles.includes("member")
    ? ["member", "reader"]
    : ["reader"];
  return {
    user_id: `user-${roles[0]}-${scope}`,
    user_domain_id: "d1",
    project_id: scope === "project" ? "p1" : null,
    project_domain_id: scope === "project" ? "d1" : null,
    domain_id: scope === "domain" ? "d1" : null,
    system_scope: scope === "system" ? "all" : null,
    roles: implied,
    is_admin_project: false,
    service_user_id: null,
    service_user_domain_id: null,
    service_project_id: null,
    service_project_domain_id: null,
    service_roles: [],
  };
}

/** admin/member/reader × system/domain/project tokens, by name (`project-member`). */
export const KEYSTONE_CREDS: Readonly<Record<string, Record<string, unknown>>> = Object.fromEntries(
  (["system", "domain", "project"] as const).flatMap((scope) =>
    (["admin", "member", "reader"] as const).map((
      role,
    ) => [`${scope}-${role}`, token([role], scope)])
  ),
);

/** The six credentials of the benchmark (as the issue lists them). */
export const BENCH_CREDS = [
  "system-admin",
  "system-reader",
  "domain-admin",
  "project-admin",
  "project-member",
  "project-reader",
] as const;

/** Targets: the caller's own objects, someone else's, and nothing. */
export function keystoneTargets(creds: Record<string, unknown>): Record<string, unknown>[] {
  const own = {
    user_id: creds.user_id,
    project_id: "p1",
    domain_id: "d1",
    "target.user.id": creds.user_id,
    "target.user.domain_id": "d1",
    "target.project.id": "p1",
    "target.project.domain_id": "d1",
    "target.domain.id": "d1",
    "target.group.domain_id": "d1",
    "target.role.domain_id": "d1",
    "target.credential.user_id": creds.user_id,
    "target.token.user_id": creds.user_id,
    "target.trust.trustor_user_id": creds.user_id,
    "target.trust.trustee_user_id": creds.user_id,
  };
  const other = Object.fromEntries(
    Object.entries(own).map(([k, v]) => [k, typeof v === "string" ? `${v}-other` : v]),
  );
  return [own, other, {}];
}
