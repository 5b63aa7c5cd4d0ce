/**
 * A throw-away PKI for TLS tests, made with openssl: a CA, a server
 * certificate for 127.0.0.1/localhost, and a client certificate, all signed
 * by the CA, in PEM files under `dir`.
 *
 * @module
 */

/** Paths of the PEM files {@linkcode makeTestPki} writes. */
export interface TestPki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** Client certificate and key in one file (oslo's client_cert without client_key). */
  clientCombined: string;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** Writes a CA, a server and a client certificate under `dir`. */
export async function makeTestPki(dir: string): Promise<TestPki> {
  await openssl(dir, [
    "req",
    "-x509",
    ...EC,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=oslo-edge test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  for (
    const [name, ext] of [
      ["server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"],
      ["client", "extendedKeyUsage=clientAuth\n"],
    ] as const
  ) {
    await Deno.writeTextFile(`${dir}/${name}.ext`, ext);
    await openssl(dir, [
      "req",
      ...EC,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    ]);
    await openssl(dir, [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
    ]);
  }
  await Deno.writeTextFile(
    `${dir}/client-combined.pem`,
    (await Deno.readTextFile(`${dir}/client.pem`)) + (await Deno.readTextFile(`${dir}/client.key`)),
  );
  return {
    ca: `${dir}/ca.pem`,
    serverCert: `${dir}/server.pem`,
    serverKey: `${dir}/server.key`,
    clientCert: `${dir}/client.pem`,
    clientKey: `${dir}/client.key`,
    clientCombined: `${dir}/client-combined.pem`,
  };
}
