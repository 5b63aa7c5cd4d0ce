/**
 * A userspace TCP proxy for tests: forwards a loopback port to a target,
 * optionally delaying every chunk each way (a slow WAN link, as `tc netem`
 * would, which this machine's kernel lacks), and can cut and restore the link.
 *
 * ```ts ignore
 * await using proxy = await startTcpProxy({ target: hub.leafPort, delay: 25 });
 * proxy.cut(); // every connection dropped, new ones refused until restore()
 * proxy.restore();
 * ```
 *
 * @module
 */

/** Options of {@linkcode startTcpProxy}. */
export interface TcpProxyOptions {
  /** Target port on 127.0.0.1. */
  target: number;
  /** Milliseconds added to every chunk in each direction (default 0). */
  delay?: number;
}

/** A running proxy. */
export interface TcpProxy extends AsyncDisposable {
  /** Port it listens on (127.0.0.1). */
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Drops every connection and refuses new ones. */
  cut(): void;
  /** Accepts connections again. */
  restore(): void;
}

async function pipe(
  from: Deno.Conn,
  to: Deno.Conn,
  delay: number,
): Promise<void> {
  const queue: { at: number; chunk: Uint8Array }[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const writer = (async () => {
    for (;;) {
      const item = queue.shift();
      if (!item) {
        if (ended) return;
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      const wait = item.at - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      let off = 0;
      while (off < item.chunk.length) off += await to.write(item.chunk.subarray(off));
    }
  })();
  try {
    const buf = new Uint8Array(64 * 1024);
    for (;;) {
      const n = await from.read(buf);
      if (n === null) break;
      queue.push({ at: Date.now() + delay, chunk: buf.slice(0, n) });
      wake?.();
    }
  } finally {
    ended = true;
    wake?.();
    await writer.catch(() => {});
  }
}

/** Starts a proxy on a free loopback port. */
export function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const delay = options.delay ?? 0;
  let blocked = false;
  let accepted = 0;
  const close = (c: Deno.Conn) => {
    conns.delete(c);
    try {
      c.close();
    } catch { /* already closed */ }
  };
  const serve = async (inbound: Deno.Conn) => {
    let outbound: Deno.Conn;
    try {
      outbound = await Deno.connect({ hostname: "127.0.0.1", port: options.target });
    } catch {
      close(inbound);
      return;
    }
    conns.add(outbound);
    await Promise.race([
      pipe(inbound, outbound, delay).catch(() => {}),
      pipe(outbound, inbound, delay).catch(() => {}),
    ]);
    close(inbound);
    close(outbound);
  };
  const loop = (async () => {
    for await (const conn of listener) {
      if (blocked) {
        try {
          conn.close();
        } catch { /* gone */ }
        continue;
      }
      accepted++;
      conns.add(conn);
      serve(conn);
    }
  })().catch(() => {});
  return Promise.resolve({
    port: (listener.addr as Deno.NetAddr).port,
    get accepted() {
      return accepted;
    },
    cut() {
      blocked = true;
      for (const c of [...conns]) close(c);
    },
    restore() {
      blocked = false;
    },
    async [Symbol.asyncDispose]() {
      blocked = true;
      listener.close();
      for (const c of [...conns]) close(c);
      await loop;
    },
  });
}
