/**
 * Finds the nats-server binary for the test harness, and says what to do in
 * one line when it is missing.
 *
 * @module
 */

/** The nats-server binary is not where the harness looked; the message says what to do. */
export class NatsServerNotFound extends Error {
  readonly code = "ERR_NATS_SERVER_NOT_FOUND";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NatsServerNotFound";
  }
}

/** Where the binary comes from: an explicit path (option or `NATS_SERVER_BIN`), or a search. */
export interface NatsBin {
  path: string;
  /** `bin option`, `NATS_SERVER_BIN`, or undefined when found on PATH (or not at all). */
  from?: string;
}

/** The binary: the `bin` option, else `NATS_SERVER_BIN`, else PATH, else Debian's /usr/sbin. */
export function natsBin(bin?: string): NatsBin {
  if (bin) return { path: bin, from: "the bin option" };
  const configured = Deno.env.get("NATS_SERVER_BIN");
  if (configured) return { path: configured, from: "NATS_SERVER_BIN" };
  const dirs = [...(Deno.env.get("PATH") ?? "").split(":"), "/usr/sbin", "/usr/local/sbin"];
  for (const dir of dirs) {
    try {
      if (dir && Deno.statSync(`${dir}/nats-server`).isFile) return { path: `${dir}/nats-server` };
    } catch { /* not here */ }
  }
  return { path: "nats-server" };
}

/** The one-line error for a binary that cannot be run because it does not exist. */
export function natsBinMissing(bin: NatsBin, cause?: unknown): NatsServerNotFound {
  return new NatsServerNotFound(
    bin.from
      ? `Cannot run nats-server "${bin.path}" (from ${bin.from}): no such file; point it at the binary, or unset it to use the installed one`
      : "nats-server is not installed: run `deno task setup` (or apt-get install -y nats-server)",
    cause === undefined ? {} : { cause },
  );
}
