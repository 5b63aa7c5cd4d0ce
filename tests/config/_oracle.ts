/**
 * Runs oslo.config itself (tests/config/oracle.py under Debian's
 * /usr/bin/python3) on a batch of requests: one process per batch.
 *
 * @module
 */

/** The interpreter that sees Debian's python3-oslo.config. */
export const PYTHON = "/usr/bin/python3";

const ORACLE = new URL("./oracle.py", import.meta.url).pathname;

/** Whether the oracle can run here (python3-oslo.config installed). */
export async function oracleAvailable(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(PYTHON, {
      args: ["-c", "import oslo_config"],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

/** Sends every request to oslo.config and returns its answers in order. */
export async function askOracle<T = unknown>(requests: readonly unknown[]): Promise<T[]> {
  const child = new Deno.Command(PYTHON, {
    args: [ORACLE],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { PYTHONUTF8: "1", PYTHONDONTWRITEBYTECODE: "1" },
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(requests)));
  await writer.close();
  const out = await child.output();
  if (!out.success) {
    throw new Error(`oracle failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout)) as T[];
}
