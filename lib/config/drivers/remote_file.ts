/**
 * The `remote_file` config-source driver (oslo.config's `sources/_uri.py`):
 * fetches an INI file over HTTP(S) at load (and again on each reload), with an optional CA bundle
 * (file or directory) and client certificate, and serves its values.
 *
 *     [DEFAULT]
 *     config_source = shared
 *
 *     [shared]
 *     driver = remote_file
 *     uri = https://config.example.org/nova.conf
 *     ca_path = /etc/ssl/edge-ca.pem
 *     client_cert = /etc/ssl/edge-client.pem
 *     client_key = /etc/ssl/edge-client.key
 *
 * @module
 */
import { ConfigSourceError } from "../errors.ts";
import { lookupFiles, parseConfigText } from "../namespace.ts";
import { strOpt } from "../opt_scalar.ts";
import { uriOpt } from "../opt_net.ts";
import type { ConfigSource, ConfigSourceDriver, SourceHost } from "../source.ts";
import { readPemBundle, splitPem } from "./pem.ts";

const OPTS = [
  uriOpt("uri", {
    schemes: ["http", "https"],
    required: true,
    sampleDefault: "https://example.com/my-configuration.ini",
    help: "Required option with the URI of the extra configuration file's location.",
  }),
  strOpt("ca_path", {
    sampleDefault: "/etc/ca-certificates",
    help: "The path to a CA_BUNDLE file or directory with certificates of trusted CAs.",
  }),
  strOpt("client_cert", {
    sampleDefault: "/etc/ca-certificates/service-client-keystore",
    help: "Client side certificate, as a single file path containing either the certificate " +
      "only or the private key and the certificate.",
  }),
  strOpt("client_key", {
    help: "Client side private key, in case client_cert is specified but does not includes the " +
      "private key.",
  }),
];

/** The URI as messages and locations show it: no user information, no query. */
export function displayUri(uri: string): string {
  try {
    const u = new URL(uri);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(unparseable URI)";
  }
}

/** Builds the HTTP client for a CA bundle and client certificate, when set. */
export async function tlsClient(
  group: string,
  paths: { caPath?: string; clientCert?: string; clientKey?: string },
): Promise<Deno.HttpClient | undefined> {
  if (!paths.caPath && !paths.clientCert) return undefined;
  const caCerts = paths.caPath ? await readPemBundle(paths.caPath) : undefined;
  let tls: { cert: string; key: string } | undefined;
  if (paths.clientCert) {
    const certText = await read(group, paths.clientCert, "client_cert");
    const keyText = paths.clientKey ? await read(group, paths.clientKey, "client_key") : certText;
    const { certs, key } = splitPem(certText + "\n" + keyText);
    if (certs.length === 0 || !key) {
      throw new ConfigSourceError(
        group,
        `Cannot use [${group}] client_cert: it needs a PEM certificate and a private key (in client_cert or client_key)`,
      );
    }
    tls = { cert: certs.join("\n"), key };
  }
  return Deno.createHttpClient({ ...(caCerts ? { caCerts } : {}), ...(tls ?? {}) });
}

async function read(group: string, path: string, option: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    throw new ConfigSourceError(
      group,
      `Cannot read [${group}] ${option} "${path}": ${(e as Error).message}`,
    );
  }
}

/** The `remote_file` driver. */
export const remoteFileDriver: ConfigSourceDriver = {
  name: "remote_file",
  opts: OPTS,
  async open(host: SourceHost, group: string): Promise<ConfigSource> {
    host.registerOpts(OPTS, group);
    const uri = host.get(group, "uri") as string | undefined;
    if (!uri) throw new ConfigSourceError(group, `Cannot open [${group}]: no 'uri' is set`);
    const shown = displayUri(uri);
    const client = await tlsClient(group, {
      ...optional("caPath", host.get(group, "ca_path")),
      ...optional("clientCert", host.get(group, "client_cert")),
      ...optional("clientKey", host.get(group, "client_key")),
    });
    let text: string;
    try {
      const res = await fetch(uri, {
        ...(client ? { client } : {}),
        signal: AbortSignal.timeout(30_000),
      });
      text = await res.text();
      if (!res.ok) throw new ConfigSourceError(group, `Cannot fetch ${shown}: HTTP ${res.status}`);
    } catch (e) {
      if (e instanceof ConfigSourceError) throw e;
      throw new ConfigSourceError(group, `Cannot fetch ${shown}: ${(e as Error).message}`);
    } finally {
      client?.close();
    }
    const file = parseConfigText({ name: shown, text });
    return {
      get(g, dest, opt) {
        const hit = lookupFiles([file], [{ group: g, name: dest }], opt.multi);
        if (!hit) return undefined;
        return {
          value: opt.multi ? hit.values : hit.values[0] as string,
          location: {
            kind: "driver",
            detail: shown,
            ...(hit.location.line ? { line: hit.location.line } : {}),
          },
        };
      },
    };
  },
};

function optional<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  return (typeof value === "string" && value !== "" ? { [key]: value } : {}) as {
    [P in K]?: string;
  };
}
