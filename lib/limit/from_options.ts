/**
 * Builds limit sources from loaded `[oslo_limit]` options.
 *
 * @module
 */
import type { GroupValues } from "../config/mod.ts";
import { KeystoneClient } from "./keystone_client.ts";
import { KeystoneLimitSource } from "./keystone_source.ts";
import type { LIMIT_OPTS } from "./options.ts";

/** The values of a loaded `[oslo_limit]` group. */
export type LimitOptionValues = GroupValues<(typeof LIMIT_OPTS)["opts"]>;

function defined<T extends Record<string, unknown>>(
  o: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}

/**
 * A {@linkcode KeystoneLimitSource} authenticating with the `[oslo_limit]`
 * keystoneauth options (`endpoint_override` wins over `auth_url` for API calls).
 */
export function keystoneSourceFromOptions(o: LimitOptionValues): KeystoneLimitSource {
  if (!o.auth_url) {
    throw new TypeError(
      "Cannot read limits from Keystone: set [oslo_limit] auth_url (or limits_file)",
    );
  }
  const client = new KeystoneClient(defined({
    authUrl: o.endpoint_override ?? o.auth_url,
    authType: o.auth_type as "password" | "v3password" | "v3applicationcredential" | undefined,
    userId: o.user_id,
    username: o.username,
    userDomainId: o.user_domain_id,
    userDomainName: o.user_domain_name,
    password: o.password,
    defaultDomainId: o.default_domain_id,
    defaultDomainName: o.default_domain_name,
    projectId: o.project_id,
    projectName: o.project_name,
    projectDomainId: o.project_domain_id,
    projectDomainName: o.project_domain_name,
    domainId: o.domain_id,
    domainName: o.domain_name,
    systemScope: o.system_scope,
    applicationCredentialId: o.application_credential_id,
    applicationCredentialName: o.application_credential_name,
    applicationCredentialSecret: o.application_credential_secret,
    timeout: o.timeout === undefined ? undefined : o.timeout * 1000,
    connectRetries: o.connect_retries,
    connectRetryDelay: o.connect_retry_delay === undefined
      ? undefined
      : o.connect_retry_delay * 1000,
  }));
  return new KeystoneLimitSource(
    client,
    defined({
      endpointId: o.endpoint_id,
      endpointServiceType: o.endpoint_service_type,
      endpointServiceName: o.endpoint_service_name,
      endpointRegionName: o.endpoint_region_name,
      endpointInterface: o.endpoint_interface,
    }),
  );
}
