/**
 * The policy `deno task dev` uses when no policy file is configured: a small
 * sample in oslo.policy's YAML, open enough to try every endpoint.
 *
 * @module
 */

/** Embedded sample policy (YAML) for dev mode. */
export const DEV_POLICY_YAML =
  `# oslo-edge dev-mode sample policy (used only with --dev and no policy file)
"admin_required": "role:admin or is_admin:True"
"reader": "role:reader or rule:admin_required"
"owner": "user_id:%(user_id)s or project_id:%(project_id)s"
"default": "rule:admin_required"
"policy:list_rules": "@"
"example:read": "rule:reader or rule:owner"
"example:write": "rule:admin_required or (role:member and project_id:%(project_id)s)"
`;
