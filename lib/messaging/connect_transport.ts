/**
 * `connectTransport`: a {@linkcode Transport} from a transport URL, with the
 * NATS client of choice: `nats.js` (the default; TLS, NKEY/JWT and KV
 * buckets natively) or `deno`, a native client that loads no npm package and
 * so keeps a process about 10 MiB smaller (edge agents use it).
 *
 * @module
 */
import { TransportUrlError } from "./errors.ts";
import type { Transport } from "./transport.ts";
import { parseTransportUrl, redactTransportUrl, type TransportUrl } from "./transport_url.ts";

/** NATS client implementations. */
export type NatsClient = "nats.js" | "deno";

/** Options of {@linkcode connectTransport}. */
export interface ConnectOptions {
  /** Client name shown by the server (`/connz`). */
  name?: string;
  /** Milliseconds between reconnect attempts (default 250: edge links come back fast). */
  reconnectTimeWait?: number;
  /** Keep retrying when no server answers at first, instead of failing. */
  waitOnFirstConnect?: boolean;
  /** Milliseconds to wait for the first connection (default 5000). */
  timeout?: number;
  /** Milliseconds between pings (default 10000); two missed pings mean a stale connection. */
  pingInterval?: number;
  /**
   * Which client: `nats.js` (default) or `deno`. The URL may say it too
   * (`?client=deno`), and the `OSLO_EDGE_NATS_CLIENT` environment variable
   * sets the default (to run a test suite against either).
   */
  client?: NatsClient;
}

function defaultClient(): string | undefined {
  try {
    return Deno.env.get("OSLO_EDGE_NATS_CLIENT");
  } catch {
    return undefined; // no --allow-env
  }
}

/**
 * Connects to NATS from a transport URL (`nats://user:pass@host:port,host2:port/`).
 * The connection reconnects by itself, forever, every `reconnectTimeWait` ms.
 *
 * @example
 * ```ts ignore
 * await using t = await connectTransport("nats://127.0.0.1:4222/", { client: "deno" });
 * ```
 */
export async function connectTransport(
  url: string | TransportUrl,
  options: ConnectOptions = {},
): Promise<Transport> {
  const parsed = typeof url === "string" ? parseTransportUrl(url) : url;
  const shown = typeof url === "string" ? redactTransportUrl(url) : parsed.servers.join(",");
  const client = options.client ?? parsed.query.client ?? defaultClient() ?? "nats.js";
  if (client === "deno") {
    const { connectDeno } = await import("./deno_transport.ts");
    return await connectDeno(parsed, options, shown);
  }
  if (client === "nats.js") {
    const { connectNatsJs } = await import("./nats_transport.ts");
    return await connectNatsJs(parsed, options, shown);
  }
  throw new TransportUrlError(`Cannot use NATS client "${client}": use nats.js or deno`);
}
