/**
 * `functions/serve.ts` as a real child process on a free loopback port, for
 * tests that need what only a process has (signals, `--site`, stdout lines).
 *
 *     await using srv = await startServe(["--dev", "--site", "leaf1", "--nats", url]);
 *     await fetch(`${srv.url}/healthcheck`);
 *
 * @module
 */
const SERVE = new URL("../../functions/serve.ts", import.meta.url).pathname;

/** A running `serve.ts`: its base URL, the output so far, and disposal that stops it. */
export interface ServeProcess extends AsyncDisposable {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  readonly child: Deno.ChildProcess;
  /** Everything it printed on stdout so far. */
  output(): string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/** Options: extra environment (PORT and HOST are set), how long to wait for the listening line. */
export interface StartServeOptions {
  env?: Record<string, string>;
  timeout?: number;
}

/**
 * Starts `serve.ts ARGS` with `PORT=0 HOST=127.0.0.1` and resolves once it
 * prints its listening line; stdout keeps being collected.
 */
export async function startServe(
  args: readonly string[],
  options: StartServeOptions = {},
): Promise<ServeProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", SERVE, ...args],
    env: { PORT: "0", HOST: "127.0.0.1", NO_COLOR: "1", ...options.env },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let out = "";
  const reading = child.stdout.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (out += chunk) }),
  ).catch(() => {});
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
    await reading;
  };
  let exited: Deno.CommandStatus | undefined;
  child.status.then((s) => void (exited = s));
  try {
    const deadline = Date.now() + (options.timeout ?? 30_000);
    let port = 0;
    while (!port) {
      port = Number(/listening on http:\/\/localhost:(\d+)/.exec(out)?.[1] ?? 0);
      if (port) break;
      if (exited) throw new Error(`serve.ts exited with code ${exited.code} before listening`);
      if (Date.now() > deadline) throw new Error("Timed out waiting for serve.ts to listen");
      await new Promise((r) => setTimeout(r, 25));
    }
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      child,
      output: () => out,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}; it printed:\n${out}`);
  }
}
