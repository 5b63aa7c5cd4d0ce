/**
 * PEM helpers for the drivers' TLS settings: a CA bundle given as a file or a
 * directory (as `requests` takes `verify=`), and a certificate file that may
 * also hold its private key.
 *
 * @module
 */
import { ConfigSourceError } from "../errors.ts";

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** Certificates and the private key found in PEM text. */
export function splitPem(text: string): { certs: string[]; key?: string } {
  const certs: string[] = [];
  let key: string | undefined;
  for (const m of text.matchAll(BLOCK)) {
    if (m[1] === "CERTIFICATE") certs.push(m[0]);
    else if (/PRIVATE KEY$/.test(m[1] as string)) key ??= m[0];
  }
  return key === undefined ? { certs } : { certs, key };
}

/** Every certificate in a PEM file, or in the files of a directory. */
export async function readPemBundle(path: string): Promise<string[]> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (e) {
    throw new ConfigSourceError(
      "",
      `Cannot read CA certificates "${path}": ${(e as Error).message}`,
    );
  }
  const files: string[] = [];
  if (info.isDirectory) {
    for await (const e of Deno.readDir(path)) {
      if (!e.name.startsWith(".")) files.push(`${path.replace(/\/+$/, "")}/${e.name}`);
    }
  } else files.push(path);
  const certs: string[] = [];
  for (const f of files.sort()) {
    const text = await Deno.readTextFile(f).catch(() => "");
    certs.push(...splitPem(text).certs);
  }
  if (certs.length === 0) {
    throw new ConfigSourceError(
      "",
      `Cannot use CA certificates "${path}": no PEM certificate in it`,
    );
  }
  return certs;
}
