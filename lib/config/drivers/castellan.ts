/**
 * The `castellan` config-source driver (castellan's `_config_driver.py`)
 * with a Barbican key manager: a mapping file names, per option, the id of a
 * secret; the driver reads its payload from Barbican's REST API
 * (`GET {barbican_endpoint}/{version}/secrets/{id}/payload`) at load, and
 * again on each reload (a secret replaced in Barbican, or a mapping file
 * pointing at a new one, reaches mutable options).
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
 * The token and the secrets never travel in the clear or to another host: a
 * plain `http://` endpoint is refused unless it is loopback, and a full
 * secret ref must be on the endpoint's origin (else the mapping file's line
 * is named and nothing is sent). As in castellan, an option whose secret
 * Barbican refuses (403, 404) is reported (never with its value) and left to
 * the next source; Barbican unreachable or failing (5xx) fails the source.
 * Its values are secret whatever the option's declaration.
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
  return file.index.last(group, key)?.value;
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
  const origin = endpointOrigin(group, file.name, endpoint);
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
    origin,
    base: `${endpoint.replace(/\/+$/, "")}/${
      setting(file, "barbican", "barbican_api_version") ?? "v1"
    }`,
    headers,
    client: await tlsClient(group, caPath ? { caPath } : {}),
  };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The endpoint's origin; refuses anything but https, or http on loopback. */
function endpointOrigin(group: string, file: string, endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConfigSourceError(
      group,
      `Cannot use [barbican] barbican_endpoint of ${file}: it is not a URL`,
    );
  }
  const shown = displayUri(endpoint);
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname)) {
    throw new ConfigSourceError(
      group,
      `Cannot use [barbican] barbican_endpoint "${shown}" of ${file}: plain http would send the token and the secrets in the clear; use https (http only on loopback)`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigSourceError(
      group,
      `Cannot use [barbican] barbican_endpoint "${shown}" of ${file}: use an https URL`,
    );
  }
  return url.origin;
}

/** The URL of each mapped secret; refuses a ref off the endpoint's origin, naming its line. */
function secretRefs(group: string, mapping: ParsedFile, base: string, origin: string) {
  return mapping.entries.map((e) => {
    const full = /^[a-z][a-z0-9+.-]*:\/\//i.test(e.value);
    const ref = full ? e.value.replace(/\/+$/, "") : `${base}/secrets/${e.value}`;
    let refOrigin: string | undefined;
    try {
      refOrigin = new URL(ref).origin;
    } catch { /* refused below */ }
    if (refOrigin !== origin) {
      throw new ConfigSourceError(
        group,
        `Cannot use [${group}] mapping_file "${mapping.name}" line ${e.line}: the secret ref of [${e.section}] ${e.key} is not on the Barbican endpoint ${origin}, so the token would go elsewhere`,
      );
    }
    return { entry: e, ref, label: `[${e.section}] ${e.key}` };
  });
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
    const { origin, base, headers, client } = await barbicanSettings(group, conf);
    const values = new Map<string, { value: string; ref: string }>();
    let refs;
    try {
      refs = secretRefs(group, mapping, base, origin);
    } catch (e) {
      client?.close();
      throw e;
    }
    // Every fetch settles before anything is reported or the client closes.
    const answers = await Promise.all(refs.map(async ({ ref }) => {
      try {
        const res = await fetch(`${ref}/payload`, {
          headers,
          ...(client ? { client } : {}),
          signal: AbortSignal.timeout(30_000),
        });
        return { status: res.status, body: await res.text() };
      } catch (err) {
        return { error: (err as Error).name };
      }
    })).finally(() => client?.close());
    for (const [i, { entry: e, ref, label }] of refs.entries()) {
      const a = answers[i] as { status?: number; body?: string; error?: string };
      const where = `the secret for ${label} from ${displayUri(ref)}`;
      if (a.error !== undefined || (a.status as number) >= 500) {
        throw new ConfigSourceError(
          group,
          `Cannot read ${where}: ${a.error ?? `HTTP ${a.status}`}`,
        );
      }
      if ((a.status as number) < 200 || (a.status as number) >= 300) {
        host.warn(`Cannot read ${where}: HTTP ${a.status}`);
        continue;
      }
      values.set(`${normalizeGroupName(e.section)}\u0000${e.key}`, {
        value: a.body as string,
        ref: displayUri(ref),
      });
    }
    return {
      get(g, dest, opt) {
        const hit = values.get(`${g}\u0000${dest}`);
        if (!hit) return undefined;
        return {
          value: opt.multi ? [hit.value] : hit.value,
          location: { kind: "driver", detail: hit.ref },
          secret: true,
        };
      },
    };
  },
};
