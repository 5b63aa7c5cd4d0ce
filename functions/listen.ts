/**
 * Where serve.ts listens: `PORT` checked like an option, `HOST` defaulting to
 * loopback in dev mode (auth is off there) and to every interface otherwise,
 * and a failure to listen said in one line with a hint.
 *
 * @module
 */
import { StartupError } from "./startup_error.ts";

/** The port from `PORT` (8000 when unset); throws {@linkcode StartupError} naming PORT. */
export function listenPort(value: string | undefined): number {
  if (value === undefined || value === "") return 8000;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port <= 65535)) {
    throw new StartupError(
      `Invalid value for PORT from the environment: "${value}": expected a port number, an integer from 0 to 65535`,
    );
  }
  return port;
}

/** Where to listen, and how the start-up lines tell it. */
export interface ListenHost {
  /** The address to bind. */
  hostname: string;
  /** `127.0.0.1 only (set HOST to change)`, `0.0.0.0 (from HOST)`. */
  description: string;
}

/** The address from `HOST`; unset, 127.0.0.1 in dev mode and 0.0.0.0 otherwise. */
export function listenHost(value: string | undefined, dev: boolean): ListenHost {
  if (value) return { hostname: value, description: `${value} (from HOST)` };
  return dev
    ? { hostname: "127.0.0.1", description: "127.0.0.1 only (set HOST to change)" }
    : { hostname: "0.0.0.0", description: "0.0.0.0 (every interface; set HOST to change)" };
}

/** The URL a client on this host uses: `http://localhost:8000/` for the wildcard and loopback. */
export function listenUrl(hostname: string, port: number): string {
  const host = ["0.0.0.0", "::", "127.0.0.1"].includes(hostname)
    ? "localhost"
    : hostname.includes(":")
    ? `[${hostname}]`
    : hostname;
  return `http://${host}:${port}/`;
}

/** One line saying why `Deno.serve` could not listen, with what to change. */
export function listenFailure(e: unknown, hostname: string, port: number): string {
  const at = `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
  if (e instanceof Deno.errors.AddrInUse) {
    return `Cannot listen on ${at}: the address is already in use: stop what listens there or set PORT to a free port`;
  }
  if (e instanceof Deno.errors.PermissionDenied) {
    return `Cannot listen on ${at}: permission denied (ports below 1024 need privileges): set PORT to 1024 or above`;
  }
  if (e instanceof Deno.errors.AddrNotAvailable) {
    return `Cannot listen on ${at}: no interface of this host has that address: set HOST to one of its addresses (0.0.0.0 for all)`;
  }
  if (e instanceof Deno.errors.NotCapable) return `Cannot listen on ${at}: ${(e as Error).message}`;
  const why = (e instanceof Error ? e.message : String(e)).split("\n")[0];
  return `Cannot listen on ${at}: ${why}: check HOST and PORT`;
}
