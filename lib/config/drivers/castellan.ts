/**
 * The `castellan` config-source driver (castellan's `_config_driver.py`)
 * with a Barbican key manager: a mapping file names, per option, the id of a
 * secret; the driver reads its payload from Barbican's REST API
 * (`GET {barbican_endpoint}/{version}/secrets/{id}/payload`) once, at load.
 *
 *     [DEFAULT]
 *     config_source = secrets
 *
 *     [secrets]
 *     driver = castellan
 *     config_file = /etc/oslo-edge/castellan.conf
 *     mapping_file = /etc/oslo-edge/secrets_mapping.conf
 *
 * `castellan.conf` is castellan's own: `[key_manager] backend = barbican`,
 * `auth_type = token` with `token` (sent as `X-Auth-Token`), and
 * `[barbican] barbican_endpoint`, `barbican_api_version` (`v1`), `verify_ssl`,
 * `verify_ssl_path`. Beyond castellan, for a Barbican without Keystone
 * (`UnauthenticatedContextMiddleware`): `[key_manager] auth_type = noauth`,
 * `project_id` and `roles` (sent as `X-Project-Id` and `X-Roles`).
 * The mapping file is `[group] option = secret id` (a UUID or a full secret ref).
 *
 * As in castellan, an option whose secret cannot be read is reported (never
 * with its value) and left to the next source. Values are immutable.
 *
 * @module
 */
import { ConfigSourceError } from "../errors.ts";
import { normalizeGroupName, parseConfigText, type ParsedFile } from "../namespace.ts";
import { strOpt } from "../opt_scalar.ts";
import type { ConfigSource, ConfigSourceDriver, SourceHost } from "../source.ts";
import { displayUri, tlsClient } from "./remote_file.ts";

const OPTS = [
  strOpt("config_file", {
    required: true,
    sampleDefault: "etc/castellan/castellan.conf",
    help: "The path to a castellan configuration file.",
  }),
  strOpt("mapping_file", {
    required: true,
    sampleDefault: "etc/castellan/secrets_mapping.conf",
    help: "The path to a configuration/castellan_id mapping file.",
  }),
];

async function readIni(
  group: string,
  option: string,
  path: string | undefined,
): Promise<ParsedFile> {
  if (!path) throw new ConfigSourceError(group, `Cannot open [${group}]: no '${option}' is set`);
  try {
    return parseConfigText({ name: path, text: await Deno.readTextFile(path) });
  } catch (e) {
    throw new ConfigSourceError(
      group,
      `Cannot read [${group}] ${option} "${path}": ${(e as Error).message}`,
    );
  }
}

function setting(file: ParsedFile, group: string, key: string): string | undefined {
  const list = file.sections.get(group)?.get(key);
  return list?.[list.length - 1]?.value;
}

/** Request settings for Barbican, from castellan's config file. */
async function barbicanSettings(group: string, file: ParsedFile) {
  const backend = setting(file, "key_manager", "backend") ?? "barbican";
  if (backend !== "barbican") {
    throw new ConfigSourceError(
      group,
      `Cannot use key manager backend "${backend}": only barbican is supported`,
    );
  }
  const endpoint = setting(file, "barbican", "barbican_endpoint");
  if (!endpoint) {
    throw new ConfigSourceError(
      group,
      `Cannot open [${group}]: ${file.name} sets no [barbican] barbican_endpoint`,
    );
  }
  const authType = setting(file, "key_manager", "auth_type") ?? "token";
  const token = setting(file, "key_manager", "token");
  const projectId = setting(file, "key_manager", "project_id");
  if (authType !== "token" && authType !== "noauth") {
    throw new ConfigSourceError(
      group,
      `Cannot use [key_manager] auth_type "${authType}": use token or noauth`,
    );
  }
  if (authType === "token" && !token) {
    throw new ConfigSourceError(
      group,
      `Cannot open [${group}]: auth_type token needs [key_manager] token`,
    );
  }
  const headers: Record<string, string> = { Accept: "application/octet-stream" };
  if (authType === "token") headers["X-Auth-Token"] = token as string;
  if (projectId) headers["X-Project-Id"] = projectId;
  if (authType === "noauth") {
    headers["X-Roles"] = setting(file, "key_manager", "roles") ?? "observer";
  }
  const verify = setting(file, "barbican", "verify_ssl") ?? "true";
  if (/^(false|0|off|no)$/i.test(verify)) {
    throw new ConfigSourceError(
      group,
      "Cannot turn [barbican] verify_ssl off: secrets travel only over verified TLS or plain loopback HTTP",
    );
  }
  const caPath = setting(file, "barbican", "verify_ssl_path");
  return {
    base: `${endpoint.replace(/\/+$/, "")}/${
      setting(file, "barbican", "barbican_api_version") ?? "v1"
    }`,
    headers,
    client: await tlsClient(group, caPath ? { caPath } : {}),
  };
}

/** The `castellan` driver (Barbican key manager). */
export const castellanDriver: ConfigSourceDriver = {
  name: "castellan",
  opts: OPTS,
  async open(host: SourceHost, group: string): Promise<ConfigSource> {
    host.registerOpts(OPTS, group);
    const conf = await readIni(
      group,
      "config_file",
      host.get(group, "config_file") as string | undefined,
    );
    const mapping = await readIni(
      group,
      "mapping_file",
      host.get(group, "mapping_file") as string | undefined,
    );
    const { base, headers, client } = await barbicanSettings(group, conf);
    const values = new Map<string, { value: string; ref: string }>();
    try {
      await Promise.all(mapping.entries.map(async (e) => {
        const ref = /^https?:\/\//.test(e.value)
          ? e.value.replace(/\/+$/, "")
          : `${base}/secrets/${e.value}`;
        const label = `[${e.section}] ${e.key}`;
        try {
          const res = await fetch(`${ref}/payload`, {
            headers,
            ...(client ? { client } : {}),
            signal: AbortSignal.timeout(30_000),
          });
          const body = await res.text();
          if (!res.ok) {
            host.warn(
              `Cannot read the secret for ${label} from ${displayUri(ref)}: HTTP ${res.status}`,
            );
            return;
          }
          values.set(`${normalizeGroupName(e.section)}\u0000${e.key}`, {
            value: body,
            ref: displayUri(ref),
          });
        } catch (err) {
          host.warn(
            `Cannot read the secret for ${label} from ${displayUri(ref)}: ${(err as Error).name}`,
          );
        }
      }));
    } finally {
      client?.close();
    }
    return {
      get(g, dest, opt) {
        const hit = values.get(`${g}\u0000${dest}`);
        if (!hit) return undefined;
        return {
          value: opt.multi ? [hit.value] : hit.value,
          location: { kind: "driver", detail: hit.ref },
        };
      },
    };
  },
};
