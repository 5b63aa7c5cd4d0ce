/**
 * Options that were not renamed but merged into another (oslo-specs rocky
 * "handle-config-changes" cases 3 and 4): a migration cannot rewrite them
 * without guessing, so it tells the operator what to write instead.
 *
 * @module
 */

/** A set of old options replaced by one new option. */
export interface MergedOptions {
  /** Normalised groups the old options were read from. */
  groups: readonly string[];
  /** The old option names. */
  options: readonly string[];
  /** The replacement, as `[group] option`. */
  target: string;
  /** How to write it. */
  hint: string;
}

/** The merges OpenStack services met on upgrade. */
export const MERGED_OPTIONS: readonly MergedOptions[] = [
  {
    groups: ["DEFAULT", "oslo_messaging_rabbit"],
    options: [
      "rabbit_host",
      "rabbit_hosts",
      "rabbit_port",
      "rabbit_userid",
      "rabbit_password",
      "rabbit_virtual_host",
      "rpc_backend",
    ],
    target: "[DEFAULT] transport_url",
    hint:
      "write transport_url = rabbit://USER:PASSWORD@HOST:PORT[,USER:PASSWORD@HOST2:PORT]/VIRTUAL_HOST " +
      "from these values, then delete them",
  },
  {
    groups: ["keystone_authtoken"],
    options: ["auth_host", "auth_port", "auth_protocol", "auth_admin_prefix"],
    target: "[keystone_authtoken] identity_uri",
    hint: "write identity_uri = PROTOCOL://HOST:PORT/PREFIX from these values, then delete them",
  },
  {
    groups: ["DEFAULT", "database"],
    options: ["sql_connection_trace", "sql_idle_timeout"],
    target: "[database] connection_debug / connection_recycle_time",
    hint: "set the [database] options their values mean, then delete them",
  },
];
